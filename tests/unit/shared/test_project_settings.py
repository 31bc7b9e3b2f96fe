"""Project settings: which mappings are in force, what is polled, how references are sent."""

from __future__ import annotations

import pytest

from shared.connectors.salesforce.connector import write_body
from shared.mapping.fields import Side
from shared.mapping.mapper import build_payload, fields_touched_by
from shared.models.connection import Connection
from shared.pairs.catalog import MappingCatalog
from shared.pairs.registry import load_connection
from shared.pairs.salesforce_intacct.projects import ParentNotLinkedError


def connection(**projects: bool) -> Connection:
    return load_connection(
        {
            "connection_id": "c1",
            "crm": {
                "system": "salesforce",
                "login_url": "https://login.salesforce.com",
                "org_id": "00D5g000004XyZaEAK",
                "client_id": "c",
            },
            "erp": {
                "system": "intacct",
                "endpoint_url": "https://api.intacct.com/ia/xml/xmlgw.phtml",
                "sender_id": "s",
                "company_id": "co",
                "user_id": "u",
            },
            "projects": projects,
        }
    )


def test_projects_on_by_default_are_mapped_and_polled_after_their_parents():
    conn = connection()
    assert conn.erp_polled_objects == ("CUSTOMER", "CONTACT", "ITEM", "PROJECT", "TASK")
    assert conn.crm_polled_objects[-2:] == ("Intacct_Project__c", "Intacct_Project_Task__c")
    names = {m.name for m in MappingCatalog.for_connection(conn).mappings}
    assert {"project_project", "task_task", "account_customer"} <= names


def test_projects_off_leave_only_the_other_mappings_and_polls():
    conn = connection(enabled=False)
    assert conn.erp_polled_objects == ("CUSTOMER", "CONTACT", "ITEM")
    names = {m.name for m in MappingCatalog.for_connection(conn).mappings}
    assert "project_project" not in names
    assert "account_customer" in names
    # stored and read back, the choice stands
    stored = load_connection(conn.model_dump_json())
    assert stored.erp_polled_objects == ("CUSTOMER", "CONTACT", "ITEM")


@pytest.mark.parametrize(("top_level", "expected"), [(False, "UK"), (True, "")])
def test_top_level_decides_the_entity_a_project_is_created_in(top_level, expected):
    catalog = MappingCatalog.for_connection(connection(top_level=top_level))
    mapping = catalog.by_name("project_project")
    record = {"Id": "a0P000000000001AAA", "Name": "X", "Intacct_Entity__c": "UK"}
    payload = build_payload(
        fields_touched_by(mapping, Side.CRM, (), creating=True), Side.CRM, record
    )
    assert (payload["MEGAENTITYID"] or "") == expected  # empty: the top level
    assert payload["PROJECTCATEGORY"] == "Contract"
    assert payload["SFDCKEY"] == "a0P000000000001AAA"


def test_a_task_of_an_unlinked_project_waits():
    mapping = MappingCatalog.for_connection(connection()).by_name("task_task")
    fields = fields_touched_by(mapping, Side.CRM, (), creating=True)
    record = {"Id": "a0T000000000001AAA", "Name": "T", "Project__c": "a0P000000000001AAA"}
    with pytest.raises(ParentNotLinkedError, match="not linked to Intacct yet"):
        build_payload(fields, Side.CRM, record)
    linked = {**record, "Project__r.Intacct_Project_ID__c": "P-1"}
    assert build_payload(fields, Side.CRM, linked)["PROJECTID"] == "P-1"


def test_a_parent_is_written_through_its_external_id():
    body = write_body(
        {"Name": "T", "Project__r.Intacct_Project_ID__c": "P-1", "Account.Name": "ignored"}
    )
    assert body == {"Name": "T", "Project__r": {"Intacct_Project_ID__c": "P-1"}}
    assert write_body({"Account__r.Intacct_Customer_ID__c": None}) == {"Account__c": None}
