"""moto, made to scale for a soak: a DynamoDB transaction backs up only the table's index of
items, not a deep copy of every item; a Query on a table's partition key looks at that
partition, not at every item of the table, sorted.

moto's ``transact_write_items`` deep-copies each table a transaction touches, before each
transaction, to roll back on failure; with every link save a two-item transaction, the
sandbox slows quadratically as the state table grows (most of a soak's time). Our
transactions only Put and Delete (shared/state/links.py), which replace or drop whole items
and never change one in place, so a copy of the table's item index restores the exact
state just as well. moto's Query (on the table, not an index) sorts every item of the
table and keeps those of the partition: the partition alone, sorted the same way, gives the
same answer. moto's SQS asks the time, through datetime arithmetic, for every message of
a queue on every receive: the clock read once, as a float, is the same time. And moto keeps
every model instance it ever made (every item, every message, every table copy) in a class
list, to reset them between mocks: for the objects a soak churns through, that list is
only memory that grows without end, so they are not tracked. moto's SQS reads a FIFO
queue's ``ContentBasedDeduplication`` through the queue's whole attribute map, four times
per message sent, and that map counts every message of the queue three times over (its
``ApproximateNumberOfMessages*``): while a message is being sent the map holds only that
setting, so a send no longer costs in proportion to the queue's length; and a received
message's retention check reads the one setting it needs the same way. A transaction keeps
an undo journal of the few items it touches rather than a copy of each table's index.
Only the sandbox installs this; AWS is not moto.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from moto.core.utils import unix_time_millis as _moto_unix_time_millis
from moto.dynamodb.models import table as moto_table

_installed = False
_query_lock = threading.Lock()
_sending = threading.local()  # depth of moto SQS sends under way on this thread
_journaling = threading.local()  # a transaction under way keeps its own undo journal


def _table_backup(value: Any, memo: dict[int, Any] | None = None) -> Any:
    if isinstance(value, moto_table.Table) and getattr(_journaling, "on", False):
        return value  # the transaction's journal puts back what it touched
    if isinstance(value, moto_table.Table):
        backup = copy.copy(value)
        backup.items = type(value.items)(value.items.default_factory)
        for key, entry in value.items.items():
            backup.items[key] = dict(entry) if isinstance(entry, dict) else entry
        return backup
    return copy.deepcopy(value, memo)


def _partition_query(original: Callable[..., Any]) -> Callable[..., Any]:
    def query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
        if index_name or hash_key is None or not self.range_key_attr:
            return original(self, hash_key, *args, **kwargs)
        partition = list(self.items.get(hash_key, {}).values())
        partition.sort(key=lambda item: item.range_key)
        with _query_lock:  # the instance attribute shadows all_items for this query only
            self.all_items = lambda: partition
            try:
                return original(self, hash_key, *args, **kwargs)
            finally:
                del self.all_items

    return query


def _now_millis(dt: Any = None) -> float:
    if dt is not None:
        return _moto_unix_time_millis(dt)
    return time.time() * 1000.0


class _Untracked(list[Any]):
    """An instance list that keeps nothing."""

    def append(self, item: Any) -> None:
        return None


def _stored(table: Any, hash_value: Any, range_value: Any) -> Any:
    if table.range_key_attr is None:
        return table.items.get(hash_value)
    return table.items.get(hash_value, {}).get(range_value)


def _put_back(table: Any, hash_value: Any, range_value: Any, item: Any) -> None:
    if table.range_key_attr is None:
        if item is None:
            table.items.pop(hash_value, None)
        else:
            table.items[hash_value] = item
        return
    partition = table.items[hash_value]
    if item is None:
        partition.pop(range_value, None)
        if not partition:
            del table.items[hash_value]
    else:
        partition[range_value] = item


def _journaled(transact: Callable[..., Any]) -> Callable[..., Any]:
    """moto's ``transact_write_items`` with an undo journal of the items it touches (a Put
    or Delete replaces an item object, an Update changes it in place: that one is copied)
    instead of a backup of every table it touches."""

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> Any:
        journal: list[tuple[Any, Any, Any, Any]] = []
        for entry in transact_items:
            op_type, op = next(iter(entry.items()))
            table = self.tables.get(op.get("TableName"))
            if table is None:
                continue
            if op_type == "Put":
                attrs = op.get("Item", {})
                names = [n for n in (table.hash_key_attr, table.range_key_attr) if n]
                if any(n not in attrs for n in names):
                    continue  # moto refuses it, before any write
                key = {n: attrs[n] for n in names}
            else:
                key = op.get("Key") or {}
            hash_value, range_value = self.get_keys_value(table, key)
            item = _stored(table, hash_value, range_value)
            if op_type == "Update" and item is not None:
                item = copy.deepcopy(item)
            journal.append((table, hash_value, range_value, item))
        done = False
        _journaling.on = True
        try:
            answer = transact(self, transact_items)
            done = True
            return answer
        finally:
            _journaling.on = False
            if not done:
                for table, hash_value, range_value, item in reversed(journal):
                    _put_back(table, hash_value, range_value, item)

    return transact_write_items


def _retained(self: Any, queue_name: str, message: Any) -> bool:
    """moto's retention check of a received message, reading the queue's one setting
    instead of its whole attribute map (which counts every message of the queue)."""
    queue = self.get_queue(queue_name)
    retain_until = int(queue.message_retention_period) + message.sent_timestamp / 1000
    return bool(retain_until > time.time())


def _light_attributes(full: Callable[[Any], dict[str, Any]]) -> property:
    """A queue's attribute map: only the deduplication setting while a send is under way
    (all that moto's send path reads of it), the whole map otherwise."""

    def attributes(self: Any) -> dict[str, Any]:
        if not getattr(_sending, "depth", 0):
            return full(self)
        if not self.fifo_queue:
            return {}
        value = self.content_based_deduplication
        return {
            "ContentBasedDeduplication": str(value).lower() if isinstance(value, bool) else value
        }

    return property(attributes)


def _sending_through(send: Callable[..., Any]) -> Callable[..., Any]:
    def sending(*args: Any, **kwargs: Any) -> Any:
        _sending.depth = getattr(_sending, "depth", 0) + 1
        try:
            return send(*args, **kwargs)
        finally:
            _sending.depth -= 1

    return sending


def install() -> None:
    """Give moto's DynamoDB transactions the cheap backup and its queries the partition
    (idempotent)."""
    global _installed
    if _installed:
        return
    import moto.dynamodb.models as models

    models.copy = SimpleNamespace(deepcopy=_table_backup, copy=copy.copy)  # type: ignore[assignment,attr-defined]
    dynamodb = models.DynamoDBBackend
    dynamodb.transact_write_items = _journaled(dynamodb.transact_write_items)  # type: ignore[method-assign]
    moto_table.Table.query = _partition_query(moto_table.Table.query)  # type: ignore[method-assign]
    import moto.sqs.models as sqs_models

    sqs_models.unix_time_millis = _now_millis  # type: ignore[attr-defined]
    queue = sqs_models.Queue
    queue.attributes = _light_attributes(queue.attributes.fget)  # type: ignore[method-assign,assignment,attr-defined]
    backend = sqs_models.SQSBackend
    backend.is_message_valid_based_on_retention_period = _retained  # type: ignore[method-assign]
    backend.send_message = _sending_through(backend.send_message)  # type: ignore[method-assign]
    backend.send_message_batch = _sending_through(backend.send_message_batch)  # type: ignore[method-assign]
    from moto.dynamodb.models.dynamo_type import Item

    for churned in (moto_table.Table, Item, sqs_models.Message):
        churned.instances_tracked = _Untracked()  # type: ignore[union-attr]
    _installed = True
