"""The links we write into records ("View Project"), followed through the API in-process:
a link we made lands on the record's page in Intacct; anything else is refused with a 4xx
and its reason (503 with Retry-After only when Intacct itself is unavailable), and reads
nothing from Intacct."""

from __future__ import annotations

import pytest

from sandbox.emulators.common import FaultRule
from shared.connectors.intacct import xml
from shared.ingest import record_links

PROJECT_SOQL = (
    "SELECT Id, View_Project__c FROM Intacct_Project__c WHERE Intacct_Project_ID__c = '{}'"
)


def _intacct_project(world, sf_api, intacct_api, project_id: str = "P-7") -> tuple[dict, str]:
    """A project made in Intacct and synced to Salesforce: (Intacct's record, its link)."""
    intacct_api.create("PROJECT", PROJECTID=project_id, NAME="Rollout", PROJECTCATEGORY="Contract")
    world.poll()
    [shown] = sf_api.query(PROJECT_SOQL.format(project_id))
    return world.intacct.get("PROJECT", project_id), str(shown["View_Project__c"])


def _follow(world, link: str):
    return world.http.get(link, follow_redirects=False)


def _reads(world) -> list[tuple[str, str]]:
    return [(c.op, c.target) for c in world.intacct.calls.all() if c.target == "PROJECT"]


@pytest.fixture
def project(world, sf_api, intacct_api) -> tuple[dict, str]:
    record, link = _intacct_project(world, sf_api, intacct_api)
    world.intacct.calls.clear()
    return record, link


def test_a_project_made_in_intacct_gets_a_link_that_lands_on_its_page(world, project):
    # Given a project made in Intacct and synced to Salesforce
    record, link = project
    # Then its "View Project" is our link, composed from its RECORDNO (nothing read for it)
    assert link.startswith(f"{world.urls.api}/open/demo/project/{record['RECORDNO']}?sig=")
    # When a person follows it
    answer = _follow(world, link)
    # Then they are sent on to the project's page in Intacct, read with one query
    assert answer.status_code == 303
    assert answer.headers["Location"] == record["RECORD_URL"]
    assert answer.headers["Cache-Control"] == "no-store"
    assert _reads(world) == [("query", "PROJECT")]


def _with_sig(link: str, sig: str) -> str:
    return link.split("?", 1)[0] + f"?sig={sig}"


def _refused(world, link: str, status: int, reason: str) -> None:
    answer = _follow(world, link)
    assert answer.status_code == status, answer.text
    assert reason in answer.json()["error"]
    assert "Location" not in answer.headers
    assert _reads(world) == []  # nothing was read from Intacct


def test_a_tampered_link_is_refused_and_reads_nothing(world, project):
    _, link = project
    sig = link.rsplit("=", 1)[1]
    _refused(world, _with_sig(link, sig[::-1]), 403, "signature does not match")


def test_a_link_moved_to_another_record_is_refused(world, project):
    _, link = project
    path, query = link.split("?", 1)
    other = path.rsplit("/", 1)[0] + "/999?" + query
    _refused(world, other, 403, "signature does not match")


@pytest.mark.parametrize("connection_id", ["zoho", "ghost"])
def test_a_link_of_one_connection_opens_nothing_on_another(world, project, connection_id):
    # Given demo's link presented as another connection's (an existing one, or none at all)
    _, link = project
    foreign = link.replace("/open/demo/", f"/open/{connection_id}/")
    # Then both are refused alike: nothing is revealed about which connections exist
    _refused(world, foreign, 403, "signature does not match")


def test_a_link_without_its_signature_is_refused_401(world, project):
    _, link = project
    _refused(world, link.split("?", 1)[0], 401, "no sig")


def test_a_signed_link_to_a_page_the_pair_does_not_know_is_refused_404(world, project):
    # Given a link signed with the right secret for a page no pair has
    record, _ = project
    link = record_links.compose(
        world.urls.api, world.creds.action_secret, "demo", "invoice", str(record["RECORDNO"])
    )
    _refused(world, link, 404, "no record page 'invoice'")


def test_a_link_to_a_project_deleted_since_is_404_with_the_reason(world, project, intacct_api):
    # Given the project was deleted in Intacct after its link was written
    record, link = project
    delete = xml.element("delete", object="PROJECT", keys=str(record["RECORDNO"]))
    assert intacct_api.connector.client.call(xml.Function("delete-p7", delete)).ok
    world.intacct.calls.clear()
    # When the link is followed
    answer = _follow(world, link)
    # Then the answer says the record no longer exists (one read to learn it)
    assert answer.status_code == 404
    assert "no longer exists" in answer.json()["error"]
    assert _reads(world) == [("query", "PROJECT")]


def test_intacct_unavailable_is_503_with_retry_after_never_a_500(world, project):
    # Given Intacct answering 503 to every request for a while
    _, link = project
    world.intacct.faults.add(FaultRule(match="*", kind="http_error", times=50))
    # When the link is followed
    answer = _follow(world, link)
    # Then the person is told to come back later, with no redirect
    assert answer.status_code == 503
    assert int(answer.headers["Retry-After"]) > 0
    assert "intacct" in answer.json()["error"]
    world.intacct.faults.clear()


def test_a_disabled_connection_opens_no_link(world, project):
    _, link = project
    world.runtime.connections.put(world.connection.model_copy(update={"enabled": False}))
    _refused(world, link, 409, "disabled")
