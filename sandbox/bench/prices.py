"""AWS list prices (us-east-1, on-demand, as published in 2025) and the cost of a run.

Prices, in USD:

- SQS FIFO: $0.50 per million requests (a batch of up to 10 messages is one request);
- DynamoDB on-demand: $0.625 per million write request units, $0.125 per million read
  request units;
- Lambda (arm64, the functions' architecture): $0.20 per million requests and
  $0.0000133334 per GB-second;
- API Gateway REST API: $3.50 per million requests;
- Secrets Manager: $0.05 per 10,000 API calls.

Cost per 1M records = 1,000,000 / N x (SQS requests x 0.50e-6 + WRU x 0.625e-6 + RRU x
0.125e-6 + Lambda invocations x 0.20e-6 + Σ invocation seconds x memory GB x 1.33334e-5 +
API Gateway requests x 3.50e-6 + Secrets Manager calls x 0.05e-4). SQS receives that
returned nothing are an event source mapping's idle polling, a cost per hour rather than
per record, and are left out. Invocation seconds are the in-process wall times of the
handlers, which include the emulators' and moto's time (on AWS, network waits instead).

The floor (issue 9): one SQS send, a tenth of a batched receive and of a batched delete,
one DynamoDB write unit and a tenth of a Lambda request per record:
0.50 + 0.1 x 0.50 + 0.1 x 0.50 + 0.625 + 0.1 x 0.20 = $1.245 per million, before compute.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared.topology import FUNCTIONS

if TYPE_CHECKING:
    from sandbox.bench.scenarios import Measured

SQS_REQUEST = 0.50e-6
DYNAMODB_WRU = 0.625e-6
DYNAMODB_RRU = 0.125e-6
LAMBDA_REQUEST = 0.20e-6
LAMBDA_GB_S = 0.0000133334
APIGW_REQUEST = 3.50e-6
SECRETS_CALL = 0.05 / 10_000

FLOOR_PER_MILLION = 1e6 * (
    SQS_REQUEST + 0.1 * SQS_REQUEST + 0.1 * SQS_REQUEST + DYNAMODB_WRU + 0.1 * LAMBDA_REQUEST
)


def cost_per_million(m: Measured) -> float:
    if not m.records:
        return 0.0
    memory_gb = {f.name: f.memory_mb / 1024 for f in FUNCTIONS}
    sqs = m.aws.of("sqs") - m.aws.sqs_empty_receives
    dollars = (
        sqs * SQS_REQUEST
        + m.aws.write_units * DYNAMODB_WRU
        + m.aws.read_units * DYNAMODB_RRU
        + sum(m.invocations.values()) * LAMBDA_REQUEST
        + sum(s * memory_gb.get(name, 0.5) for name, s in m.invocation_s.items()) * LAMBDA_GB_S
        + m.saas.get("api_gateway", 0) * APIGW_REQUEST
        + m.aws.of("secrets-manager") * SECRETS_CALL
    )
    return dollars * 1e6 / m.records
