"""The functions' clients on the service models the layer ships (no documentation, found
through AWS_DATA_PATH) are the same clients: they call DynamoDB, Secrets Manager and SQS
as with botocore's own models, and the cold-start bench runs handlers on those models."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import boto3
import botocore
import pytest
from botocore.awsrequest import AWSPreparedRequest
from moto import mock_aws

from infra.bundling import write_service_models
from sandbox.aws import create_tables
from sandbox.bench.coldstart import LayerBotocore, environment
from shared.state.table import Table
from shared.topology import STATE_TABLE


def layer_models(output_dir: Path) -> str:
    """The service models the layer ships, written from this environment's botocore."""
    write_service_models(Path(botocore.__file__).parent / "data", output_dir)
    return str(output_dir)


def test_clients_on_the_layers_service_models_carry_no_prose_and_still_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given botocore's own DynamoDB model, which carries its documentation
    stock = boto3.session.Session(region_name="us-east-1").client("dynamodb")
    assert stock.meta.service_model.documentation
    # And the layer's service models, written from this environment's botocore
    monkeypatch.setenv("AWS_DATA_PATH", layer_models(tmp_path / "models"))
    with mock_aws():
        session = boto3.session.Session(region_name="us-east-1")
        dynamodb, secrets, sqs = (
            session.client(name) for name in ("dynamodb", "secretsmanager", "sqs")
        )
        # Then the clients were built from those models
        assert dynamodb.meta.service_model.documentation == ""
        assert secrets.meta.service_model.documentation == ""
        # When the state table, a secret and a queue are used through them
        create_tables(dynamodb)
        table = Table(dynamodb, STATE_TABLE.name)
        table.put_item(Item={"pk": "CONN#m", "sk": "x", "n": Decimal("1.5")})
        secrets.create_secret(Name="conn/m", SecretString='{"k": "v"}')
        url = sqs.create_queue(QueueName="q")["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="hello")
        # Then each answers as it does on botocore's own models
        assert table.get_item(Key={"pk": "CONN#m", "sk": "x"})["Item"]["n"] == Decimal("1.5")
        assert secrets.get_secret_value(SecretId="conn/m")["SecretString"] == '{"k": "v"}'
        [message] = sqs.receive_message(QueueUrl=url)["Messages"]
        assert message["Body"] == "hello"


def test_the_bench_gives_the_service_models_to_the_handler_and_not_to_the_floor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given an AWS_DATA_PATH in the bench's own environment
    monkeypatch.setenv("AWS_DATA_PATH", "/elsewhere")
    # Then the floor's processes run botocore's own data, the handler's the layer's models
    assert "AWS_DATA_PATH" not in environment("/tmp/pycache")
    layer = LayerBotocore(path="/layer/python", service_models="/models")
    assert environment("/tmp/pycache", layer)["AWS_DATA_PATH"] == "/models"


class _SentError(Exception):
    """Raised in place of sending: the request never leaves the process."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


def _endpoint_of(client: object, operation: str) -> str:
    def stop(request: AWSPreparedRequest, **_: object) -> None:
        raise _SentError(request.url)

    client.meta.events.register_first("before-send", stop)  # type: ignore[attr-defined]
    with pytest.raises(_SentError) as sent:
        getattr(client, operation)(**CALLS[operation])
    return sent.value.url.split("/")[2]


CALLS: dict[str, dict[str, object]] = {
    "get_item": {"TableName": "t", "Key": {"pk": {"S": "x"}}},
    "get_secret_value": {"SecretId": "s"},
    "list_queues": {},
}


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1"])
def test_clients_on_the_layers_endpoint_data_call_the_same_endpoints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, region: str
) -> None:
    # Given the clients' endpoints on botocore's own endpoint data
    monkeypatch.delenv("AWS_DATA_PATH", raising=False)
    services = {"dynamodb": "get_item", "secretsmanager": "get_secret_value", "sqs": "list_queues"}
    stock = boto3.session.Session(region_name=region)
    expected = {name: _endpoint_of(stock.client(name), op) for name, op in services.items()}
    # When the layer's endpoint data, which holds only the clients' services, is used instead
    monkeypatch.setenv("AWS_DATA_PATH", layer_models(tmp_path / "models"))
    layer = boto3.session.Session(region_name=region)
    assert layer._session.get_component("data_loader").load_data("endpoints") != (
        stock._session.get_component("data_loader").load_data("endpoints")
    )
    # Then each client calls the same host
    assert {name: _endpoint_of(layer.client(name), op) for name, op in services.items()} == (
        expected
    )
