"""Names and settings of the AWS resources, defined once.

infra/ builds the real resources from these; sandbox/ creates the same ones in moto; the
functions find them through the environment variables named here. Each kind of spec is a
NamedTuple: an immutable value, defined at every function's cold start for a tenth of what a
frozen dataclass costs to define (~0.04 ms against ~0.3 ms each).
"""

from __future__ import annotations

from typing import NamedTuple


class QueueSpec(NamedTuple):
    """A FIFO queue and its dead-letter queue. Exactly one function consumes it
    (``FunctionSpec.consumes``); a workflow's queue carries only that workflow's requests."""

    key: str  # short logical name: "changes", "contracts"
    visibility_timeout_s: int
    max_receive_count: int
    batch_size: int
    workflow: str | None = None  # the workflow whose requests it carries
    # Batches in flight at once (the event source mapping's maximum concurrency, 2..1000):
    # bounds the calls its consumer makes to the systems at the same time.
    max_concurrency: int = 5

    @property
    def name(self) -> str:
        return f"ledgerlink-{self.key}.fifo"

    @property
    def dlq_name(self) -> str:
        return f"ledgerlink-{self.key}-dlq.fifo"

    @property
    def env_var(self) -> str:
        """Environment variable carrying the queue URL to producers."""
        return f"{self.key.upper()}_QUEUE_URL"

    @property
    def dlq_env_var(self) -> str:
        return f"{self.key.upper()}_DLQ_URL"


class TableAccess(NamedTuple):
    """The DynamoDB item operations (API names: GetItem, Query, PutItem, UpdateItem,
    DeleteItem, ConditionCheckItem) a function performs on one table; infra grants exactly
    these. A TransactWriteItems call is the per-item operations it carries."""

    table: str  # TableSpec.name
    operations: tuple[str, ...]
    # Only on items whose partition key matches one of these (IAM dynamodb:LeadingKeys)
    leading_keys: tuple[str, ...] = ()


class FunctionSpec(NamedTuple):
    """One Lambda function: its folder under functions/ and what it touches."""

    name: str  # folder under functions/ and the function's logical name
    description: str
    timeout_s: int
    memory_mb: int
    consumes: str | None = None  # QueueSpec.key of the one queue it reads
    sends_to: tuple[str, ...] = ()  # QueueSpec.keys it produces to
    uses_idempotency: bool = False
    behind_api: bool = False
    tables: tuple[TableAccess, ...] = ()  # the item operations it performs, per table


class ScheduleSpec(NamedTuple):
    """An EventBridge schedule that invokes a function."""

    name: str
    function: str
    rate_minutes: int
    sandbox_every_s: float  # how often the sandbox's timer fires it


class TableSpec(NamedTuple):
    name: str
    env_var: str
    partition_key: str
    sort_key: str | None
    ttl_attribute: str | None


CHANGES = QueueSpec(
    key="changes",
    visibility_timeout_s=180,  # 6x the consumer's timeout
    max_receive_count=5,
    batch_size=10,
)
# One queue per workflow: a workflow is this entry, a handler folder under functions/ and a
# module of the pair that runs it (shared/pairs/<pair>/).
CONTRACTS = QueueSpec(
    key="contracts",
    visibility_timeout_s=360,
    max_receive_count=3,
    batch_size=1,
    workflow="contracts",
)
TRANSACTIONS = QueueSpec(
    key="transactions",
    visibility_timeout_s=360,
    max_receive_count=3,
    batch_size=1,
    workflow="transactions",
)
PROJECTS = QueueSpec(
    key="projects",
    visibility_timeout_s=360,
    max_receive_count=3,
    batch_size=1,
    workflow="projects",
)
DEAL_DOCUMENTS = QueueSpec(  # ERP estimates / sales orders / invoices of CRM deals
    key="documents",
    visibility_timeout_s=360,
    max_receive_count=3,
    batch_size=1,
    workflow="deal_documents",
)
QUEUES: tuple[QueueSpec, ...] = (CHANGES, CONTRACTS, TRANSACTIONS, PROJECTS, DEAL_DOCUMENTS)
WORKFLOW_QUEUES: tuple[QueueSpec, ...] = tuple(q for q in QUEUES if q.workflow)

STATE_TABLE = TableSpec(
    name="ledgerlink-state",
    env_var="STATE_TABLE_NAME",
    partition_key="pk",
    sort_key="sk",
    ttl_attribute="expires_at",
)
IDEMPOTENCY_TABLE = TableSpec(
    name="ledgerlink-idempotency",
    env_var="IDEMPOTENCY_TABLE_NAME",
    partition_key="id",  # the key powertools' DynamoDBPersistenceLayer uses by default
    sort_key=None,
    ttl_attribute="expiration",
)
TABLES: tuple[TableSpec, ...] = (STATE_TABLE, IDEMPOTENCY_TABLE)

# powertools' idempotency store: a conditional PutItem per message, UpdateItem with the result,
# DeleteItem when the handler raises (so the redelivery runs again), GetItem only as its
# fallback when a failed condition returns no item.
IDEMPOTENCY_ACCESS = TableAccess(
    IDEMPOTENCY_TABLE.name, ("GetItem", "PutItem", "UpdateItem", "DeleteItem")
)

# What a function that meets a paused system does beyond reading (shared/outages.py): count
# failures, park messages under a condition, forget counts and parked messages — only on the
# outage items of a connection (keys OUTAGE#<connection>, shared/state/keys.py).
OUTAGE_KEYS = ("OUTAGE#*",)
LINK_KEYS = ("LINK#*",)
OUTAGE_WRITES = TableAccess(
    STATE_TABLE.name, ("Query", "DeleteItem", "ConditionCheckItem"), OUTAGE_KEYS
)
# Operations only an outage performs: a story without one does not use them.
OUTAGE_ONLY_OPERATIONS = frozenset({"DeleteItem", "ConditionCheckItem", "BatchWriteItem"})


def workflow_function(name: str, description: str, queue: QueueSpec) -> FunctionSpec:
    """The consumer of a workflow's queue: an idempotency record per request, the state
    table's items and, while a system is paused, its outage items."""
    return FunctionSpec(
        name=name,
        description=description,
        timeout_s=60,
        memory_mb=512,
        consumes=queue.key,
        uses_idempotency=True,
        tables=(
            TableAccess(STATE_TABLE.name, ("GetItem", "PutItem")),
            OUTAGE_WRITES,
            IDEMPOTENCY_ACCESS,
        ),
    )


FUNCTIONS: tuple[FunctionSpec, ...] = (
    FunctionSpec(
        name="webhook_ingest",
        description=(
            "Verifies webhooks and action calls, enqueues change events and requests; "
            "opens links to records' pages"
        ),
        timeout_s=10,
        memory_mb=256,
        sends_to=(CHANGES.key, *(q.key for q in WORKFLOW_QUEUES)),
        behind_api=True,
        # the connection, and whether one of its systems is paused (shared/outages.py). A
        # link followed (shared/ingest/record_pages.py) reads the record's page from its
        # system with the connection's secret, which every function may read already.
        tables=(
            TableAccess(STATE_TABLE.name, ("GetItem",)),
            TableAccess(STATE_TABLE.name, ("Query",), OUTAGE_KEYS),
            # the links of records a callback shows, read before queueing (known_changes.py)
            TableAccess(STATE_TABLE.name, ("BatchGetItem",), LINK_KEYS),
        ),
    ),
    FunctionSpec(
        name="poll_changes",
        description="Reads both sides' changes since their cursors and enqueues change events",
        timeout_s=120,
        memory_mb=256,
        # changes.fifo, and every queue whose messages it re-publishes when a paused
        # connection resumes (shared/outages.py)
        sends_to=(CHANGES.key, *(q.key for q in WORKFLOW_QUEUES)),
        # cursors; the links of polled records (what need not be queued); and for paused
        # systems: probes, and parked messages put back
        tables=(
            TableAccess(STATE_TABLE.name, ("GetItem", "PutItem", "Query")),
            TableAccess(STATE_TABLE.name, ("BatchGetItem",), LINK_KEYS),
            TableAccess(
                STATE_TABLE.name,
                ("DeleteItem", "ConditionCheckItem", "BatchWriteItem"),
                OUTAGE_KEYS,
            ),
        ),
    ),
    FunctionSpec(
        name="sync_records",
        description="Fetches fresh, maps, detects echo/conflict, writes and links",
        timeout_s=30,
        memory_mb=512,
        consumes=CHANGES.key,
        # the workflows a change sets off (a pair's triggers: Closed Won -> transactions)
        sends_to=tuple(q.key for q in WORKFLOW_QUEUES),
        # links (conditional puts; the link is the record of what was done: no idempotency
        # store) and the audit trail; a link whose create the other system refused is
        # deleted; a paused system's messages are parked (a transaction checking the pause);
        # the links of records a create may adopt are read together
        tables=(
            TableAccess(STATE_TABLE.name, ("GetItem", "PutItem")),
            TableAccess(STATE_TABLE.name, ("DeleteItem", "BatchGetItem"), LINK_KEYS),
            OUTAGE_WRITES,
        ),
    ),
    workflow_function(
        "create_contract", "Creates ERP contracts from activated CRM contracts", CONTRACTS
    ),
    workflow_function(
        "create_transaction",
        "Creates ERP sales transactions from won CRM opportunities",
        TRANSACTIONS,
    ),
    workflow_function(
        "create_project", "Creates ERP projects from won CRM opportunities and contracts", PROJECTS
    ),
    workflow_function(
        "create_deal_document",
        "Creates and updates ERP documents of CRM deals (deal triggers and buttons)",
        DEAL_DOCUMENTS,
    ),
    FunctionSpec(
        name="trigger_workflows",
        description="Queues the workflows CRM changes set off (an opportunity reaching Closed Won)",
        timeout_s=60,
        memory_mb=256,
        sends_to=(TRANSACTIONS.key, DEAL_DOCUMENTS.key),
        tables=(TableAccess(STATE_TABLE.name, ("GetItem", "PutItem", "Query")),),
    ),
    FunctionSpec(
        name="mirror_to_crm",
        description="Mirrors ERP contracts, lines and invoices into read-only CRM objects",
        timeout_s=120,
        memory_mb=256,
        tables=(TableAccess(STATE_TABLE.name, ("GetItem", "PutItem", "Query")),),
    ),
    FunctionSpec(
        name="refresh_lists",
        description="Refreshes the ERP's managed lists mirrored in read-only CRM objects",
        timeout_s=120,
        memory_mb=256,
        tables=(TableAccess(STATE_TABLE.name, ("GetItem", "PutItem", "Query")),),
    ),
)

SCHEDULES: tuple[ScheduleSpec, ...] = (
    ScheduleSpec(name="poll-changes", function="poll_changes", rate_minutes=5, sandbox_every_s=2.0),
    ScheduleSpec(
        name="mirror-to-crm", function="mirror_to_crm", rate_minutes=15, sandbox_every_s=3.0
    ),
    ScheduleSpec(
        name="trigger-workflows",
        function="trigger_workflows",
        rate_minutes=5,
        sandbox_every_s=2.0,
    ),
    ScheduleSpec(
        name="refresh-lists", function="refresh_lists", rate_minutes=30, sandbox_every_s=5.0
    ),
)

# Environment variables every function receives (besides the queue/table ones above).
SECRET_PREFIX_ENV = "CONNECTION_SECRET_PREFIX"  # noqa: S105 - a name, not a secret
SECRET_PREFIX = "ledgerlink/connections/"  # noqa: S105 - a name prefix
POWERTOOLS_SERVICE_NAME = "ledgerlink"
METRICS_NAMESPACE = "Ledgerlink"
# How the functions' interpreter runs: pydantic looks for plugins (a scan of every installed
# distribution's entry points) when the first model is built; ledgerlink uses none.
INTERPRETER_ENV = {"PYDANTIC_DISABLE_PLUGINS": "__all__"}


def function(name: str) -> FunctionSpec:
    for spec in FUNCTIONS:
        if spec.name == name:
            return spec
    raise KeyError(name)


def queue(key: str) -> QueueSpec:
    for spec in QUEUES:
        if spec.key == key:
            return spec
    raise KeyError(key)


def consumer_of(key: str) -> FunctionSpec:
    """The one function that reads queue ``key``."""
    readers = [spec for spec in FUNCTIONS if spec.consumes == key]
    if len(readers) != 1:
        raise ValueError(f"queue {key} must have exactly one consumer, has {len(readers)}")
    return readers[0]


def workflow_queue(workflow: str) -> QueueSpec:
    for spec in WORKFLOW_QUEUES:
        if spec.workflow == workflow:
            return spec
    raise KeyError(workflow)


def schedule_of(function_name: str) -> ScheduleSpec | None:
    for spec in SCHEDULES:
        if spec.function == function_name:
            return spec
    return None
