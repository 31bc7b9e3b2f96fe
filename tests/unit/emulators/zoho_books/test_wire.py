"""The Zoho Books emulator speaks Books' documented wire (plain httpx, not our connector)."""

from __future__ import annotations

import json


def test_a_contact_with_contact_persons_is_created_from_a_jsonstring_form_field(api):
    # Given a contact with two persons, sent as the docs' examples send it
    body = {
        "contact_name": "Bowman Furniture",
        "contact_type": "customer",
        "contact_persons": [
            {"first_name": "Will", "last_name": "Smith", "email": "will@bowman.example"},
            {"first_name": "Ann", "last_name": "Lee"},
        ],
    }
    # When it is posted in the JSONString form field
    made = api.post("/contacts", data={"JSONString": json.dumps(body)})
    # Then it is created (201, code 0) with its persons, the first the primary one
    assert made.status_code == 201
    answer = made.json()
    assert answer["code"] == 0
    assert answer["message"] == "The contact has been added."
    persons = answer["contact"]["contact_persons"]
    assert [p["first_name"] for p in persons] == ["Will", "Ann"]
    assert [p["is_primary_contact"] for p in persons] == [True, False]
    assert answer["contact"]["last_modified_time"] == "2026-03-02T09:30:00+0000"


def test_a_json_body_without_content_type_is_read(api):
    # Given an item posted as raw JSON with no Content-Type
    made = api.post("/items", content=json.dumps({"name": "Desk", "rate": 120.5}).encode())
    # Then it is created, its rate a number
    assert made.status_code == 201
    assert made.json()["item"]["rate"] == 120.5


def test_errors_are_4xx_with_a_non_zero_code(api):
    # Given a contact that does not exist, and a contact without its name
    missing = api.get("/contacts/460000999999999")
    nameless = api.post("/contacts", json={"phone": "555"})
    # Then each is a 4xx with a non-zero code and a message
    assert missing.status_code == 404
    assert missing.json() == {"code": 1002, "message": "Contact does not exist."}
    assert nameless.status_code == 400
    assert nameless.json()["code"] != 0


def test_a_call_without_an_organisation_of_the_user_is_refused(api, books):
    # Given a call naming no organisation, and one naming someone else's
    none = api.get("/contacts", params={"organization_id": ""})
    other = api.get("/contacts", params={"organization_id": "1"})
    orgs = api.get("/organizations")
    # Then both are refused, while /organizations lists the user's
    assert none.status_code == 400
    assert other.status_code == 400
    assert [o["organization_id"] for o in orgs.json()["organizations"]] == ["10234695"]


def test_lists_page_with_page_context(api):
    # Given three items
    for name in ("A", "B", "C"):
        api.post("/items", json={"name": name, "rate": 1})
    # When they are listed two to a page
    first = api.get("/items", params={"per_page": 2, "page": 1}).json()
    second = api.get("/items", params={"per_page": 2, "page": 2}).json()
    # Then page_context says whether more pages follow
    assert [i["name"] for i in first["items"]] == ["A", "B"]
    assert first["page_context"]["has_more_page"] is True
    assert [i["name"] for i in second["items"]] == ["C"]
    assert second["page_context"]["has_more_page"] is False


def test_contact_persons_are_added_listed_and_changed_under_their_contact(api):
    # Given a customer
    contact = api.post("/contacts", json={"contact_name": "Zillum"}).json()["contact"]
    # When two persons are added to it, and the second renamed
    made = [
        api.post(
            "/contacts/contactpersons",
            json={"contact_id": contact["contact_id"], "first_name": name, "email": f"{name}@z.ex"},
        )
        for name in ("Ann", "Bo")
    ]
    person = made[1].json()["contact_person"]
    api.put(f"/contacts/contactpersons/{person['contact_person_id']}", json={"last_name": "Li"})
    listed = api.get(f"/contacts/{contact['contact_id']}/contactpersons").json()
    # Then both belong to the contact, the first primary, the second renamed
    assert [m.status_code for m in made] == [201, 201]
    people = listed["contact_persons"]
    assert [(p["first_name"], p["last_name"], p["is_primary_contact"]) for p in people] == [
        ("Ann", "", True),
        ("Bo", "Li", False),
    ]
    assert {p["contact_id"] for p in people} == {contact["contact_id"]}
