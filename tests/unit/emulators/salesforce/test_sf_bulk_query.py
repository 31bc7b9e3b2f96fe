"""Bulk API 2.0 query jobs (Bulk API 2.0 Developer Guide: "Create a Query Job", "Get
Information About a Query Job", "Get Results for a Query Job" and its locator/maxRecords
example)."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx

from sandbox.emulators.salesforce import SalesforceEmulator
from tests.unit.emulators.salesforce.helpers import DATA, create, error_of

JOBS = f"{DATA}/jobs/query"


def query_job(api: httpx.Client, soql: str, **spec: Any) -> dict[str, Any]:
    answer = api.post(JOBS, json={"operation": "query", "query": soql, **spec})
    assert answer.status_code == 200, answer.text
    job: dict[str, Any] = answer.json()
    return job


def seed_contacts(api: httpx.Client, count: int) -> str:
    account_id = create(api, "Account", Name="Acme")
    for i in range(count):
        create(api, "Contact", LastName=f"Contact {i:02d}", AccountId=account_id)
    create(api, "Contact", LastName="Zed Orphan")
    return account_id


def test_documented_create_and_info(api):
    # Given the guide's request: a query job over accounts
    # When it is created, then its info read
    job = query_job(api, "SELECT Id, Name FROM Account")
    info = api.get(f"{JOBS}/{job['id']}").json()
    # Then creation answers UploadComplete, and the info shows the job complete
    assert job["state"] == "UploadComplete"
    assert job["operation"] == "query"
    assert job["object"] == "Account"
    assert info["jobType"] == "V2Query"
    assert (job["contentType"], job["lineEnding"], job["columnDelimiter"]) == (
        "CSV",
        "LF",
        "COMMA",
    )
    assert info["state"] == "JobComplete"
    assert info["numberRecordsProcessed"] == 0
    assert list(info) == [
        "id",
        "operation",
        "object",
        "createdById",
        "createdDate",
        "systemModstamp",
        "state",
        "concurrencyMode",
        "contentType",
        "apiVersion",
        "jobType",
        "lineEnding",
        "columnDelimiter",
        "numberRecordsProcessed",
        "retries",
        "totalProcessingTime",
    ]


def test_results_page_with_max_records_and_locator(api):
    # Given five contacts of one account and an orphan, and a job reading them with parents
    account_id = seed_contacts(api, 5)
    job = query_job(
        api, "SELECT Id, LastName, Account.Name, AccountId FROM Contact ORDER BY LastName"
    )
    # When the results are read two records at a time, following Sforce-Locator
    pages: list[httpx.Response] = []
    url_params: dict[str, str] = {"maxRecords": "2"}
    while True:
        answer = api.get(f"{JOBS}/{job['id']}/results", params=url_params)
        assert answer.status_code == 200, answer.text
        pages.append(answer)
        if answer.headers["Sforce-Locator"] == "null":
            break
        url_params = {"maxRecords": "2", "locator": answer.headers["Sforce-Locator"]}
    # Then there are three sets of 2, 2 and 2 records, the last with locator "null"
    assert [p.headers["Sforce-NumberOfRecords"] for p in pages] == ["2", "2", "2"]
    assert pages[0].headers["Content-Type"].startswith("text/csv")
    records = [row for p in pages for row in csv.DictReader(io.StringIO(p.text))]
    # And the header has the dotted relationship column; a missing parent is empty
    assert list(records[0]) == ["Id", "LastName", "Account.Name", "AccountId"]
    assert [r["LastName"] for r in records] == [
        *(f"Contact {i:02d}" for i in range(5)),
        "Zed Orphan",
    ]
    assert records[0]["Account.Name"] == "Acme"
    assert records[0]["AccountId"] == account_id
    assert (records[-1]["Account.Name"], records[-1]["AccountId"]) == ("", "")
    # And a locator can be read again
    again = api.get(
        f"{JOBS}/{job['id']}/results",
        params={"maxRecords": "2", "locator": pages[0].headers["Sforce-Locator"]},
    )
    assert again.text == pages[1].text


def test_without_max_records_one_set_holds_everything(api):
    # Given three accounts
    for name in ("A", "B", "C"):
        create(api, "Account", Name=name, Website=f"{name.lower()}.example")
    job = query_job(api, "SELECT Name, Website, CreatedDate, IsDeleted FROM Account ORDER BY Name")
    # When the results are read without maxRecords
    answer = api.get(f"{JOBS}/{job['id']}/results")
    # Then one set holds them all, every value quoted, datetimes in UTC with Z
    assert answer.headers["Sforce-Locator"] == "null"
    assert answer.headers["Sforce-NumberOfRecords"] == "3"
    lines = answer.text.splitlines()
    assert lines[0] == '"Name","Website","CreatedDate","IsDeleted"'
    assert lines[1].startswith('"A","a.example","')
    assert lines[1].endswith('Z","false"')


def test_query_all_sees_deleted_records(api):
    # Given one live and one deleted account
    create(api, "Account", Name="Live")
    gone = create(api, "Account", Name="Gone")
    api.delete(f"{DATA}/sobjects/Account/{gone}")
    # When a query and a queryAll job read them
    live = query_job(api, "SELECT Name FROM Account")
    everything = query_job(api, "SELECT Name FROM Account", operation="queryAll")
    # Then only queryAll returns the deleted one
    assert api.get(f"{JOBS}/{live['id']}/results").text == '"Name"\n"Live"\n'
    assert api.get(f"{JOBS}/{everything['id']}/results").text == '"Name"\n"Live"\n"Gone"\n'


def test_bad_queries_are_refused_at_creation(api):
    # Given a query naming a missing field, and an aggregate
    missing = api.post(JOBS, json={"operation": "query", "query": "SELECT Colour FROM Account"})
    count = api.post(JOBS, json={"operation": "query", "query": "SELECT COUNT() FROM Account"})
    # Then both are refused with 400, the first as the query resource refuses it
    assert missing.status_code == 400
    assert error_of(missing)["errorCode"] == "INVALID_FIELD"
    assert count.status_code == 400


def test_results_need_the_creating_version(api):
    # Given a job created with v62.0
    job = query_job(api, "SELECT Name FROM Account")
    # When its results are read with v61.0
    answer = api.get(f"/services/data/v61.0/jobs/query/{job['id']}/results")
    # Then the answer is 409
    assert answer.status_code == 409


def test_query_jobs_count_in_limits_and_can_be_deleted(api, emu: SalesforceEmulator):
    # Given the remaining daily query jobs
    before = api.get(f"{DATA}/limits").json()["DailyBulkV2QueryJobs"]["Remaining"]
    # When a job is created, completed, listed and deleted
    job = query_job(api, "SELECT Name FROM Account")
    api.get(f"{JOBS}/{job['id']}")
    listed = api.get(JOBS).json()
    deleted = api.delete(f"{JOBS}/{job['id']}")
    # Then it used one query job, was listed, and is gone
    after = api.get(f"{DATA}/limits").json()["DailyBulkV2QueryJobs"]["Remaining"]
    assert before - after == 1
    assert [j["id"] for j in listed["records"]] == [job["id"]]
    assert listed["done"] is True
    assert deleted.status_code == 204
    assert api.get(f"{JOBS}/{job['id']}").status_code == 404
    assert emu.calls.count(op="bulk_create_job") == 1
