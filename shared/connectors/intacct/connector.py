"""IntacctConnector: the Connector protocol over the generic API 3.0 functions.

Batched writes put up to 100 functions in one request, not a transaction (developer.intacct.com
"XML Requests": ``<operation transaction="false">``, the default: each function runs and
answers on its own, one ``<result>`` per function in order, each carrying its function's
``controlid``). Every function's controlid is its write's idempotency key and the request
sets ``uniqueid`` true, so a retried request whose earlier answer was lost runs nothing twice:
a function already completed answers the duplicate-controlid error, after which a create's
record is read back by its key (one ``in`` query for all of them) and an update is done.
Reads use ``query`` pages of up to 2,000 rows and ``in`` filters of up to 1,000 values;
several queries may share one request (``query_each``), each its own billed function. Writes
asking for their records (``Write.read_back``: creates, and the update that finishes a
resumed create) are read back in their own request, by one ``in`` query after them
(Intacct's ``create`` answers only RECORDNO and the key, not what the company derived: a
record URL, computed hours, defaults).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from typing import Any, TypeVar
from xml.etree.ElementTree import Element, SubElement

from shared.connectors.base import Write, WriteAnswer
from shared.connectors.intacct import audit_trail, new_records, xml
from shared.connectors.intacct.client import SYSTEM, IntacctClient, api_error
from shared.connectors.intacct.errors import (
    DUPLICATE_CONTROLID,
    AlreadyExecutedError,
    function_error,
)
from shared.connectors.intacct.models import FunctionResult
from shared.connectors.intacct.xml import TIMESTAMP_FORMAT, parse_timestamp
from shared.errors import LedgerlinkError, PermanentError, TransportError
from shared.models.events import RecordRef
from shared.models.records import SourceRecord, WriteResult
from shared.observability import logger

T = TypeVar("T")

# The field that identifies each object to people and to readByName / update.
KEY_FIELDS: dict[str, str] = {
    "CUSTOMER": "CUSTOMERID",
    "CONTACT": "CONTACTNAME",
    "ITEM": "ITEMID",
    "CONTRACT": "CONTRACTID",
    "CONTRACTDETAIL": "RECORDNO",
    "VENDOR": "VENDORID",
    "PROJECT": "PROJECTID",
    "TASK": "RECORDNO",
    "ARINVOICE": "RECORDNO",
    "SODOCUMENT": "RECORDNO",
    "SODOCUMENTENTRY": "RECORDNO",
    "SORECURDOCUMENT": "RECORDNO",
    "ARPYMT": "RECORDNO",
    "ARPYMTDETAIL": "RECORDNO",
    "SOPRICELIST": "NAME",
    "SOPRICELISTENTRY": "RECORDNO",
    "CONTRACTPRICELIST": "NAME",
    "CONTRACTITEMPRICELIST": "RECORDNO",
    "ARTERM": "NAME",
    # managed lists
    "CONTRACTBILLINGTEMPLATE": "NAME",
    "RENEWALMACRO": "NAME",
    "CLASS": "CLASSID",
    "DEPARTMENT": "DEPARTMENTID",
    "EMPLOYEE": "EMPLOYEEID",
    "LOCATION": "LOCATIONID",
    "LOCATIONENTITY": "LOCATIONID",
    "TERRITORY": "TERRITORYID",
    "PROJECTSTATUS": "NAME",
    "PROJECTTYPE": "NAME",
    "PROJECTTEMPLATE": "NAME",
    "EXCHANGERATETYPES": "NAME",
}
# A create naming this (read-only) field is made in that entity ("" or None: the top level).
ENTITY_FIELD = new_records.ENTITY
MAX_PAGE = 2000  # query's pagesize: 1..2000
MAX_IN = 1000  # values an ``in`` filter takes
MAX_FUNCTIONS = 100  # functions per write request


@dataclass(frozen=True)
class Filter:
    """One ``query`` filter condition: ``<op><field/><value/></op>``."""

    op: str  # equalto, greaterthanorequalto, in, isnull ...
    field: str
    values: tuple[Any, ...] = ()

    def element(self) -> Element:
        node = Element(self.op)
        SubElement(node, "field").text = self.field
        for value in self.values:
            SubElement(node, "value").text = xml.text_value(value)
        return node


def changed_query(
    obj: str,
    since: datetime | None,
    fields: Sequence[str],
    page_size: int,
    where: Sequence[Filter] = (),
) -> Query:
    """The query of ``obj``'s records modified at or after ``since``, oldest first, ties
    broken by RECORDNO."""
    filters = list(where)
    if since is not None:
        filters.append(
            Filter("greaterthanorequalto", "WHENMODIFIED", (since.strftime(TIMESTAMP_FORMAT),))
        )
    return Query(obj, tuple(fields), tuple(filters), ("WHENMODIFIED", "RECORDNO"), page_size)


@dataclass(frozen=True)
class Query:
    """One ``query`` function: the object, the fields read (its key, RECORDNO and
    WHENMODIFIED always), its filters (and-ed), its order and its page size."""

    obj: str
    fields: tuple[str, ...]
    filters: tuple[Filter, ...] = ()
    order_by: tuple[str, ...] = ()
    page_size: int = 100

    def function(self, offset: int) -> xml.Function:
        body = Element("query")
        SubElement(body, "object").text = self.obj
        sel = SubElement(body, "select")
        for name in sorted({*self.fields, "RECORDNO", "WHENMODIFIED", key_field(self.obj)}):
            SubElement(sel, "field").text = name
        if self.filters:
            flt = SubElement(body, "filter")
            parent = SubElement(flt, "and") if len(self.filters) > 1 else flt
            for f in self.filters:
                parent.append(f.element())
        if self.order_by:
            orderby = SubElement(body, "orderby")
            for name in self.order_by:
                order = SubElement(orderby, "order")
                SubElement(order, "field").text = name
                SubElement(order, "ascending")
        SubElement(body, "pagesize").text = str(min(self.page_size, MAX_PAGE))
        SubElement(body, "offset").text = str(offset)
        return xml.Function(f"query-{self.obj}-{offset}", body)


def key_field(obj: str) -> str:
    try:
        return KEY_FIELDS[obj]
    except KeyError:
        raise PermanentError(f"intacct object {obj} has no known key field") from None


class IntacctConnector:
    system = SYSTEM
    unique_stamps = False  # WHENMODIFIED: whole seconds
    cheap_reads = False  # Intacct bills every function, reads included

    def __init__(self, client: IntacctClient) -> None:
        self.client = client
        self._trail_readable = True
        self._own_creates_counted = False  # until the trail refuses the filter leaving them out

    @property
    def requests_sent(self) -> int:
        """HTTP requests sent to the gateway so far (sign-ins included)."""
        return self.client.requests_sent

    knows_own_user = True  # the connection signs in as its own Web Services user
    # SupportsCreationStamps: Intacct pushes nothing; its stamps are whole seconds, so a
    # create of ours and a later save in the same second look alike: never told untouched
    creation_fields = ("WHENCREATED",)
    pushes_changes = False

    def created_at(self, record: SourceRecord) -> datetime | None:
        return parse_timestamp(record.get("WHENCREATED"))

    def untouched_copy(self, record: SourceRecord) -> bool:
        return False

    def made_by_us(self, creator: object) -> bool:
        """``CREATEDBYLOGINID`` is the user this connection signs in as
        (``SupportsCreatorCheck``; Intacct login ids are not case-sensitive)."""
        return str(creator or "").casefold() == self.client.user_id.casefold()

    def check_access(self) -> None:
        """Sign in (getAPISession): proves the sender, company and user credentials."""
        self.client.session()

    # -- reads ---------------------------------------------------------------------------

    def changed_objects(self, since: Mapping[str, datetime | None]) -> dict[str, datetime] | None:
        """Which of the objects changed since their cursors, from the audit trail in one
        function (:mod:`shared.connectors.intacct.audit_trail`); None once the company has
        refused it (the user lacks the permission): then every object is queried."""
        return self._from_trail(
            lambda own_creates: audit_trail.changed_objects(
                self.client, since, own_creates=own_creates
            )
        )

    def change_marks(self, anchors: Mapping[str, datetime | None]) -> dict[str, str] | None:
        """A mark of each object's audit trail rows at or after its anchor, in one function
        (:func:`audit_trail.change_marks`); None once the company has refused the trail."""
        return self._from_trail(
            lambda own_creates: audit_trail.change_marks(
                self.client, anchors, own_creates=own_creates
            )
        )

    def _from_trail(self, read: Callable[[bool], T]) -> T | None:
        """``read`` of the audit trail, or None once the company has refused it (then this
        connector does not ask again, and says so once). ``read(own_creates)``: leaving our
        own creates out filters on the trail's ``ACCESSMODE``; a company that refuses that
        filter is asked again counting them (each then costs a poll one query), and only a
        refusal of that too gives the trail up."""
        if not self._trail_readable:
            return None
        try:
            return read(self._own_creates_counted)
        except PermanentError as exc:
            if not self._own_creates_counted:
                self._own_creates_counted = True
                logger.warning(
                    "intacct audit trail refused a query leaving our own creates out: "
                    "asking again counting them",
                    extra={"reason": str(exc)},
                )
                return self._from_trail(read)
            self._trail_readable = False
            logger.warning(
                "intacct audit trail refused: polling every object", extra={"reason": str(exc)}
            )
            return None

    def fetch(self, obj: str, key: str, fields: Sequence[str]) -> SourceRecord | None:
        rows = self.query(obj, fields, [Filter("equalto", key_field(obj), (key,))], page_size=2)
        for row in rows:
            return self._record(obj, row)
        return None

    def fetch_many(
        self, obj: str, keys: Sequence[str], fields: Sequence[str]
    ) -> list[SourceRecord]:
        """One ``query`` with an ``in`` filter on the key field (the filter takes up to
        MAX_IN values: more keys take one query per MAX_IN)."""
        return self.fetch_where_in(obj, key_field(obj), keys, fields)

    def fetch_where_in(
        self, obj: str, field: str, values: Sequence[str], fields: Sequence[str]
    ) -> list[SourceRecord]:
        """Records whose ``field`` is one of ``values``: one query per MAX_IN values."""
        wanted = list(dict.fromkeys(values))
        records: list[SourceRecord] = []
        for start in range(0, len(wanted), MAX_IN):
            chunk = tuple(wanted[start : start + MAX_IN])
            rows = self.query(
                obj, [*fields, field], [Filter("in", field, chunk)], page_size=len(chunk)
            )
            records.extend(self._record(obj, row) for row in rows)
        return records

    def query(
        self,
        obj: str,
        fields: Sequence[str],
        filters: Sequence[Filter] = (),
        *,
        order_by: Sequence[str] = (),
        page_size: int = 100,
        offset: int = 0,
    ) -> Iterator[dict[str, Any]]:
        """Rows of a ``query`` function, paging by offset until numremaining is 0."""
        ask = Query(obj, tuple(fields), tuple(filters), tuple(order_by), page_size)
        while True:
            result = self.client.call(ask.function(offset), unique=False)
            yield from result.records
            if result.numremaining <= 0 or not result.records:
                return
            offset += len(result.records)

    def query_each(self, asks: Sequence[Query]) -> list[list[dict[str, Any]]]:
        """The rows of several ``query`` functions, all in one request (each function its
        own controlid, each billed on its own); a query with more rows than its page reads
        on in later requests, the unfinished ones of a round together."""
        rows: list[list[dict[str, Any]]] = [[] for _ in asks]
        offsets = dict.fromkeys(range(len(asks)), 0)
        while offsets:
            positions = list(offsets)
            results = self.client.call_all(
                [asks[p].function(offsets[p]) for p in positions], unique=False
            )
            for position, result in zip(positions, results, strict=True):
                rows[position].extend(result.records)
                if result.numremaining <= 0 or not result.records:
                    del offsets[position]
                else:
                    offsets[position] += len(result.records)
        return rows

    def read_page(
        self, obj: str, fields: Sequence[str], after: str | None, page_size: int
    ) -> tuple[list[SourceRecord], str | None]:
        """Up to ``page_size`` (at most MAX_PAGE) records in RECORDNO order after the RECORDNO
        ``after``: one ``query`` function. Returns them and where the next page starts."""
        filters = [Filter("greaterthan", "RECORDNO", (after,))] if after else []
        select = sorted({*fields, "RECORDNO", "WHENMODIFIED", key_field(obj)})
        body = Element("query")
        SubElement(body, "object").text = obj
        sel = SubElement(body, "select")
        for name in select:
            SubElement(sel, "field").text = name
        if filters:
            SubElement(body, "filter").append(filters[0].element())
        order = SubElement(SubElement(body, "orderby"), "order")
        SubElement(order, "field").text = "RECORDNO"
        SubElement(order, "ascending")
        SubElement(body, "pagesize").text = str(min(max(page_size, 1), MAX_PAGE))
        SubElement(body, "offset").text = "0"
        result = self.client.call(xml.Function(f"page-{obj}-{after or 0}", body), unique=False)
        records = [self._record(obj, row) for row in result.records]
        more = result.numremaining > 0 and records and records[-1].internal_id
        return records, (records[-1].internal_id if more else None)

    def exists_where(self, obj: str, field: str, value: str) -> bool:
        rows = self.query(obj, [field], [Filter("equalto", field, (value,))], page_size=1)
        return next(iter(rows), None) is not None

    def changed_since(
        self,
        obj: str,
        since: datetime | None,
        fields: Sequence[str],
        page_size: int,
        where: Sequence[Filter] = (),
    ) -> Iterator[SourceRecord]:
        """Records modified at or after ``since``, oldest first, ties broken by RECORDNO."""
        ask = changed_query(obj, since, fields, page_size, where)
        rows = self.query(
            obj, ask.fields, ask.filters, order_by=ask.order_by, page_size=ask.page_size
        )
        for row in rows:
            yield self._record(obj, row)

    def changed_since_each(self, asks: Sequence[Query]) -> list[list[SourceRecord]]:
        """The records each ``changed_query`` asks for, all in one request
        (``query_each``)."""
        return [
            [self._record(ask.obj, row) for row in rows]
            for ask, rows in zip(asks, self.query_each(asks), strict=True)
        ]

    def _record(self, obj: str, row: Mapping[str, Any]) -> SourceRecord:
        fields = dict(row)
        key = fields.get(key_field(obj)) or fields.get("RECORDNO")
        return SourceRecord(
            ref=RecordRef(system=self.system, object=obj, record_id=str(key)),
            fields=fields,
            modified_at=parse_timestamp(fields.get("WHENMODIFIED")),
            internal_id=str(fields["RECORDNO"]) if fields.get("RECORDNO") else None,
        )

    # -- writes --------------------------------------------------------------------------

    def create(
        self,
        obj: str,
        fields: Mapping[str, Any],
        *,
        idempotency_key: str,
        external_key: tuple[str, str] | None = None,
    ) -> WriteResult:
        """``create`` with uniqueid on and the idempotency key as the function controlid:
        a retry after a lost answer is refused by the gateway instead of run twice, and we
        then read the record by its key. Fields naming ``MEGAENTITYID`` are created in a
        session at that entity (the top level when it is empty)."""
        if ENTITY_FIELD in fields:
            rest = {k: v for k, v in fields.items() if k != ENTITY_FIELD}
            return self._at_entity(
                str(fields[ENTITY_FIELD] or ""),
                lambda c: c.create(
                    obj, rest, idempotency_key=idempotency_key, external_key=external_key
                ),
            )
        body = Element("create")
        body.append(xml.nested(obj, fields))
        try:
            result = self.client.call(xml.Function(idempotency_key, body))
        except AlreadyExecutedError:
            return self._recover(obj, fields, idempotency_key, external_key)
        return _created(obj, fields, result)

    def _recover(
        self,
        obj: str,
        fields: Mapping[str, Any],
        idempotency_key: str,
        external_key: tuple[str, str] | None,
    ) -> WriteResult:
        """The create already ran: find the record by its key, or (for records whose key a
        sequence assigns) by the unique field the caller named."""
        key = fields.get(key_field(obj))
        if key is not None:
            found = [Filter("equalto", key_field(obj), (key,))]
        elif external_key is not None:
            found = [Filter("equalto", external_key[0], (external_key[1],))]
        else:
            raise PermanentError(
                f"intacct already ran create {obj} (controlid {idempotency_key}) and the "
                "record has nothing we can look it up by"
            )
        for row in self.query(obj, [key_field(obj)], found, page_size=2):
            record = self._record(obj, row)
            return WriteResult(key=record.key, internal_id=record.internal_id, created=True)
        raise PermanentError(f"intacct ran create {obj} but the record cannot be read")

    def create_many(
        self, obj: str, records: Sequence[tuple[str, Mapping[str, Any]]]
    ) -> list[WriteResult]:
        """Create several records in one request, all or none (``transaction="true"``), each
        function with its own stable controlid. If the gateway already ran them (a lost
        answer), the caller re-reads what exists before trying again."""
        functions = []
        for controlid, fields in records:
            body = Element("create")
            body.append(xml.nested(obj, fields))
            functions.append(xml.Function(controlid, body))
        try:
            results = self.client.call_all(functions, transaction=True)
        except AlreadyExecutedError as exc:
            raise TransportError(f"intacct already ran these {obj} creates; re-read") from exc
        written = []
        for result, (_, fields) in zip(results, records, strict=True):
            row = result.records[0] if result.records else {}
            key = row.get(key_field(obj)) or fields.get(key_field(obj)) or row.get("RECORDNO")
            written.append(
                WriteResult(
                    key=str(key),
                    internal_id=str(row["RECORDNO"]) if row.get("RECORDNO") else None,
                    created=True,
                )
            )
        return written

    def update(
        self, obj: str, key: str, fields: Mapping[str, Any], *, idempotency_key: str
    ) -> WriteResult:
        body = Element("update")
        kept = {k: v for k, v in fields.items() if k != ENTITY_FIELD}  # a record stays put
        body.append(xml.nested(obj, {key_field(obj): key, **kept}))
        with suppress(AlreadyExecutedError):  # the same update already ran: done
            self.client.call(xml.Function(idempotency_key, body))
        return WriteResult(key=key)

    def create_legacy(self, body: Element, *, idempotency_key: str) -> str | None:
        """A legacy (2.1) create such as ``create_sotransaction``, with uniqueid on and the
        idempotency key as its controlid: the new record's ``<key>``, or None when the
        gateway already ran this controlid (the caller finds the record by its own data)."""
        try:
            result = self.client.call(xml.Function(idempotency_key, body))
        except AlreadyExecutedError:
            return None
        if not result.key:
            raise PermanentError(f"intacct answered {body.tag} without a key")
        return result.key

    def update_legacy(self, body: Element, *, idempotency_key: str) -> None:
        """A legacy (2.1) update such as ``update_sotransaction``, with uniqueid on and the
        idempotency key as its controlid: when the gateway already ran it (a lost answer),
        it is done."""
        with suppress(AlreadyExecutedError):
            self.client.call(xml.Function(idempotency_key, body))

    def update_legacy_many(
        self, updates: Sequence[tuple[str, Element]]
    ) -> list[LedgerlinkError | None]:
        """Legacy (2.1) updates, (idempotency key, body) each, up to MAX_FUNCTIONS per
        request, each answered on its own: None when done (or already done: a lost answer),
        else the typed error of its refusal."""
        answers: list[LedgerlinkError | None] = []
        for start in range(0, len(updates), MAX_FUNCTIONS):
            chunk = updates[start : start + MAX_FUNCTIONS]
            results = self.client.call_each([xml.Function(key, body) for key, body in chunk])
            for result in results:
                if result.ok:
                    answers.append(None)
                    continue
                error = api_error(result.errors, f"{result.function} failed")
                answers.append(None if error.code in DUPLICATE_CONTROLID else function_error(error))
        return answers

    def write_many(self, obj: str, writes: Sequence[Write]) -> list[WriteAnswer]:
        """Creates and updates, up to MAX_FUNCTIONS per request, each function answered on
        its own (see the module docstring). Creates placed in an entity go in requests of
        their own, one session per entity (Intacct creates a record in its session's
        entity)."""
        by_entity: dict[str | None, list[int]] = {}
        for index, write in enumerate(writes):
            placed = write.key is None and ENTITY_FIELD in write.fields
            entity = str(write.fields[ENTITY_FIELD] or "") if placed else None
            by_entity.setdefault(entity, []).append(index)
        answers: dict[int, WriteAnswer] = {}
        for entity, indexes in by_entity.items():
            batch = [_staying(writes[i]) for i in indexes]
            answered = (
                _write_all(self, obj, batch)
                if entity is None
                else self._at_entity(entity, partial(_write_all, obj=obj, writes=batch))
            )
            answers.update(zip(indexes, answered, strict=True))
        return [answers[i] for i in range(len(writes))]

    def _at_entity(self, entity: str, work: Callable[[IntacctConnector], T]) -> T:
        """``work`` done by a connector whose session is at ``entity`` (this one, when its
        session is there already); the functions it sends count as this connector's."""
        placed = self.client.at_entity(entity)
        if placed is self.client:
            return work(self)
        before = placed.functions_sent
        try:
            return work(IntacctConnector(placed))
        finally:
            self.client.functions_sent += placed.functions_sent - before

    def _write_chunk(self, obj: str, writes: Sequence[Write]) -> list[WriteAnswer]:
        functions = []
        for write in writes:
            body = Element("create" if write.key is None else "update")
            fields = (
                write.fields if write.key is None else {key_field(obj): write.key, **write.fields}
            )
            body.append(xml.nested(obj, fields))
            functions.append(xml.Function(write.idempotency_key, body))
        reads = _read_backs(obj, writes)
        # A read's controlid is new to each request (uniqueid refuses a controlid already
        # run; a resent request's read is refused so, and its creates go unanswered by it)
        tag = uuid.uuid4().hex
        queries = [
            replace(ask.function(0), controlid=f"read-back-{tag}-{n}")
            for n, (_, ask) in enumerate(reads)
        ]
        results = self.client.call_each([*functions, *queries])
        answers: dict[int, WriteAnswer] = {}
        already: list[int] = []
        written = results[: len(writes)]
        for index, (write, result) in enumerate(zip(writes, written, strict=True)):
            if result.ok:
                answers[index] = (
                    _created(obj, write.fields, result)
                    if write.key is None
                    else WriteResult(key=write.key)
                )
                continue
            error = api_error(result.errors, f"{result.function} failed")
            if error.code in DUPLICATE_CONTROLID:
                if write.key is not None:
                    answers[index] = WriteResult(key=write.key)  # the same update already ran
                else:
                    already.append(index)
                continue
            answers[index] = function_error(error)
        answers.update(self._recover_many(obj, {i: writes[i] for i in already}))
        found = {
            (field, str(row.get(field))): self._record(obj, row)
            for (field, _), result in zip(reads, results[len(writes) :], strict=True)
            if result.ok  # a read that failed leaves its creates unanswered, not failed
            for row in result.records
        }
        for index, write in enumerate(writes):
            answer = answers[index]
            lookup = _lookup(obj, write)
            if not isinstance(answer, WriteResult) or lookup is None or not write.read_back:
                continue
            record = found.get(lookup)
            if record is None and _known_on_create(obj, write):
                entity = self.client.entity_id
                record = self._record(obj, _new_record(obj, write, answer, entity))
            if record is not None:
                answers[index] = answer.model_copy(update={"record": record})
        return [answers[i] for i in range(len(writes))]

    def _recover_many(self, obj: str, writes: Mapping[int, Write]) -> dict[int, WriteAnswer]:
        """Creates the gateway had already run: their records read back by key, or by the
        external key the caller named, one ``in`` query per field for all of them."""
        by_field: dict[str, dict[str, list[int]]] = {}
        answers: dict[int, WriteAnswer] = {}
        for index, write in writes.items():
            key = write.fields.get(key_field(obj))
            if key is not None:
                by_field.setdefault(key_field(obj), {}).setdefault(str(key), []).append(index)
            elif write.external_key is not None:
                field, value = write.external_key
                by_field.setdefault(field, {}).setdefault(value, []).append(index)
            else:
                answers[index] = PermanentError(
                    f"intacct already ran create {obj} (controlid {write.idempotency_key}) "
                    "and the record has nothing we can look it up by"
                )
        for field, wanted in by_field.items():
            for record in self.fetch_where_in(obj, field, list(wanted), [key_field(obj)]):
                for index in wanted.pop(str(record.get(field)), []):
                    answers[index] = WriteResult(
                        key=record.key, internal_id=record.internal_id, created=True
                    )
            for indexes in wanted.values():
                for index in indexes:
                    answers[index] = PermanentError(
                        f"intacct ran create {obj} but the record cannot be read"
                    )
        return answers


def _created(obj: str, fields: Mapping[str, Any], result: FunctionResult) -> WriteResult:
    """A create's answer: the record's key (as sent, or as assigned) and RECORDNO."""
    row = result.records[0] if result.records else {}
    key = row.get(key_field(obj)) or fields.get(key_field(obj)) or row.get("RECORDNO")
    return WriteResult(
        key=str(key),
        internal_id=str(row["RECORDNO"]) if row.get("RECORDNO") else None,
        created=True,
    )


def _lookup(obj: str, write: Write) -> tuple[str, str] | None:
    """How a written record is found for its read-back: an update's by the key it names; a
    create's by its key when it sets it, else by the external key the caller named (None:
    nothing to look by)."""
    if write.key is not None:
        return key_field(obj), str(write.key)
    key = write.fields.get(key_field(obj))
    if key is not None:
        return key_field(obj), str(key)
    if write.external_key is not None:
        return write.external_key[0], str(write.external_key[1])
    return None


def _read_backs(obj: str, writes: Sequence[Write]) -> list[tuple[str, Query]]:
    """The queries that read back the writes asking for it (``Write.read_back``: creates,
    and the update that finishes a resumed create), sent in the writes' own request after
    them: one ``in`` query per lookup field. Each is one more billed function for the whole
    request, not one per record."""
    values: dict[str, list[str]] = {}
    fields: set[str] = set()
    for write in writes:
        lookup = _lookup(obj, write)
        if write.read_back and lookup is not None and not _known_on_create(obj, write):
            values.setdefault(lookup[0], []).append(lookup[1])
            fields.update(write.read_back)
    return [
        (
            field,
            Query(
                obj,
                tuple(sorted({*fields, field})),
                (Filter("in", field, tuple(dict.fromkeys(wanted))),),
                page_size=len(wanted),
            ),
        )
        for field, wanted in values.items()
    ]


def _known_on_create(obj: str, write: Write) -> bool:
    """A create whose record, as far as it asks, follows from what it sends
    (:mod:`new_records`): answered without a read."""
    return write.key is None and new_records.knowable(obj, write.fields, write.read_back)


def _new_record(obj: str, write: Write, answer: WriteResult, entity: str | None) -> dict[str, Any]:
    """``entity``: the entity of the session the create was sent in (None: the top level)."""
    answered: dict[str, Any] = {key_field(obj): answer.key, ENTITY_FIELD: entity or None}
    if answer.internal_id:
        answered["RECORDNO"] = answer.internal_id
    return new_records.new_record(obj, write.fields, write.read_back, answered)


def _write_all(connector: IntacctConnector, obj: str, writes: Sequence[Write]) -> list[WriteAnswer]:
    """``writes`` in requests of up to MAX_FUNCTIONS functions, each answered on its own."""
    answers: list[WriteAnswer] = []
    for start in range(0, len(writes), MAX_FUNCTIONS):
        answers.extend(connector._write_chunk(obj, writes[start : start + MAX_FUNCTIONS]))
    return answers


def _staying(write: Write) -> Write:
    """The write without its entity field: an update never moves a record to another
    entity, and a create names its entity by the session it is sent in."""
    if ENTITY_FIELD not in write.fields:
        return write
    kept = {k: v for k, v in write.fields.items() if k != ENTITY_FIELD}
    return write._replace(fields=kept)
