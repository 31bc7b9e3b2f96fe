""" "Create Sales Order": won Salesforce opportunities -> Intacct sales transactions."""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

from sandbox.emulators.common import FaultRule
from sandbox.stories import PRODUCTS, sales_deal
from shared.ingest.signatures import HEADER, sign


def press(world, opportunity_id: str, *, timestamp: int | None = None):
    url = (
        f"{world.urls.api}/actions/{world.creds.connection_id}/opportunities/"
        f"{opportunity_id}/sales-transaction"
    )
    body = b"{}"
    signature = sign(world.creds.action_secret, body, timestamp or int(time.time()), url)
    return world.http.post(
        url, content=body, headers={HEADER: signature, "Content-Type": "application/json"}
    )


def configure(world, **settings) -> None:
    connection = world.connection
    world.runtime.connections.put(
        connection.model_copy(
            update={"transactions": connection.transactions.model_copy(update=settings)}
        )
    )


def documents(world) -> list[dict]:
    return [d for d in world.intacct.records("SODOCUMENT") if d["DOCPARID"] != "Contract Invoice"]


def test_a_won_opportunity_becomes_one_intacct_sales_order(world, sf_api, intacct_api):
    # Given a won Sales Order opportunity with three products whose items exist in Intacct
    deal = sales_deal(sf_api, intacct_api)
    world.settle()
    # When the user presses Create Sales Order
    answer = press(world, deal.opportunity_id)
    assert answer.status_code == 202, answer.text
    world.settle()
    # Then the opportunity shows the Intacct document and a Created status
    opportunity = sf_api.get("Opportunity", deal.opportunity_id)
    assert opportunity["Intacct_Transaction_Status__c"] == "Created"
    assert opportunity["Intacct_Transaction_Error__c"] is None
    assert opportunity["Intacct_Transaction_Number__c"] == "Sales Order-SO0001"
    # And Intacct holds one sales order for the account's customer, with matching lines
    [order] = documents(world)
    assert (order["DOCPARID"], order["CUSTVENDID"], order["WHENCREATED"]) == (
        "Sales Order",
        deal.account_id,
        date(2026, 1, 15),
    )
    assert order["PONUMBER"].startswith(deal.opportunity_id)
    assert order["BILLTO.CONTACTNAME"] is not None
    lines = sorted(
        (r for r in world.intacct.records("SODOCUMENTENTRY") if r["DOCHDRNO"] == order["RECORDNO"]),
        key=lambda r: r["LINE_NO"],
    )
    assert [(r["ITEMID"], r["QUANTITY"], r["PRICE"]) for r in lines] == [
        (code, quantity, price) for _, code, price, quantity in PRODUCTS
    ]
    assert order["TOTAL"] == Decimal("14800.00")


def test_the_same_request_twice_and_a_duplicated_message_make_one_document(
    world, sf_api, intacct_api
):
    # Given a won opportunity
    deal = sales_deal(sf_api, intacct_api)
    world.settle()
    # When the same signed request is delivered twice, and the queue repeats its message
    moment = int(time.time())
    assert press(world, deal.opportunity_id, timestamp=moment).status_code == 202
    assert press(world, deal.opportunity_id, timestamp=moment).status_code == 202
    world.settle()
    # Then Intacct holds one document
    assert len(documents(world)) == 1


def test_the_same_request_again_after_its_outcome_was_shown_makes_no_second_document(
    world, sf_api, intacct_api
):
    # Given a won opportunity, pressed once and done (its outcome written on it)
    deal = sales_deal(sf_api, intacct_api)
    world.settle()
    moment = int(time.time())
    assert press(world, deal.opportunity_id, timestamp=moment).status_code == 202
    world.settle()
    assert len(documents(world)) == 1
    # When the same signed request arrives again, the opportunity having changed since
    assert press(world, deal.opportunity_id, timestamp=moment).status_code == 202
    world.settle()
    # Then it is the same press: still one document
    assert len(documents(world)) == 1
    # And a second press of the button (a new request) makes a second one, as by default
    assert press(world, deal.opportunity_id, timestamp=moment + 1).status_code == 202
    world.settle()
    assert len(documents(world)) == 2


def test_a_lost_answer_from_intacct_still_makes_one_document(world, sf_api, intacct_api):
    # Given a won opportunity, and Intacct's answer to the create lost on the way back
    deal = sales_deal(sf_api, intacct_api)
    world.settle()
    world.intacct.faults.add(
        FaultRule(match="create_sotransaction SODOCUMENT", kind="lose_response")
    )
    # When the user presses Create Sales Order
    press(world, deal.opportunity_id)
    world.settle()
    # Then the answer was lost (the fault fired), one document exists and the opportunity
    # shows it
    assert world.intacct.faults.clear() == 0
    [order] = documents(world)
    opportunity = sf_api.get("Opportunity", deal.opportunity_id)
    assert opportunity["Intacct_Transaction_Status__c"] == "Created"
    assert opportunity["Intacct_Transaction_Number__c"] == order["DOCID"]


def test_each_press_of_a_changed_opportunity_makes_a_new_document(world, sf_api, intacct_api):
    # Given an opportunity that already produced a sales order
    deal = sales_deal(sf_api, intacct_api)
    world.settle()
    moment = int(time.time())
    press(world, deal.opportunity_id, timestamp=moment)
    world.settle()
    # When the user presses again (a new signed request)
    press(world, deal.opportunity_id, timestamp=moment + 1)
    world.settle()
    # Then there are two documents, and the opportunity shows the latest
    assert sorted(d["DOCID"] for d in documents(world)) == [
        "Sales Order-SO0001",
        "Sales Order-SO0002",
    ]
    opportunity = sf_api.get("Opportunity", deal.opportunity_id)
    assert opportunity["Intacct_Transaction_Number__c"] == "Sales Order-SO0002"


def lines_of(world, order: dict) -> list[dict]:
    return sorted(
        (r for r in world.intacct.records("SODOCUMENTENTRY") if r["DOCHDRNO"] == order["RECORDNO"]),
        key=lambda r: r["LINE_NO"],
    )


def test_one_per_opportunity_updates_the_open_transaction_on_a_second_press(
    world, sf_api, intacct_api
):
    # Given a connection allowing one transaction per opportunity, and one already made
    configure(world, one_per_opportunity=True)
    deal = sales_deal(sf_api, intacct_api)
    world.settle()
    moment = int(time.time())
    press(world, deal.opportunity_id, timestamp=moment)
    world.settle()
    # When the rep changes a quantity, adds a product, and presses again (twice over)
    sf_api.update("OpportunityLineItem", deal.line_ids[0], Quantity=12)
    [extra] = sales_deal(
        sf_api,
        intacct_api,
        account_name="Other",
        products=(("Training", "TRAIN", Decimal("150.00"), Decimal(2)),),
    ).line_ids
    entry = sf_api.get("OpportunityLineItem", extra)["PricebookEntryId"]
    sf_api.create(
        "OpportunityLineItem",
        OpportunityId=deal.opportunity_id,
        PricebookEntryId=entry,
        Quantity=Decimal(2),
        UnitPrice=Decimal("150.00"),
    )
    world.settle()
    before = len(documents(world))
    assert press(world, deal.opportunity_id, timestamp=moment + 1).status_code == 202
    assert press(world, deal.opportunity_id, timestamp=moment + 1).status_code == 202
    world.settle()
    # Then the opportunity's order is updated in place: no new document, its lines follow
    mine = [d for d in documents(world) if d["PONUMBER"].startswith(deal.opportunity_id)]
    assert len(documents(world)) == before
    assert len(mine) == 1
    [order] = mine
    assert [(r["ITEMID"], r["QUANTITY"]) for r in lines_of(world, order)] == [
        ("PLAT-LIC", Decimal(12)),
        ("SUP-PREM", Decimal(1)),
        ("ONBOARD", Decimal(1)),
        ("TRAIN", Decimal(2)),
    ]
    assert order["TOTAL"] == Decimal("17500.00")
    # And the opportunity shows it was updated, with the same document number
    opportunity = sf_api.get("Opportunity", deal.opportunity_id)
    assert opportunity["Intacct_Transaction_Status__c"] == "Updated"
    assert opportunity["Intacct_Transaction_Number__c"] == order["DOCID"]
    assert world.dead_letters("transactions") == []


def test_one_per_opportunity_refuses_a_press_once_finance_converted_the_order(
    world, sf_api, intacct_api
):
    # Given one transaction per opportunity, and the order finance converted to an invoice
    configure(world, one_per_opportunity=True)
    deal = sales_deal(sf_api, intacct_api)
    world.settle()
    moment = int(time.time())
    press(world, deal.opportunity_id, timestamp=moment)
    world.settle()
    world.intacct.convert("Sales Order-SO0001", "Sales Invoice", date(2026, 1, 20))
    # When the user presses again
    assert press(world, deal.opportunity_id, timestamp=moment + 1).status_code == 202
    world.settle()
    # Then nothing changes in Intacct, and the opportunity says why
    order = world.intacct.get("SODOCUMENT", "Sales Order-SO0001")
    assert order["STATE"] == "Converted"
    assert [r["QUANTITY"] for r in lines_of(world, order)] == [q for *_, q in PRODUCTS]
    opportunity = sf_api.get("Opportunity", deal.opportunity_id)
    assert opportunity["Intacct_Transaction_Status__c"] == "Refused"
    reason = opportunity["Intacct_Transaction_Error__c"]
    assert "already has Intacct transaction Sales Order-SO0001" in reason
    assert "converted" in reason
    assert world.dead_letters("transactions") == []


def test_one_per_opportunity_refuses_an_update_that_would_drop_a_line(world, sf_api, intacct_api):
    # Given one transaction per opportunity, made from three products
    configure(world, one_per_opportunity=True)
    deal = sales_deal(sf_api, intacct_api)
    world.settle()
    moment = int(time.time())
    press(world, deal.opportunity_id, timestamp=moment)
    world.settle()
    # When the rep removes a product and presses again
    sf_api.client.request("DELETE", f"/sobjects/OpportunityLineItem/{deal.line_ids[2]}")
    press(world, deal.opportunity_id, timestamp=moment + 1)
    world.settle()
    # Then the order keeps its lines and the opportunity says what to do
    [order] = documents(world)
    assert len(lines_of(world, order)) == 3
    opportunity = sf_api.get("Opportunity", deal.opportunity_id)
    assert opportunity["Intacct_Transaction_Status__c"] == "Refused"
    assert "remove the extra lines in Intacct" in opportunity["Intacct_Transaction_Error__c"]


def test_a_lost_answer_to_an_update_still_updates_once(world, sf_api, intacct_api):
    # Given one transaction per opportunity, made, and a quantity changed since
    configure(world, one_per_opportunity=True)
    deal = sales_deal(sf_api, intacct_api)
    world.settle()
    moment = int(time.time())
    press(world, deal.opportunity_id, timestamp=moment)
    world.settle()
    sf_api.update("OpportunityLineItem", deal.line_ids[1], Quantity=3)
    # When Intacct runs the update but its answer is lost
    world.intacct.faults.add(
        FaultRule(match="update_sotransaction SODOCUMENT", kind="lose_response")
    )
    press(world, deal.opportunity_id, timestamp=moment + 1)
    world.settle()
    # Then the answer was lost, the order is updated once and the opportunity shows it
    assert world.intacct.faults.clear() == 0
    [order] = documents(world)
    assert [r["QUANTITY"] for r in lines_of(world, order)] == [
        Decimal(10),
        Decimal(3),
        Decimal(1),
    ]
    assert sf_api.get("Opportunity", deal.opportunity_id)["Intacct_Transaction_Status__c"] == (
        "Updated"
    )


def test_the_connection_chooses_the_intacct_transaction_definition(world, sf_api, intacct_api):
    # Given a connection that creates Sales Invoices straight away
    configure(world, document_type="Sales Invoice")
    deal = sales_deal(sf_api, intacct_api)
    world.settle()
    # When the user presses Create Sales Order
    press(world, deal.opportunity_id)
    world.settle()
    # Then Intacct holds a sales invoice and its AR invoice, due for the whole amount
    [invoice] = documents(world)
    assert invoice["DOCID"] == "Sales Invoice-SI0001"
    ar = world.intacct.get("ARINVOICE", invoice["PRRECORDKEY"])
    assert (ar["CUSTOMERID"], ar["TOTALDUE"]) == (deal.account_id, Decimal("14800.00"))


def test_the_door_refuses_what_cannot_produce_a_transaction(world, sf_api, intacct_api):
    # Given an open opportunity, one of another record type, and an id nobody has
    open_deal = sales_deal(sf_api, intacct_api, won=False)
    contract_deal = sales_deal(sf_api, intacct_api, account_name="Initech", record_type="Contract")
    # When the user presses Create Sales Order on each
    not_won = press(world, open_deal.opportunity_id)
    wrong_type = press(world, contract_deal.opportunity_id)
    missing = press(world, "006000000000000AAA")
    # Then each is refused at once with the reason, and nothing reaches Intacct
    assert (not_won.status_code, wrong_type.status_code, missing.status_code) == (409, 409, 404)
    assert "only won opportunities" in not_won.json()["error"]
    assert "record type 'Contract'" in wrong_type.json()["error"]
    world.settle()
    assert documents(world) == []


def test_an_open_opportunity_is_accepted_when_the_connection_allows_it(world, sf_api, intacct_api):
    configure(world, allow_open=True)
    deal = sales_deal(sf_api, intacct_api, won=False)
    assert press(world, deal.opportunity_id).status_code == 202
    world.settle()
    assert len(documents(world)) == 1


def test_a_product_without_an_item_is_refused_on_the_opportunity(world, sf_api, intacct_api):
    # Given a won opportunity whose products have no Intacct item
    deal = sales_deal(sf_api, None)
    world.settle()
    # When the user presses Create Sales Order
    press(world, deal.opportunity_id)
    world.settle()
    # Then the opportunity names the product, nothing is created and nothing dead-lettered
    opportunity = sf_api.get("Opportunity", deal.opportunity_id)
    assert opportunity["Intacct_Transaction_Status__c"] == "Refused"
    assert "product 'Platform licence'" in opportunity["Intacct_Transaction_Error__c"]
    assert documents(world) == []
    assert world.dead_letters("transactions") == []


def test_a_customer_intacct_rejects_is_refused_on_the_opportunity(world, sf_api, intacct_api):
    # Given a won opportunity whose account's Intacct customer finance made inactive
    deal = sales_deal(sf_api, intacct_api)
    world.settle()
    world.intacct.edit("CUSTOMER", deal.account_id, {"STATUS": "inactive"})
    # When the user presses Create Sales Order
    press(world, deal.opportunity_id)
    world.settle()
    # Then the opportunity shows Intacct's reason, and nothing is dead-lettered
    opportunity = sf_api.get("Opportunity", deal.opportunity_id)
    assert opportunity["Intacct_Transaction_Status__c"] == "Refused"
    assert f"Customer {deal.account_id} is inactive" in opportunity["Intacct_Transaction_Error__c"]
    assert documents(world) == []
    assert world.dead_letters("transactions") == []


def test_closed_won_creates_the_transaction_with_no_button(world, sf_api, intacct_api):
    # Given a connection creating invoices as soon as an opportunity is won
    configure(world, on_closed_won=True, document_type="Sales Invoice")
    world.runner.fire_schedule("trigger-workflows")  # the trigger starts watching
    # When a Sales Order opportunity with products reaches Closed Won
    deal = sales_deal(sf_api, intacct_api)
    world.settle()
    world.runner.fire_schedule("trigger-workflows")
    world.settle()
    # And the trigger runs again later (it sees our own status write too)
    world.runner.fire_schedule("trigger-workflows")
    world.settle()
    # Then exactly one Sales Invoice exists, shown on the opportunity
    [invoice] = documents(world)
    assert invoice["DOCID"] == "Sales Invoice-SI0001"
    opportunity = sf_api.get("Opportunity", deal.opportunity_id)
    assert opportunity["Intacct_Transaction_Number__c"] == "Sales Invoice-SI0001"


def test_closed_won_through_the_change_path_creates_one_transaction(world, sf_api, intacct_api):
    # Given a connection creating orders as soon as an opportunity is won (no schedule runs)
    configure(world, on_closed_won=True)
    # When a Sales Order opportunity reaches Closed Won: its outbound message is the change
    deal = sales_deal(sf_api, intacct_api)
    world.settle()
    world.settle()
    # Then exactly one Sales Order exists, shown on the opportunity
    [order] = documents(world)
    opportunity = sf_api.get("Opportunity", deal.opportunity_id)
    assert opportunity["Intacct_Transaction_Number__c"] == order["DOCID"]
    # And an edit of the won opportunity afterwards makes no second one
    sf_api.update("Opportunity", deal.opportunity_id, Description="follow-up call booked")
    world.settle()
    assert len(documents(world)) == 1


def test_without_on_closed_won_a_won_opportunity_waits_for_the_button(world, sf_api, intacct_api):
    world.runner.fire_schedule("trigger-workflows")
    sales_deal(sf_api, intacct_api)
    world.settle()
    world.runner.fire_schedule("trigger-workflows")
    world.settle()
    assert documents(world) == []


def test_a_line_discount_reaches_intacct(world, sf_api, intacct_api):
    # Given a won opportunity whose licence line has a 10% discount
    deal = sales_deal(sf_api, intacct_api, won=False)
    sf_api.update("OpportunityLineItem", deal.line_ids[0], Discount=10)
    line = sf_api.get("OpportunityLineItem", deal.line_ids[0])
    assert (line["Subtotal"], line["TotalPrice"]) == (Decimal("12000.00"), Decimal("10800.00"))
    sf_api.update("Opportunity", deal.opportunity_id, StageName="Closed Won")
    world.settle()
    # When the user presses Create Sales Order
    press(world, deal.opportunity_id)
    world.settle()
    # Then the Intacct line carries the discount and the document the discounted total
    [order] = documents(world)
    [licence] = [
        r
        for r in world.intacct.records("SODOCUMENTENTRY")
        if r["DOCHDRNO"] == order["RECORDNO"] and r["ITEMID"] == "PLAT-LIC"
    ]
    assert (licence["DISCOUNTPERCENT"], licence["TOTAL"]) == (Decimal(10), Decimal("10800.00"))
    assert order["TOTAL"] == Decimal("13600.00")


def test_a_request_run_twice_makes_one_document(world, sf_api, intacct_api):
    from shared.models.events import RecordRef
    from shared.models.workflows import WorkflowRequest
    from shared.pairs.salesforce_intacct.sales_transactions import run_sales_transaction

    # Given a won opportunity, and one press's request as its queue message carries it
    deal = sales_deal(sf_api, intacct_api)
    world.settle()
    request = WorkflowRequest(
        workflow="transactions",
        connection_id=world.creds.connection_id,
        subject=RecordRef(system="salesforce", object="Opportunity", record_id=deal.opportunity_id),
        params={"press": "one-press"},
    )
    context = world.runtime.context(world.connection)
    # When the message is delivered again after the first run (a redelivery past the queue's
    # deduplication window)
    first = run_sales_transaction(context, request)
    second = run_sales_transaction(context, request)
    # Then both runs answer the same document, and Intacct holds one
    assert first.target == second.target
    assert len(documents(world)) == 1
