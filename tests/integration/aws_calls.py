"""Which AWS operations each function performs in the sandbox: botocore's ``before-parameter-build``
event on the runtime's clients, attributed to the function the Lambda runner is running.

A DynamoDB ``TransactWriteItems`` call is recorded as the per-item operations it carries
(IAM authorizes a transaction by those: PutItem, UpdateItem, DeleteItem, ConditionCheckItem).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sandbox.world import World

TRANSACT_ITEM_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}


class AwsCallRecorder:
    """``calls[function][(service, resource)]`` = the set of operations it performed."""

    def __init__(self, world: World) -> None:
        self.calls: dict[str, dict[tuple[str, str], set[str]]] = defaultdict(
            lambda: defaultdict(set)
        )
        self._running: list[str] = []
        self._world = world
        runtime = world.runtime
        for client in (
            runtime.dynamodb,
            runtime.dynamodb_client,
            runtime.sqs,
            runtime.secretsmanager,
        ):
            client.meta.events.register("before-parameter-build", self._record)
        invoke = world.runner.invoke

        def attributed(name: str, event: dict[str, Any]) -> Any:
            self._running.append(name)
            try:
                return invoke(name, event)
            finally:
                self._running.pop()

        world.runner.invoke = attributed  # type: ignore[method-assign]
        self._rebind_api(attributed)

    def _rebind_api(self, attributed: Any) -> None:
        for transport in self._world.http._mounts.values():
            app = getattr(transport, "app", None)
            if app is not None and hasattr(app, "_invoke"):
                app._invoke = attributed

    def _record(self, model: Any, params: dict[str, Any], **_: Any) -> None:
        if not self._running:
            return  # set-up by the test or the sandbox, not a function
        function = self._running[-1]
        service = model.service_model.service_name
        operation = model.name
        if service == "dynamodb" and operation == "TransactWriteItems":
            for item in params["TransactItems"]:
                [(kind, body)] = item.items()
                self.calls[function][(service, body["TableName"])].add(TRANSACT_ITEM_ACTIONS[kind])
            return
        if service == "dynamodb" and operation in {"BatchGetItem", "BatchWriteItem"}:
            for table in params["RequestItems"]:
                self.calls[function][(service, table)].add(operation)
            return
        resource = params.get("TableName") or params.get("QueueUrl") or params.get("SecretId", "")
        if service == "secretsmanager":
            resource = "connection-secret"
        self.calls[function][(service, str(resource))].add(operation)

    def dynamodb(self, function: str) -> dict[str, set[str]]:
        return {
            table: ops for (svc, table), ops in self.calls[function].items() if svc == "dynamodb"
        }

    def sqs(self, function: str) -> dict[str, set[str]]:
        return {url: ops for (svc, url), ops in self.calls[function].items() if svc == "sqs"}
