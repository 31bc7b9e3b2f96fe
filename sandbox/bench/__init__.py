"""Issue 9's figures measured against the sandbox: ``python -m sandbox.bench`` (``make bench``).

Everything is instrumented from outside the code under test:

- AWS: botocore event hooks on every client of the in-process world count requests, SQS
  messages sent/received/deleted, and DynamoDB write and read units computed from item
  sizes (:mod:`sandbox.bench.aws_meter`); moto's own time is summed;
- the SaaS side: httpx event hooks on the world's client count HTTP requests per system
  (:mod:`sandbox.bench.saas_meter`); the Intacct emulator's call log counts functions
  (each one billed) and writes;
- the Lambda runner's invocation counts, and each invocation's wall time.

Scenarios (:mod:`sandbox.bench.scenarios`): N accounts created in Salesforce, N customers
created in Intacct (each synced by webhook and poll until only echoes remain); a burst of
edits on a few records (coalescing); edits at a steady rate on the webhook path
(latency, computed in-process from the Salesforce edit time to the Intacct emulator's
timestamp of the write); the same at a larger N (growth); and cold starts of every
handler in fresh processes (:mod:`sandbox.bench.coldstart`).

Cost per 1M records uses AWS list prices; the prices and the formula are in
:mod:`sandbox.bench.prices`: SQS FIFO $0.50/M requests, DynamoDB on-demand $0.625/M WRU
and $0.125/M RRU, Lambda arm64 $0.20/M requests and $0.0000133334/GB-s, API Gateway REST
$3.50/M, Secrets Manager $0.05/10k calls; cost = 1e6 / N x Σ count x price. The floor
(one send, a tenth of a receive and a delete, one write unit, a tenth of a Lambda
request per record) is $1.245 per million; the target is 1.5 x that.
"""
