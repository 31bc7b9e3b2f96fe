"""Bulk API 2.0 ingest jobs (Bulk API 2.0 Developer Guide: "Create a Job", "Upload Job Data",
"Upload Complete", "Get Job Info", "Get Job Successful/Failed/Unprocessed Record Results",
"Delete a Job", "Get All Jobs")."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx

from sandbox.emulators.common import FaultRule
from sandbox.emulators.salesforce import SalesforceEmulator
from tests.unit.emulators.salesforce.helpers import DATA, RUN_AS, create, error_of, stored

JOBS = f"{DATA}/jobs/ingest"
CSV = {"Content-Type": "text/csv"}


def open_job(api: httpx.Client, **spec: Any) -> dict[str, Any]:
    answer = api.post(JOBS, json={"contentType": "CSV", "lineEnding": "LF", **spec})
    assert answer.status_code == 200, answer.text
    job: dict[str, Any] = answer.json()
    return job


def run_job(api: httpx.Client, data: str, **spec: Any) -> dict[str, Any]:
    """Create, upload, close and poll a job as a client does; the final job info."""
    job = open_job(api, **spec)
    assert api.put(f"{JOBS}/{job['id']}/batches", content=data, headers=CSV).status_code == 201
    closed = api.patch(f"{JOBS}/{job['id']}", json={"state": "UploadComplete"})
    assert closed.json()["state"] == "UploadComplete"
    for _ in range(5):
        info: dict[str, Any] = api.get(f"{JOBS}/{job['id']}").json()
        if info["state"] in {"JobComplete", "Failed", "Aborted"}:
            return info
    raise AssertionError(f"job {job['id']} never finished")


def rows(answer: httpx.Response) -> list[dict[str, str]]:
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(answer.text)))


def test_documented_create_job_answer(api, emu: SalesforceEmulator):
    # Given the guide's request: insert Accounts from comma-separated, LF-ended CSV
    # When the job is created
    job = open_job(api, object="Account", operation="insert", columnDelimiter="COMMA")
    # Then it answers the documented properties, Open, with its upload url
    assert list(job) == [
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
        "contentUrl",
        "lineEnding",
        "columnDelimiter",
    ]
    assert job["id"].startswith("750")
    assert job["state"] == "Open"
    assert job["apiVersion"] == 62.0
    assert job["contentUrl"] == f"services/data/v62.0/jobs/ingest/{job['id']}/batches"
    assert job["createdById"] == emu.org.users[RUN_AS]
    assert job["createdDate"].endswith("+0000")


def test_bulk_insert_of_thousands_of_rows_with_some_failures(api, emu: SalesforceEmulator):
    # Given 3,000 account rows, every 500th without its required Name, and an outbound rule
    emu.add_outbound_message("acct", "Account", ["Name"], "http://listener.test/")
    lines = ["Name,Industry,AccountNumber,BillingCity"]
    for i in range(3000):
        name = "" if i % 500 == 0 else f"Account {i}"
        lines.append(f'{name},Technology,{i},"City, {i}"')
    # When they are loaded through a bulk insert job
    info = run_job(api, "\n".join(lines) + "\n", object="Account", operation="insert")
    # Then the job completes, its info showing the documented properties and counters
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
        "numberRecordsFailed",
        "retries",
        "totalProcessingTime",
        "apiActiveProcessingTime",
        "apexProcessingTime",
    ]
    assert info["state"] == "JobComplete"
    assert info["jobType"] == "V2Ingest"
    assert info["numberRecordsProcessed"] == 3000
    assert info["numberRecordsFailed"] == 6
    for key in ("retries", "totalProcessingTime", "apiActiveProcessingTime", "apexProcessingTime"):
        assert isinstance(info[key], int)
    # And the successful results name each new record, with the original columns
    succeeded = rows(api.get(f"{JOBS}/{info['id']}/successfulResults/"))
    assert len(succeeded) == 2994
    assert list(succeeded[0]) == [
        "sf__Id",
        "sf__Created",
        "Name",
        "Industry",
        "AccountNumber",
        "BillingCity",
    ]
    assert succeeded[0]["sf__Created"] == "true"
    assert succeeded[0]["BillingCity"] == "City, 1"
    saved = stored(emu, "Account", succeeded[0]["sf__Id"])
    assert saved["Name"] == "Account 1"
    assert saved["CreatedById"] == emu.org.users[RUN_AS]
    # And the failed ones carry the save error as sf__Error
    failed = rows(api.get(f"{JOBS}/{info['id']}/failedResults/"))
    assert [f["AccountNumber"] for f in failed] == ["0", "500", "1000", "1500", "2000", "2500"]
    assert failed[0]["sf__Id"] == ""
    assert failed[0]["sf__Error"] == (
        "REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --"
    )
    # And the records went through the store's rules: stored, and one message each queued
    assert len(emu.records("Account")) == 2994
    assert emu.pending_outbound() == 2994
    assert rows(api.get(f"{JOBS}/{info['id']}/unprocessedrecords/")) == []


def test_results_file_quotes_values_and_echoes_the_header():
    # Given the raw text of a successful-results file from a tiny job
    emu = SalesforceEmulator()
    emu.add_connected_app("cid", "secret", run_as_username=RUN_AS)
    with httpx.Client(transport=httpx.WSGITransport(app=emu.wsgi_app), base_url=emu.base_url) as c:
        token = c.post(
            "/services/oauth2/token",
            data={
                "grant_type": "client_credentials",
                "client_id": "cid",
                "client_secret": "secret",
            },
        ).json()["access_token"]
        c.headers["Authorization"] = f"Bearer {token}"
        info = run_job(c, "Name\nAcme\n", object="Account", operation="insert")
        # When it is read
        text = c.get(f"{JOBS}/{info['id']}/successfulResults").text
    # Then the sf__ columns are quoted, the uploaded header follows as sent, values quoted
    record_id = emu.records("Account")[0]["Id"]
    assert text == f'"sf__Id","sf__Created",Name\n"{record_id}","true","Acme"\n'


def test_polling_sees_in_progress_before_complete(api, emu: SalesforceEmulator):
    # Given an org whose jobs answer InProgress for two reads after the upload completes
    emu.org.bulk.in_progress_reads = 2
    job = open_job(api, object="Account", operation="insert")
    api.put(f"{JOBS}/{job['id']}/batches", content="Name\nA\n", headers=CSV)
    api.patch(f"{JOBS}/{job['id']}", json={"state": "UploadComplete"})
    # When the job is polled three times
    states = [api.get(f"{JOBS}/{job['id']}").json()["state"] for _ in range(3)]
    # Then it is in progress twice, then complete, and only then are the records there
    assert states == ["InProgress", "InProgress", "JobComplete"]
    assert len(emu.records("Account")) == 1


def test_upsert_by_external_id_with_a_parent_named_by_its_external_id(api, emu: SalesforceEmulator):
    # Given an account with an external id, and a contact already keyed "C-1"
    account_id = create(api, "Account", Name="Acme", Intacct_Customer_ID__c="ACME")
    existing = create(api, "Contact", LastName="Old", Intacct_Contact_Name__c="C-1")
    data = (
        "Intacct_Contact_Name__c,LastName,Account.Intacct_Customer_ID__c\n"
        "C-1,Updated,ACME\n"
        "C-2,Created,ACME\n"
        "C-3,Orphan,NOPE\n"
    )
    # When contacts are upserted on Intacct_Contact_Name__c
    info = run_job(
        api,
        data,
        object="Contact",
        operation="upsert",
        externalIdFieldName="Intacct_Contact_Name__c",
    )
    # Then the match is updated, the new one created, both linked to the account
    assert (info["numberRecordsProcessed"], info["numberRecordsFailed"]) == (3, 1)
    assert open_job(
        api, object="Contact", operation="upsert", externalIdFieldName="Intacct_Contact_Name__c"
    )["externalIdFieldName"] == ("Intacct_Contact_Name__c")
    succeeded = rows(api.get(f"{JOBS}/{info['id']}/successfulResults/"))
    assert [(s["sf__Id"] == existing, s["sf__Created"]) for s in succeeded] == [
        (True, "false"),
        (False, "true"),
    ]
    assert stored(emu, "Contact", existing)["LastName"] == "Updated"
    assert stored(emu, "Contact", succeeded[1]["sf__Id"])["AccountId"] == account_id
    # And the row naming an unknown parent failed with the foreign-key error
    (failed,) = rows(api.get(f"{JOBS}/{info['id']}/failedResults/"))
    assert failed["sf__Error"].startswith("INVALID_FIELD:Foreign key external ID: NOPE not found")


def test_update_and_delete_by_id(api, emu: SalesforceEmulator):
    # Given two accounts with phones, and an id no record has
    first = create(api, "Account", Name="One", Phone="111", Website="one.example")
    second = create(api, "Account", Name="Two", Phone="222")
    unknown = "001000000000000AAA"
    # When an update sets a name, leaves a phone (empty), clears a website (#N/A)
    update = f"Id,Name,Phone,Website\n{first},Uno,,#N/A\n{unknown},Ghost,,\n"
    updated = run_job(api, update, object="Account", operation="update")
    # Then the record has the new name, its phone, and no website; the unknown id failed
    record = stored(emu, "Account", first)
    assert (record["Name"], record["Phone"], record["Website"]) == ("Uno", "111", None)
    (failed,) = rows(api.get(f"{JOBS}/{updated['id']}/failedResults/"))
    assert failed["sf__Id"] == unknown
    assert failed["sf__Error"] == "INVALID_CROSS_REFERENCE_KEY:invalid cross reference id:Id --"
    # When the second is deleted in a delete job
    deleted = run_job(api, f"Id\n{second}\n", object="Account", operation="delete")
    # Then it is soft-deleted, and reported as a success that created nothing
    assert deleted["numberRecordsFailed"] == 0
    assert stored(emu, "Account", second)["IsDeleted"] is True
    (ok,) = rows(api.get(f"{JOBS}/{deleted['id']}/successfulResults/"))
    assert (ok["sf__Id"], ok["sf__Created"]) == (second, "false")


def test_a_wrong_value_type_fails_only_its_row(api, emu: SalesforceEmulator):
    # Given a product row with a boolean that is not one
    data = "Name,IsActive\nGood,true\nBad,maybe\n"
    # When it is inserted
    info = run_job(api, data, object="Product2", operation="insert")
    # Then the good row is saved and the bad one reports the type error
    assert info["numberRecordsFailed"] == 1
    (failed,) = rows(api.get(f"{JOBS}/{info['id']}/failedResults/"))
    assert failed["sf__Error"] == (
        "INVALID_TYPE_ON_FIELD_IN_RECORD:Active: value not of required type: maybe:IsActive --"
    )
    assert [p["IsActive"] for p in emu.records("Product2")] == [True]


def test_unknown_column_fails_the_job(api, emu: SalesforceEmulator):
    # Given a file whose header names a field Account does not have
    # When it is loaded
    info = run_job(api, "Name,Colour__c\nAcme,red\n", object="Account", operation="insert")
    # Then the job fails with the platform's message and nothing is written
    assert info["state"] == "Failed"
    assert info["errorMessage"] == "InvalidBatch : Field name not found : Colour__c"
    assert emu.records("Account") == []
    # And its rows are unprocessed
    assert rows(api.get(f"{JOBS}/{info['id']}/unprocessedrecords/")) == [
        {"Name": "Acme", "Colour__c": "red"}
    ]


def test_line_ending_and_delimiter_follow_the_job(api, emu: SalesforceEmulator):
    # Given a PIPE/CRLF job, and an LF job sent CRLF data
    pipe = run_job(
        api,
        "Name|Description\r\nA|x,y\r\n",
        object="Account",
        operation="insert",
        columnDelimiter="PIPE",
        lineEnding="CRLF",
    )
    wrong = run_job(api, "Name\r\nB\r\n", object="Account", operation="insert")
    # Then the first is read with its own dialect, results written the same way
    assert pipe["state"] == "JobComplete"
    text = api.get(f"{JOBS}/{pipe['id']}/successfulResults/").text
    assert text.startswith('"sf__Id"|"sf__Created"|Name|Description\r\n')
    assert [a["Description"] for a in emu.records("Account")] == ["x,y"]
    # And the second fails on its line endings
    assert wrong["state"] == "Failed"
    assert wrong["errorMessage"] == (
        "ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is LF"
    )


def test_abort_leaves_rows_unprocessed_and_delete_removes_the_job(api, emu: SalesforceEmulator):
    # Given a job with data uploaded but not closed
    job = open_job(api, object="Account", operation="insert")
    api.put(f"{JOBS}/{job['id']}/batches", content="Name\nA\nB\n", headers=CSV)
    # When it is deleted while Open, then aborted, then deleted
    early_delete = api.delete(f"{JOBS}/{job['id']}")
    aborted = api.patch(f"{JOBS}/{job['id']}", json={"state": "Aborted"})
    unprocessed = rows(api.get(f"{JOBS}/{job['id']}/unprocessedrecords/"))
    deleted = api.delete(f"{JOBS}/{job['id']}")
    # Then an Open job cannot be deleted, the abort kept every row unprocessed, and it is gone
    assert early_delete.status_code == 400
    assert error_of(early_delete)["errorCode"] == "INVALIDJOBSTATE"
    assert aborted.json()["state"] == "Aborted"
    assert unprocessed == [{"Name": "A"}, {"Name": "B"}]
    assert deleted.status_code == 204
    assert api.get(f"{JOBS}/{job['id']}").status_code == 404
    assert emu.records("Account") == []


def test_upload_rules(api):
    # Given an open job with its data uploaded
    job = open_job(api, object="Account", operation="insert")
    api.put(f"{JOBS}/{job['id']}/batches", content="Name\nA\n", headers=CSV)
    # When data is uploaded again, and the job closed twice
    again = api.put(f"{JOBS}/{job['id']}/batches", content="Name\nB\n", headers=CSV)
    api.patch(f"{JOBS}/{job['id']}", json={"state": "UploadComplete"})
    closed_again = api.patch(f"{JOBS}/{job['id']}", json={"state": "UploadComplete"})
    # Then the second upload is refused, as is the second close
    assert again.status_code == 400
    assert "Found multiple contents for job" in error_of(again)["message"]
    assert closed_again.status_code == 400
    assert error_of(closed_again)["errorCode"] == "INVALIDJOBSTATE"


def test_job_creation_errors(api):
    # Given job requests with an unknown object, operation, and an upsert without its key
    answers = [
        api.post(JOBS, json={"object": "Nope", "operation": "insert"}),
        api.post(JOBS, json={"object": "Account", "operation": "merge"}),
        api.post(JOBS, json={"object": "Account", "operation": "upsert"}),
        api.post(JOBS, json={"object": "Account", "operation": "insert", "lineEnding": "CR"}),
    ]
    # Then each is refused with 400 and the error array
    assert [a.status_code for a in answers] == [400, 400, 400, 400]
    assert [error_of(a)["errorCode"] for a in answers] == [
        "INVALIDENTITY",
        "INVALIDJOB",
        "INVALIDJOB",
        "INVALIDJOB",
    ]


def test_list_jobs_pages_with_next_records_url(api, emu: SalesforceEmulator):
    # Given three ingest jobs, and list pages of two
    emu.org.bulk.list_page_size = 2
    made = [open_job(api, object="Account", operation="insert")["id"] for _ in range(3)]
    # When the list is read and its next page followed
    first = api.get(JOBS).json()
    second = api.get(first["nextRecordsUrl"]).json()
    # Then the pages hold every job once, the last one done with no next url
    assert first["done"] is False
    assert first["nextRecordsUrl"].startswith(f"{JOBS}?queryLocator=")
    assert second["done"] is True
    assert second["nextRecordsUrl"] is None
    listed = [j["id"] for j in first["records"] + second["records"]]
    assert listed == made
    assert first["records"][0]["jobType"] == "V2Ingest"


def test_bulk_requests_are_logged_and_counted_in_limits(api, emu: SalesforceEmulator):
    # Given the limits before a bulk insert of two rows
    before = api.get(f"{DATA}/limits").json()
    # When the job runs
    info = run_job(api, "Name\nA\nB\n", object="Account", operation="insert")
    # Then each job request is one call, each record one write, and one batch was used
    ops = [c.op for c in emu.calls.all() if c.record_id == info["id"]]
    assert ops == ["bulk_create_job", "bulk_upload", "bulk_close_job", "bulk_read_job"]
    assert len(emu.calls.writes("Account")) == 2
    after = api.get(f"{DATA}/limits").json()
    used = before["DailyBulkApiBatches"]["Remaining"] - after["DailyBulkApiBatches"]["Remaining"]
    assert used == 1
    requests = before["DailyApiRequests"]["Remaining"] - after["DailyApiRequests"]["Remaining"]
    assert requests == 5  # four job requests and the first limits read


def test_faults_reach_bulk_requests_and_a_retry_succeeds(api, emu: SalesforceEmulator):
    # Given an open job, and a rate-limit fault on the next upload
    job = open_job(api, object="Account", operation="insert")
    emu.faults.add(FaultRule(match="PUT bulk_ingest_batches", kind="rate_limit"))
    # When the data is uploaded, refused, and uploaded again
    refused = api.put(f"{JOBS}/{job['id']}/batches", content="Name\nA\n", headers=CSV)
    retried = api.put(f"{JOBS}/{job['id']}/batches", content="Name\nA\n", headers=CSV)
    # Then the fault answered as the platform does, and the retry took the data once
    assert refused.status_code == 403
    assert error_of(refused)["errorCode"] == "REQUEST_LIMIT_EXCEEDED"
    assert retried.status_code == 201
    api.patch(f"{JOBS}/{job['id']}", json={"state": "UploadComplete"})
    # And processing also runs when the org is told to, without a read, as the job's creator
    emu.org.store.user_id = None
    assert emu.org.bulk.process_ready() == 1
    (account,) = emu.records("Account")
    assert (account["Name"], account["CreatedById"]) == ("A", emu.org.users[RUN_AS])


def test_upsert_matches_the_current_external_ids(api, emu: SalesforceEmulator):
    # Given an account re-keyed from OLD to NEW, a deleted one keyed GONE, and a key LOST
    # whose update was rolled back by an allOrNone collection (the record keeps KEPT)
    rekeyed = create(api, "Account", Name="Rekeyed", Intacct_Customer_ID__c="OLD")
    api.patch(f"{DATA}/sobjects/Account/{rekeyed}", json={"Intacct_Customer_ID__c": "NEW"})
    gone = create(api, "Account", Name="Gone", Intacct_Customer_ID__c="GONE")
    api.delete(f"{DATA}/sobjects/Account/{gone}")
    kept = create(api, "Account", Name="Kept", Intacct_Customer_ID__c="KEPT")
    rolled_back = {
        "allOrNone": True,
        "records": [
            {"attributes": {"type": "Account"}, "id": kept, "Intacct_Customer_ID__c": "LOST"},
            {"attributes": {"type": "Account"}, "id": kept, "Name": ""},
        ],
    }
    api.patch(f"{DATA}/composite/sobjects", json=rolled_back)
    # When accounts are upserted on those keys (in another case for one of them)
    data = "Intacct_Customer_ID__c,Phone\nnew,1\nOLD,2\nGONE,3\nLOST,4\nKEPT,5\n"
    info = run_job(
        api,
        data,
        object="Account",
        operation="upsert",
        externalIdFieldName="Intacct_Customer_ID__c",
    )
    # Then only current, live values match: NEW (case-insensitively) and KEPT are updated
    assert info["numberRecordsFailed"] == 3
    assert (stored(emu, "Account", rekeyed)["Phone"], stored(emu, "Account", kept)["Phone"]) == (
        "1",
        "5",
    )
    failed = rows(api.get(f"{JOBS}/{info['id']}/failedResults/"))
    assert [f["Intacct_Customer_ID__c"] for f in failed] == ["OLD", "GONE", "LOST"]
    assert all(f["sf__Error"].startswith("REQUIRED_FIELD_MISSING") for f in failed)
