"""A project's "View Project" value as a connection's mapping makes it: our signed link to
its page, composed from the RECORDNO Intacct answered; nothing without an API URL."""

from __future__ import annotations

from typing import Any

import pytest

from shared.ingest import record_links
from shared.mapping.fields import Side
from shared.mapping.mapper import build_payload, fields_touched_by
from shared.pairs.catalog import MappingCatalog
from shared.pairs.salesforce_intacct import project_links
from tests.unit.shared.test_project_settings import connection

SECRETS = {"c1": "secret-of-c1", "c2": "secret-of-c2"}


@pytest.fixture(autouse=True)
def _secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(project_links, "action_secret", SECRETS.__getitem__)


def _view_project(conn: Any, fields: dict[str, Any]) -> Any:
    mapping = MappingCatalog.for_connection(conn).by_name("project_project")
    touched = fields_touched_by(mapping, Side.ERP, ["RECORDNO"], creating=False)
    return build_payload(touched, Side.ERP, fields).get("View_Project__c")


def test_a_connection_with_an_api_url_links_each_project_by_its_recordno():
    # Given a connection whose API is at sync.example.com
    conn = connection(api_url="https://sync.example.com")
    # When Intacct has numbered a project 42
    link = _view_project(conn, {"PROJECTID": "P-1", "RECORDNO": 42})
    # Then its link opens project 42 through that API, signed with the connection's secret
    assert link == (
        "https://sync.example.com/open/c1/project/42?sig="
        + record_links.signature("secret-of-c1", "c1", "project", "42")
    )


def test_no_link_before_intacct_numbered_the_project_or_without_an_api_url():
    with_url = connection(api_url="https://sync.example.com")
    assert _view_project(with_url, {"PROJECTID": "P-1", "RECORDNO": None}) is None
    assert _view_project(connection(), {"PROJECTID": "P-1", "RECORDNO": 42}) is None


def test_the_link_follows_from_the_recordno_not_from_intacct_s_record_url():
    # Given the project mapping of a connection with an API URL
    conn = connection(api_url="https://sync.example.com")
    mapping = MappingCatalog.for_connection(conn).by_name("project_project")
    # Then no field reads RECORD_URL, and a RECORDNO answered by a create moves the link
    assert "RECORD_URL" not in mapping.tracked_paths(Side.ERP)
    assert "RECORDNO" in mapping.outgoing_inputs(Side.ERP)


def test_two_connections_sign_their_own_links():
    one = connection(api_url="https://sync.example.com")
    two = one.model_copy(update={"connection_id": "c2"})
    fields = {"PROJECTID": "P-1", "RECORDNO": 7}
    first, second = _view_project(one, fields), _view_project(two, fields)
    assert first.startswith("https://sync.example.com/open/c1/project/7?sig=")
    assert second.startswith("https://sync.example.com/open/c2/project/7?sig=")
    assert first.rsplit("=", 1)[1] != second.rsplit("=", 1)[1]
