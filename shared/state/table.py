"""The state table over a DynamoDB client, in plain Python values: what the stores use of
boto3's ``Table`` resource (``get_item``, ``put_item``, ``update_item``, ``delete_item``,
``query``, ``batch_writer``, ``name`` and ``meta.client`` for transactions and batch reads),
without building the service resource.

The resource costs a cold start its own model and generated classes (measured: ~13 ms and
the resource classes' memory on top of the client); what makes a resource's table speak Python
values is boto3's transformation of the client's parameters and answers
(``boto3.dynamodb.transform``), and that is registered here on the client itself, with the
same handlers and ids the resource registers on its own client. Items, keys, expression values
and condition expressions therefore go out and come back exactly as through the resource.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from boto3.dynamodb.transform import TransformationInjector, copy_dynamodb_params

if TYPE_CHECKING:
    from boto3.dynamodb.table import BatchWriter


def speak_python(client: Any) -> Any:
    """Make a DynamoDB client take and answer Python values (``str``, ``Decimal``, ``bytes``,
    sets...) instead of DynamoDB's typed attribute values, as a table resource's client does.
    Idempotent: each handler is registered under boto3's own unique id."""
    injector = TransformationInjector()
    events = client.meta.events
    events.register(
        "provide-client-params.dynamodb",
        copy_dynamodb_params,
        unique_id="dynamodb-create-params-copy",
    )
    events.register(
        "before-parameter-build.dynamodb",
        injector.inject_condition_expressions,
        unique_id="dynamodb-condition-expression",
    )
    events.register(
        "before-parameter-build.dynamodb",
        injector.inject_attribute_value_input,
        unique_id="dynamodb-attr-value-input",
    )
    events.register(
        "after-call.dynamodb",
        injector.inject_attribute_value_output,
        unique_id="dynamodb-attr-value-output",
    )
    return client


class TableMeta(NamedTuple):
    client: Any  # the DynamoDB client, speaking Python values


class Table:
    """One table's items through a DynamoDB client (see the module's docstring). The client
    given is made to speak Python values (:func:`speak_python`): give one used for nothing that
    expects DynamoDB's typed values."""

    def __init__(self, client: Any, name: str) -> None:
        self.name = name
        self.meta = TableMeta(speak_python(client))

    def get_item(self, **kwargs: Any) -> dict[str, Any]:
        return self._on_table("get_item", kwargs)

    def put_item(self, **kwargs: Any) -> dict[str, Any]:
        return self._on_table("put_item", kwargs)

    def update_item(self, **kwargs: Any) -> dict[str, Any]:
        return self._on_table("update_item", kwargs)

    def delete_item(self, **kwargs: Any) -> dict[str, Any]:
        return self._on_table("delete_item", kwargs)

    def query(self, **kwargs: Any) -> dict[str, Any]:
        return self._on_table("query", kwargs)

    def _on_table(self, operation: str, kwargs: dict[str, Any]) -> dict[str, Any]:
        """The client's ``operation`` on this table, as the resource's method of that name."""
        answer: dict[str, Any] = getattr(self.meta.client, operation)(TableName=self.name, **kwargs)
        return answer

    def batch_writer(self, overwrite_by_pkeys: list[str] | None = None) -> BatchWriter:
        """boto3's own batch writer (BatchWriteItem in 25s, unprocessed items sent again)."""
        from boto3.dynamodb.table import BatchWriter

        return BatchWriter(self.name, self.meta.client, overwrite_by_pkeys=overwrite_by_pkeys)
