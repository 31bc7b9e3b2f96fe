"""Links: one item per link, stored under its home record's key (the record seen first), and a
small pointer under the other record's key. Either side finds the link with a strongly
consistent read (two from the pointer's side); saving it writes one item, guarded by ``rev``.

A pointer is written once, before the link that names its record is saved, on the condition
that the record is free (or already points to this link): so no record can belong to two
links, without a two-item transaction on every save. A pointer left behind by a save that
then lost its race points to a link that does not name its record; it is treated as absent
and taken over by the next link that claims the record.

A create's intent may ride on a pointer (:meth:`LinkStore.begin`): the record being copied
points to the key its copy will have, and carries the pending link. Until a link is saved
there, reading the record (or any record the intent names) answers that pending link; the
link saved after the create is then the create's only other write.

The link itself is stored compressed (:mod:`shared.state.packed`): an update's write stays
within one write unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from botocore.exceptions import ClientError

from shared.errors import PermanentError, RetryableError
from shared.models.events import RecordRef
from shared.models.links import SyncLink
from shared.state import keys
from shared.state.packed import pack, unpack

BATCH_GET_MAX = 100  # keys per BatchGetItem
_CONDITION_FAILED = {"ConditionalCheckFailedException", "TransactionCanceledException"}


class ConcurrentLinkUpdateError(RetryableError):
    """Someone saved the link between our read and our write."""


class LinkExistsError(ConcurrentLinkUpdateError):
    """Something is stored for a record a create took for unlinked (``begin(strict=True)``)."""


class RecordLinkedElsewhereError(PermanentError):
    """The record already belongs to another link."""


class LinkStore:
    def __init__(self, table: Any) -> None:
        """``table`` is a boto3 DynamoDB Table resource."""
        self._table = table

    # -- reads ---------------------------------------------------------------------------

    def get(self, connection_id: str, ref: RecordRef) -> SyncLink | None:
        """The link naming ``ref``, or None (a strongly consistent read; two through a
        pointer)."""
        pk = keys.link(connection_id, ref)
        item = self._get_item(pk)
        if item is None:
            return None
        if "to" in item:
            return _through(item, self._get_item(str(item["to"])), ref)
        return _decode(item)

    def get_many(
        self,
        connection_id: str,
        refs: Sequence[RecordRef],
        *,
        consistent: bool = False,
        homes: Mapping[RecordRef, RecordRef] | None = None,
    ) -> dict[RecordRef, SyncLink]:
        """The links naming each of ``refs`` that has one, with batched reads: eventually
        consistent by default (for deciding what is worth queueing: the engine reads again
        before it writes), strongly consistent when asked. ``homes``: where a record's link
        is likely stored (the other record's key it shows): read there first, one item
        instead of a pointer and its link."""
        found: dict[RecordRef, SyncLink] = {}
        if homes:
            guessed = self._batch_get(
                {keys.link(connection_id, h) for h in homes.values()}, consistent
            )
            for ref, home in homes.items():
                link = _naming(guessed.get(keys.link(connection_id, home)), ref)
                if link is not None:
                    found[ref] = link
        rest = [ref for ref in refs if ref not in found]
        found.update(self._get_many(connection_id, rest, consistent))
        return found

    def _get_many(
        self, connection_id: str, refs: Sequence[RecordRef], consistent: bool
    ) -> dict[RecordRef, SyncLink]:
        if not refs:
            return {}
        by_pk = {keys.link(connection_id, ref): ref for ref in refs}
        items = self._batch_get(by_pk, consistent)
        pointers = {pk: str(item["to"]) for pk, item in items.items() if "to" in item}
        homes = self._batch_get(set(pointers.values()) - set(items), consistent)
        homes.update(items)
        found: dict[RecordRef, SyncLink] = {}
        for pk, ref in by_pk.items():
            item = items.get(pk)
            if item is None:
                continue
            link = _through(item, homes.get(pointers[pk]), ref) if pk in pointers else _decode(item)
            if link is not None:
                found[ref] = link
        return found

    # -- writes --------------------------------------------------------------------------

    def begin(self, intent: SyncLink, *, strict: bool = False) -> SyncLink:
        """Save a create's intent (a pending link naming the record being copied, its
        ``origin``, and the key its copy will have, its ``home``) as the copied record's
        pointer to that key: one write. The link saved after the create, at the home, is
        then the create's only other write. Returns the intent as saved (that record
        claimed). ``strict``: the record was taken for unlinked without a read, so only if
        nothing at all is stored for it (else ``LinkExistsError``, and nothing written)."""
        origin = intent.side(intent.origin) if intent.origin else None
        if intent.status != "pending" or origin is None or intent.origin is intent.home:
            raise ValueError("an intent names the record being copied away from its home")
        home_pk = keys.link(intent.connection_id, intent.home_ref())
        pk = keys.link(intent.connection_id, origin.ref)
        if strict:
            try:
                self._table.put_item(
                    Item={"pk": pk, "sk": keys.LINK_SK, "to": home_pk, "intent": pack(intent)},
                    ConditionExpression="attribute_not_exists(pk)",
                )
            except ClientError as exc:
                if exc.response["Error"]["Code"] in _CONDITION_FAILED:
                    raise LinkExistsError(f"{origin.ref} has a link or an intent") from exc
                raise
        else:
            self._claim(pk, home_pk, origin.ref, intent=pack(intent))
        return intent.model_copy(update={"claimed": (origin.ref,)})

    def save(self, link: SyncLink) -> SyncLink:
        """Claim the records the link names that are not claimed yet, then write the link if
        nobody saved it since ``link.rev`` was read; returns it with rev + 1."""
        home_pk = keys.link(link.connection_id, link.home_ref())
        claimed = list(link.claimed)
        for ref in link.refs():
            pk = keys.link(link.connection_id, ref)
            if pk != home_pk and ref not in claimed:
                self._claim(pk, home_pk, ref)
                claimed.append(ref)
        saved = link.model_copy(update={"rev": link.rev + 1, "claimed": tuple(claimed)})
        try:
            self._table.put_item(
                Item={
                    "pk": home_pk,
                    "sk": keys.LINK_SK,
                    "rev": saved.rev,
                    "status": saved.status,
                    "mapping": saved.mapping,
                    "link": pack(saved),
                },
                ConditionExpression="attribute_not_exists(pk) OR rev = :expected",
                ExpressionAttributeValues={":expected": link.rev},
            )
        except ClientError as exc:
            raise _concurrent(exc, link) from exc
        return saved

    def delete(self, link: SyncLink) -> None:
        """Remove the link, if nobody saved it since ``link.rev`` was read, and its
        pointers."""
        home_pk = keys.link(link.connection_id, link.home_ref())
        try:
            self._table.delete_item(
                Key={"pk": home_pk, "sk": keys.LINK_SK},
                ConditionExpression="attribute_not_exists(pk) OR rev = :expected",
                ExpressionAttributeValues={":expected": link.rev},
            )
        except ClientError as exc:
            raise _concurrent(exc, link) from exc
        for ref in link.refs():
            pk = keys.link(link.connection_id, ref)
            if pk == home_pk:
                continue
            try:
                self._table.delete_item(
                    Key={"pk": pk, "sk": keys.LINK_SK},
                    ConditionExpression="#to = :home",
                    ExpressionAttributeNames={"#to": "to"},
                    ExpressionAttributeValues={":home": home_pk},
                )
            except ClientError as exc:
                if exc.response["Error"]["Code"] not in _CONDITION_FAILED:
                    raise  # a pointer now owned by another link stays theirs

    def _claim(self, pk: str, home_pk: str, ref: RecordRef, *, intent: bytes | None = None) -> None:
        """Point ``pk`` to ``home_pk``: free, already ours, or left behind by a lost save
        (with ``intent``: carrying a create's pending link, see :meth:`begin`)."""
        condition = "attribute_not_exists(pk) OR #to = :home"
        values: dict[str, Any] = {":home": home_pk}
        item: dict[str, Any] = {"pk": pk, "sk": keys.LINK_SK, "to": home_pk}
        if intent is not None:
            item["intent"] = intent
        for _ in range(2):
            try:
                self._table.put_item(
                    Item=item,
                    ConditionExpression=condition,
                    ExpressionAttributeNames={"#to": "to"},
                    ExpressionAttributeValues=values,
                )
                return
            except ClientError as exc:
                if exc.response["Error"]["Code"] not in _CONDITION_FAILED:
                    raise
            current = self._get_item(pk)
            if current is None:
                continue  # removed meanwhile: try again as free
            if "to" not in current:
                raise RecordLinkedElsewhereError(f"{ref} is already linked")
            found = _through(current, self._get_item(str(current["to"])), ref)
            if found is not None and found.status == "pending":
                raise ConcurrentLinkUpdateError(f"{ref} is being linked by another create")
            if found is not None:
                raise RecordLinkedElsewhereError(f"{ref} is already linked")
            condition, values = "#to = :stale", {":stale": current["to"]}
        raise ConcurrentLinkUpdateError(f"{ref} was claimed while we linked it")

    # -- items ---------------------------------------------------------------------------

    def _get_item(self, pk: str) -> dict[str, Any] | None:
        item: dict[str, Any] | None = self._table.get_item(
            Key={"pk": pk, "sk": keys.LINK_SK}, ConsistentRead=True
        ).get("Item")
        return item

    def _batch_get(self, pks: Iterable[str], consistent: bool) -> dict[str, dict[str, Any]]:
        """BatchGetItem, unprocessed keys asked again (the table's client speaks plain Python
        values, as the resource does)."""
        wanted = list(dict.fromkeys(pks))
        found: dict[str, dict[str, Any]] = {}
        client = self._table.meta.client
        for start in range(0, len(wanted), BATCH_GET_MAX):
            chunk = wanted[start : start + BATCH_GET_MAX]
            request: dict[str, Any] = {
                self._table.name: {
                    "Keys": [{"pk": pk, "sk": keys.LINK_SK} for pk in chunk],
                    "ConsistentRead": consistent,
                }
            }
            while request:
                answer = client.batch_get_item(RequestItems=request)
                for item in answer.get("Responses", {}).get(self._table.name, []):
                    found[str(item["pk"])] = item
                request = answer.get("UnprocessedKeys") or {}
        return found


def _decode(item: dict[str, Any] | None) -> SyncLink | None:
    if item is None or "link" not in item:
        return None
    return unpack(item["link"], SyncLink)


def _naming(item: dict[str, Any] | None, ref: RecordRef) -> SyncLink | None:
    """The link in ``item`` if it names ``ref`` (else the pointer to it was left behind)."""
    link = _decode(item)
    if link is None or ref not in link.refs():
        return None
    return link


def _through(
    pointer: dict[str, Any], home: dict[str, Any] | None, ref: RecordRef
) -> SyncLink | None:
    """What ``ref``'s pointer leads to: the link at its home if that names ``ref``; else,
    while nothing is saved at the home, the create intent the pointer carries
    (:meth:`LinkStore.begin`); else nothing (a pointer left behind)."""
    if home is not None:
        return _naming(home, ref)
    if "intent" not in pointer:
        return None
    intent = unpack(pointer["intent"], SyncLink)
    return intent if ref in intent.refs() else None


def _concurrent(exc: ClientError, link: SyncLink) -> Exception:
    if exc.response["Error"]["Code"] in _CONDITION_FAILED:
        return ConcurrentLinkUpdateError(f"link {link.refs()[0]} changed while we worked on it")
    error: Exception = exc
    return error
