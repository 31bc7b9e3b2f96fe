"""`make demo`: the whole story in the sandbox over real HTTP, printed as it happens.

Everything a person does goes through the systems' real APIs (Salesforce REST as a sales
rep, the Intacct XML gateway as an accountant, the signed action endpoint as the "Sync to
Intacct" button); ledgerlink works in the background exactly as deployed: outbound messages
to the API, SQS FIFO queues, scheduled polling.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from sandbox.emulators.salesforce import build_outbound_envelope
from sandbox.provisioning import webhook_url
from sandbox.served import ServedWorld
from sandbox.stories import PRODUCTS, contract_deal, press_button, sales_deal
from sandbox.users import IntacctUser, SalesforceUser
from sandbox.world import World
from shared.connectors.salesforce import soql

T = TypeVar("T")


class DemoFailedError(Exception):
    pass


def wait_for(what: str, probe: Callable[[], T | None], timeout_s: float = 30.0) -> T:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.2)
    raise DemoFailedError(f"timed out waiting for {what}")


def quiet(world: World, seconds: float = 5.0) -> None:
    """Let queues, polls and outbound deliveries run until nothing is left to do."""
    time.sleep(seconds)


def field(ia: IntacctUser, obj: str, key: str, name: str) -> object:
    record = ia.get(obj, key, name)
    return record.get(name) if record else None


def at_least(rows: list[dict[str, Any]], n: int) -> list[dict[str, Any]] | None:
    return rows if len(rows) >= n else None


def check(label: str, ok: bool) -> None:
    print(f"   {'✔' if ok else '✘'} {label}")
    if not ok:
        raise DemoFailedError(label)


def step(title: str) -> None:
    print(f"\n▶ {title}")


def run_demo() -> int:
    print("Starting the local world (moto, Salesforce and Intacct emulators, API, runner)...")
    served = ServedWorld()
    world = served.start()
    try:
        _story(world)
    except DemoFailedError as exc:
        print(f"\nDEMO FAILED: {exc}")
        return 1
    finally:
        served.stop()
    print("\nThe whole story ran. Try it yourself with `make sandbox`.")
    return 0


def _story(world: World) -> None:
    sf, ia = SalesforceUser(world), IntacctUser(world)
    print(f"   API {world.urls.api}  Salesforce {world.urls.salesforce}")
    print(f"   Intacct {world.intacct.endpoint_url}")

    step("1. A sales rep creates an account with two contacts in Salesforce")
    account = sf.create(
        "Account",
        Name="Acme Corporation",
        Phone="+1 415 555 0100",
        BillingCity="San Francisco",
        BillingCountry="United States",
    )
    for first, last in (("Ana", "Rivera"), ("Ben", "Okafor")):
        sf.create(
            "Contact",
            FirstName=first,
            LastName=last,
            AccountId=account,
            Email=f"{first.lower()}@acme.example",
        )
    customer = wait_for(
        "the Intacct customer",
        lambda: ia.get(
            "CUSTOMER", account, "NAME", "DISPLAYCONTACT.PHONE1", "DISPLAYCONTACT.MAILADDRESS.CITY"
        ),
    )
    print(
        f"   Intacct CUSTOMER {account}: {customer['NAME']}, {customer['DISPLAYCONTACT.PHONE1']}, "
        f"{customer['DISPLAYCONTACT.MAILADDRESS.CITY']}"
    )
    contacts = wait_for(
        "both Intacct contacts",
        lambda: (
            [c for c in world.intacct.records("CONTACT") if c["COMPANYNAME"] == "Acme Corporation"]
            if len(world.intacct.records("CONTACT")) >= 2
            else None
        ),
    )
    for c in contacts:
        print(f"   Intacct CONTACT {c['CONTACTNAME']}: {c['EMAIL1']}")
    stamped = wait_for(
        "the Intacct id on the account",
        lambda: sf.get("Account", account).get("Intacct_Customer_ID__c"),
    )
    check("the Salesforce account shows its Intacct customer id", stamped == account)

    step("2. The account is renamed in Salesforce: exactly one write reaches Intacct, no echo")
    quiet(world)
    world.intacct.calls.clear()
    sf.update("Account", account, Name="Acme Corp")
    world.salesforce.calls.clear()
    wait_for("the rename in Intacct", lambda: field(ia, "CUSTOMER", account, "NAME") == "Acme Corp")
    quiet(world)
    writes = [(c.op, c.target) for c in world.intacct.calls.writes()]
    echoed = len(world.salesforce.calls.writes())
    print(f"   Intacct writes: {writes}; Salesforce writes by ledgerlink: {echoed}")
    check("one edit, one Intacct write", writes == [("update", "CUSTOMER")])
    check(
        "the echo from Intacct's next poll was recognised (nothing written back)",
        world.salesforce.calls.writes() == [],
    )

    step("3. An accountant creates a customer in Intacct: it appears in Salesforce (polled)")
    ia.create(
        "CUSTOMER",
        CUSTOMERID="C-1001",
        NAME="Globex Industries",
        **{"DISPLAYCONTACT.PHONE1": "+44 20 7946 0000"},
    )
    rows = wait_for(
        "the Salesforce account",
        lambda: sf.query(
            "SELECT Id, Name, Phone FROM Account WHERE Intacct_Customer_ID__c = 'C-1001'"
        ),
    )
    print(f"   Salesforce Account {rows[0]['Id']}: {rows[0]['Name']}, {rows[0]['Phone']}")
    ia.update("CUSTOMER", "C-1001", **{"DISPLAYCONTACT.PHONE1": "+44 20 7946 0999"})
    wait_for(
        "the phone change in Salesforce",
        lambda: sf.get("Account", rows[0]["Id"])["Phone"] == "+44 20 7946 0999",
    )
    check("Intacct's edit reached Salesforce", True)

    step("4. The same outbound message twice, and out of order: still one customer")
    with world.salesforce.holding_outbound():
        sf.update("Account", account, Phone="+1 415 555 0199")
        sf.update("Account", account, Phone="+1 415 555 0123")
        pending = world.salesforce.take_outbound()
    bodies = [build_outbound_envelope(world.salesforce.org_id, n.action_id, [n]) for n in pending]
    url = webhook_url(world.urls.api, world.creds)
    for body in [*reversed(bodies), *bodies]:
        answer = world.http.post(url, content=body, headers={"Content-Type": "text/xml"})
        check(f"outbound message acknowledged ({answer.status_code})", answer.status_code == 200)
    phone = "DISPLAYCONTACT.PHONE1"
    wait_for(
        "the latest phone in Intacct",
        lambda: field(ia, "CUSTOMER", account, phone) == "+1 415 555 0123",
    )
    count = sum(1 for c in world.intacct.records("CUSTOMER") if c["CUSTOMERID"] == account)
    check(f"{count} customer for the account, with the latest phone", count == 1)

    step("5. Salesforce gives up on an outbound message: the next poll still syncs it")
    with world.salesforce.holding_outbound():
        lost = sf.create("Account", Name="Hooli")
        dropped = world.salesforce.take_outbound()
    print(f"   {len(dropped)} outbound message(s) for account {lost} never delivered")
    found = wait_for("the polled customer", lambda: ia.get("CUSTOMER", lost, "NAME"))
    check("Intacct has the customer anyway, from the Salesforce poll", found["NAME"] == "Hooli")

    step("6. Bad input gets a clear answer and loses nothing")
    wrong = world.http.post(
        url.replace(world.creds.webhook_token, "wrong-token"),
        content=bodies[0],
        headers={"Content-Type": "text/xml"},
    )
    print(f"   wrong token -> {wrong.status_code} {wrong.json()['error']}")
    check("wrong token refused with 403", wrong.status_code == 403)
    bad = world.http.post(url, content=b"<not-soap/>", headers={"Content-Type": "text/xml"})
    print(f"   malformed XML -> {bad.status_code} {bad.json()['error']}")
    check("malformed XML refused with 400", bad.status_code == 400)
    ia.create("CUSTOMER", CUSTOMERID="ACME-7", NAME="Someone Else Ltd")
    clash = sf.create("Account", Name="Clashing Corp", AccountNumber="ACME-7")
    dead = wait_for("the rejected record in the DLQ", lambda: world.dead_letters("changes"))
    reason = dead[0]["MessageAttributes"]["reason"]["StringValue"]
    print(f"   account {clash} (AccountNumber ACME-7, already an Intacct customer id) -> DLQ:")
    print(f"     {reason}")
    check("Intacct's error text is the DLQ reason", "already exists" in reason)
    other = ia.get("CUSTOMER", "ACME-7", "NAME")
    check(
        "the existing Intacct customer is untouched",
        (other or {}).get("NAME") == "Someone Else Ltd",
    )

    step("7. A Contract opportunity with three products -> activated contract -> Sync to Intacct")
    deal = contract_deal(sf, ia, account_name="Initech")
    answer = press_button(world, f"contracts/{deal.contract_id}/sync")
    print(f"   Sync to Intacct -> {answer.status_code} {answer.json()}")
    check("the button's request is accepted (202)", answer.status_code == 202)
    contract = wait_for(
        "the synced contract",
        lambda: (
            c
            if (c := sf.get("Contract", deal.contract_id)).get("Intacct_Sync_Status__c")
            not in (None, "Retrying")
            else None
        ),
    )
    print(
        f"   Salesforce contract: status {contract['Intacct_Sync_Status__c']!r}, "
        f"Intacct contract {contract['Intacct_Contract_ID__c']}"
        + (f", error {error}" if (error := contract.get("Intacct_Sync_Error__c")) else "")
    )
    check("synced", contract["Intacct_Sync_Status__c"] == "Synced")
    intacct_id = contract["Intacct_Contract_ID__c"]
    lines = [r for r in world.intacct.records("CONTRACTDETAIL") if r["CONTRACTID"] == intacct_id]
    for r in sorted(lines, key=lambda r: r["LINENO"]):
        print(
            f"   Intacct line {r['LINENO']}: {r['ITEMID']} x {r['QUANTITY']} @ {r['PRICE']} "
            f"from {r['BEGINDATE']:%m/%d/%Y}"
        )
    expected = sorted((code, q, p) for _, code, p, q in PRODUCTS)
    check(
        "three lines whose items, quantities and prices match",
        sorted((r["ITEMID"], r["QUANTITY"], r["PRICE"]) for r in lines) == expected,
    )

    step("8. Intacct runs a billing cycle: the contract invoices appear in Salesforce")
    invoices = world.intacct.run_billing(date(2026, 2, 15))
    print(f"   Intacct created invoices {invoices}")
    invoice_soql = (
        "SELECT Invoice_Number__c, Invoice_Date__c, Total_Amount__c, State__c "
        "FROM Intacct_Contract_Invoice__c ORDER BY Invoice_Date__c"
    )
    rows = wait_for("the invoices in Salesforce", lambda: at_least(sf.query(invoice_soql), 2))
    for r in rows:
        print(
            f"   Salesforce Intacct_Contract_Invoice__c {r['Invoice_Number__c']}: "
            f"{r['Invoice_Date__c']} {r['Total_Amount__c']} {r['State__c']}"
        )
    check("both invoices visible on the Salesforce side", len(rows) == 2)
    _sales_order_story(world, sf, ia)
    from sandbox.project_story import projects_story  # its helpers are this module's

    projects_story(world, deal.opportunity_id)
    _zoho_story(world)
    from sandbox.zoho_deal_story import zoho_deal_story  # its helpers are this module's

    zoho_deal_story(world)
    from sandbox.zoho_finance_story import zoho_finance_story  # its helpers are this module's

    zoho_finance_story(world)
    print(f"\n   metrics: {dict(sorted(world.metrics.counts.items()))}")


def _zoho_story(world: World) -> None:
    """The second connection: Zoho CRM <-> Zoho Books master data, both ways."""
    crm, books = world.zoho_crm, world.zoho_books
    step("18. Zoho CRM: an account and a product are created; Books gets a customer and an item")
    account = crm.insert("Accounts", {"Account_Name": "Zylker Traders", "Billing_City": "Austin"})
    product = crm.insert("Products", {"Product_Name": "Standing desk", "Unit_Price": "420.50"})
    customer = wait_for(
        "the Books customer",
        lambda: next((c for c in books.contacts() if c["contact_name"] == "Zylker Traders"), None),
    )
    item = wait_for(
        "the Books item",
        lambda: next((i for i in books.items() if i["name"] == "Standing desk"), None),
    )
    print(f"   Books contact {customer['contact_id']} ({customer['contact_type']})")
    print(f"   Books item {item['item_id']} at {item['rate']}")
    stamped = wait_for(
        "the Books id on the CRM account",
        lambda: (crm.get("Accounts", account) or {}).get("Zoho_Books_ID"),
    )
    check("the CRM account shows its Books contact id", stamped == customer["contact_id"])
    check("the item's rate is the product's price", str(item["rate"]) == "420.50")
    check(
        "the product is linked",
        bool(
            wait_for(
                "product id", lambda: (crm.get("Products", product) or {}).get("Zoho_Books_ID")
            )
        ),
    )
    _zoho_contacts_story(world, account, customer["contact_id"])

    step("19. Zoho Books: a vendor is made and an item repriced; the CRM follows")
    vendor = books.create("contacts", {"contact_name": "Parts Inc", "contact_type": "vendor"})
    books.edit("items", item["item_id"], {"rate": "399.00"})
    crm_vendor = wait_for(
        "the CRM vendor",
        lambda: next((v for v in crm.records("Vendors") if v["Zoho_Books_ID"] == vendor), None),
    )
    print(f"   CRM vendor {crm_vendor['id']}: {crm_vendor['Vendor_Name']}")
    repriced = wait_for(
        "the new price in the CRM",
        lambda: (
            p
            if str((p := crm.get("Products", product) or {}).get("Unit_Price")) == "399.00"
            else None
        ),
    )
    check("the CRM product has the Books price", str(repriced["Unit_Price"]) == "399.00")


def _zoho_contacts_story(world: World, account: str, customer_id: str) -> None:
    """The account's two contacts become the contact persons of its Books customer."""
    crm, books = world.zoho_crm, world.zoho_books
    step("18b. Zoho CRM: two contacts of the account; Books' customer gets two contact persons")
    for first, last in (("Ada", "Lovelace"), ("Alan", "Turing")):
        crm.insert(
            "Contacts",
            {"First_Name": first, "Last_Name": last, "Account_Name": {"id": account}},
        )
    persons = wait_for(
        "the two contact persons",
        lambda: next(
            (
                c["contact_persons"]
                for c in books.contacts()
                if c["contact_id"] == customer_id and len(c["contact_persons"]) == 2
            ),
            None,
        ),
    )
    print(f"   Books customer {customer_id}: " + ", ".join(p["last_name"] for p in persons))
    check(
        "each CRM contact shows <customer>/<person> as its Books id",
        wait_for(
            "the contacts' Books ids",
            lambda: (
                all(
                    str(c.get("Zoho_Books_ID") or "").startswith(f"{customer_id}/")
                    for c in crm.records("Contacts")
                )
                or None
            ),
        )
        is True,
    )


def _sales_order_story(world: World, sf: SalesforceUser, ia: IntacctUser) -> None:
    """The blog's story: closed-won opportunity -> Create Sales Order -> finance invoices it
    and records a partial payment -> the rep sees an unpaid customer before selling more."""
    step("9. A won Sales Order opportunity with three products -> Create Sales Order")
    closed = datetime.now(UTC).date() - timedelta(days=130)
    deal = sales_deal(sf, ia, account_name="Vandelay Industries", close=closed)
    answer = press_button(world, f"opportunities/{deal.opportunity_id}/sales-transaction")
    print(f"   Create Sales Order -> {answer.status_code} {answer.json()}")
    check("the button's request is accepted (202)", answer.status_code == 202)
    opportunity = wait_for(
        "the sales order",
        lambda: (
            o
            if (o := sf.get("Opportunity", deal.opportunity_id)).get(
                "Intacct_Transaction_Status__c"
            )
            not in (None, "Retrying")
            else None
        ),
    )
    docid = str(opportunity["Intacct_Transaction_Number__c"])
    print(
        f"   Salesforce opportunity: status {opportunity['Intacct_Transaction_Status__c']!r}, "
        f"Intacct transaction {docid}"
    )
    check("created", opportunity["Intacct_Transaction_Status__c"] == "Created")
    order = world.intacct.get("SODOCUMENT", docid) or {}
    lines = [
        r for r in world.intacct.records("SODOCUMENTENTRY") if r["DOCHDRNO"] == order["RECORDNO"]
    ]
    print(f"   Intacct {docid} for customer {order['CUSTVENDID']}, total {order['TOTAL']}")
    for r in sorted(lines, key=lambda r: r["LINE_NO"]):
        print(f"   Intacct line {r['LINE_NO'] + 1}: {r['ITEMID']} x {r['QUANTITY']} @ {r['PRICE']}")
    check("one sales order for the account's customer", order["CUSTVENDID"] == deal.account_id)
    expected = sorted((code, q, p) for _, code, p, q in PRODUCTS)
    check(
        "its lines' items, quantities and prices match the opportunity's products",
        sorted((r["ITEMID"], r["QUANTITY"], r["PRICE"]) for r in lines) == expected,
    )

    step("10. Finance converts the order to an invoice and records a partial payment")
    invoice_id = world.intacct.convert(docid, "Sales Invoice", closed)
    ar_key = int((world.intacct.get("SODOCUMENT", invoice_id) or {})["PRRECORDKEY"])
    world.intacct.apply_payment(ar_key, Decimal("4800.00"), closed + timedelta(days=20))
    print(f"   Intacct {invoice_id} (from {docid}), AR invoice {ar_key}, 4800.00 received")

    step("11. Before selling more, the rep sees what finance knows on the account")
    account = wait_for(
        "the account's AR summary",
        lambda: (
            a
            if (a := sf.get("Account", deal.account_id)).get("Intacct_AR_Balance__c") == 10000
            else None
        ),
    )
    print(
        f"   Account: AR balance {account['Intacct_AR_Balance__c']}, overdue "
        f"{account['Intacct_AR_Overdue__c']}, oldest unpaid "
        f"{account['Intacct_Oldest_Unpaid_Days__c']} days"
    )
    check("10000.00 still due", Decimal(str(account["Intacct_AR_Balance__c"])) == 10000)
    check("unpaid for 120+ days", (account["Intacct_Oldest_Unpaid_Days__c"] or 0) >= 120)
    invoice_soql = soql.select(
        "Intacct_AR_Invoice__c",
        ["Invoice_Number__c", "Amount_Due__c", "Status__c"],
        f"Account__c = {soql.quote(deal.account_id)}",
    )
    [ar] = wait_for("the AR invoice mirror", lambda: sf.query(invoice_soql))
    print(f"   AR invoice {ar['Invoice_Number__c']}: {ar['Amount_Due__c']} due, {ar['Status__c']}")
    check("the invoice mirror says it is overdue", ar["Status__c"] == "Overdue")
