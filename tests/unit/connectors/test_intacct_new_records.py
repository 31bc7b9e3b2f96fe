"""Creates whose new record follows from what they send (``shared.connectors.intacct.
new_records``): a project task asking for its record is answered from the create without a
read, with the values the company gives a new task; a create asking for a field the company
assigns (an entity) is still read back."""

from __future__ import annotations

from decimal import Decimal

from sandbox.emulators.intacct import IntacctEmulator
from shared.connectors.base import Write
from shared.connectors.intacct.connector import IntacctConnector
from shared.models.records import WriteResult
from shared.sync.hashing import hashes_of
from tests.unit.connectors.intacct_emulated import connector_on

TASK_FIELDS = (
    "ACTUALQTY",
    "BILLABLE",
    "DESCRIPTION",
    "ESTQTY",
    "NAME",
    "PERCENTCOMPLETE",
    "PROJECTID",
    "RECORDNO",
    "SFDCKEY",
    "TASKSTATUS",
)


def _task(name: str, estimate: Decimal | None, key: str) -> Write:
    return Write(
        fields={
            "NAME": name,
            "PROJECTID": "P-1",
            "DESCRIPTION": None,
            "TASKSTATUS": None,
            "BILLABLE": "false",
            "ESTQTY": estimate,
            "SFDCKEY": f"a0T{key}",
        },
        idempotency_key=f"create-{key}",
        external_key=("SFDCKEY", f"a0T{key}"),
        read_back=TASK_FIELDS,
    )


def _signed_in_with_a_project() -> tuple[IntacctEmulator, IntacctConnector]:
    """An emulated company with project P-1, a connector signed in, the call log empty."""
    emu = IntacctEmulator(base_url="http://intacct.test")
    connector = connector_on(emu)
    emu.seed("PROJECT", {"PROJECTID": "P-1", "NAME": "Rollout", "PROJECTCATEGORY": "Contract"})
    connector.check_access()
    emu.calls.clear()
    return emu, connector


def test_new_tasks_answer_as_intacct_holds_them_without_a_read():
    # Given a project, signed in
    emu, connector = _signed_in_with_a_project()
    # When two tasks are created asking for their records, one with an estimate
    answers = connector.write_many(
        "TASK", [_task("Design", Decimal(40), "1"), _task("Build", None, "2")]
    )
    # Then only the creates were sent (no read) ...
    assert [(c.op, c.target) for c in emu.calls.all()] == [("create", "TASK")] * 2
    # ... and each answer holds what Intacct holds for the new task: the same hashes
    for answer in answers:
        assert isinstance(answer, WriteResult)
        assert answer.record is not None
        read = connector.fetch("TASK", answer.key, TASK_FIELDS)
        assert read is not None
        held = {k: v for k, v in read.fields.items() if k in TASK_FIELDS}
        assert answer.record.key == answer.key == held["RECORDNO"]
        assert hashes_of(answer.record.fields, TASK_FIELDS) == hashes_of(held, TASK_FIELDS)
    design = answers[0]
    assert isinstance(design, WriteResult)
    assert design.record is not None
    assert design.record.get("TASKSTATUS") == "Not Started"
    assert design.record.get("PERCENTCOMPLETE") == Decimal(0)


def test_a_create_asking_for_what_the_company_assigns_is_still_read_back():
    # Given a project, signed in
    emu, connector = _signed_in_with_a_project()
    # When a task asks also for its entity (which its project decides)
    write = _task("Design", None, "1")
    asking = Write(
        fields=write.fields,
        idempotency_key=write.idempotency_key,
        external_key=write.external_key,
        read_back=(*TASK_FIELDS, "MEGAENTITYID"),
    )
    [answer] = connector.write_many("TASK", [asking])
    # Then it is read back in the create's own request
    assert [(c.op, c.target) for c in emu.calls.all()] == [("create", "TASK"), ("query", "TASK")]
    assert isinstance(answer, WriteResult)
    assert answer.record is not None
    assert answer.record.get("TASKSTATUS") == "Not Started"


PROJECT_FIELDS = (
    "ACTUALQTY",
    "ESTQTY",
    "MEGAENTITYID",
    "NAME",
    "PERCENTCOMPLETE",
    "PROJECTCATEGORY",
    "PROJECTID",
    "RECORDNO",
    "SFDCKEY",
)


def test_new_projects_answer_as_intacct_holds_them_without_a_read():
    # Given a company, signed in at the top level
    emu, connector = _signed_in_with_a_project()
    # When a project is created asking for its record (hours, entity, RECORDNO)
    write = Write(
        fields={
            "PROJECTID": "P-2",
            "NAME": "Audit",
            "PROJECTCATEGORY": "Contract",
            "SFDCKEY": "a0P2",
            "MEGAENTITYID": "",
        },
        idempotency_key="create-p2",
        read_back=PROJECT_FIELDS,
    )
    [answer] = connector.write_many("PROJECT", [write])
    # Then only the create was sent (no read) ...
    assert [(c.op, c.target) for c in emu.calls.all()] == [("create", "PROJECT")]
    # ... and the answer holds what Intacct holds for the new project: the same hashes
    assert isinstance(answer, WriteResult)
    assert answer.record is not None
    read = connector.fetch("PROJECT", "P-2", PROJECT_FIELDS)
    assert read is not None
    assert answer.record.get("RECORDNO") == read.get("RECORDNO")
    assert hashes_of(answer.record.fields, PROJECT_FIELDS) == hashes_of(read.fields, PROJECT_FIELDS)
    assert answer.record.get("ACTUALQTY") is None  # no task, no timesheet entry yet
