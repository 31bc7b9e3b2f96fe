"""The org's sObjects, declared as data.

Standard objects follow the SOAP API Object Reference (Account, Contact, Product2,
Pricebook2, PricebookEntry, RecordType, Opportunity, OpportunityLineItem, Contract, User,
Organization): field names, types, lengths and which fields are read-only. Custom fields and
objects are the ones ledgerlink's package installs. To add an object (Quote, Order,
Project...), declare it here with :func:`sobject` and, if it has platform behaviour, give it
rules in :mod:`rules`.
"""

from __future__ import annotations

from typing import Any

from sandbox.emulators.salesforce.schema import FieldDef, FieldType, ObjectDef, Schema, words


def f(name: str, type_: FieldType = "string", **props: Any) -> FieldDef:
    return FieldDef(name, type_, **props)


def read_only(name: str, type_: FieldType = "string", **props: Any) -> FieldDef:
    return FieldDef(name, type_, createable=False, updateable=False, **props)


def ref(name: str, to: str, **props: Any) -> FieldDef:
    return FieldDef(name, "reference", reference_to=to, **props)


SYSTEM_FIELDS = (
    read_only("Id", "id", length=18, label="Record ID"),
    read_only("IsDeleted", "boolean", label="Deleted", default=False),
    read_only("CreatedDate", "datetime"),
    read_only("CreatedById", "reference", reference_to="User", relationship="CreatedBy"),
    read_only("LastModifiedDate", "datetime"),
    read_only("LastModifiedById", "reference", reference_to="User", relationship="LastModifiedBy"),
    read_only("SystemModstamp", "datetime", label="System Modstamp"),
)
OWNER = ref("OwnerId", "User", label="Owner ID", relationship="Owner")


def address(kind: str) -> tuple[FieldDef, ...]:
    return (
        f(f"{kind}Street", "textarea", length=255),
        f(f"{kind}City", length=40),
        f(f"{kind}State", length=80, label=f"{kind} State/Province"),
        f(f"{kind}PostalCode", length=20, label=f"{kind} Zip/Postal Code"),
        f(f"{kind}Country", length=80),
    )


def sobject(
    name: str, key_prefix: str, *fields: FieldDef, owned: bool = True, **props: Any
) -> ObjectDef:
    """An object with the audit fields every sObject has (and ``OwnerId`` when owned); its
    ``Id`` is labelled ``Account ID`` on standard objects, ``Record ID`` on custom ones."""
    custom = name.endswith("__c")
    id_label = "Record ID" if custom else f"{props.get('label') or words(name)} ID"
    record_id = read_only("Id", "id", length=18, label=id_label)
    all_fields = (record_id, *SYSTEM_FIELDS[1:]) + ((OWNER,) if owned else ()) + fields
    return ObjectDef(name, key_prefix, all_fields, custom=custom, **props)


OPPORTUNITY_STAGES = {
    "Prospecting": 10,
    "Qualification": 10,
    "Needs Analysis": 20,
    "Value Proposition": 50,
    "Id. Decision Makers": 60,
    "Perception Analysis": 70,
    "Proposal/Price Quote": 75,
    "Negotiation/Review": 90,
    "Closed Won": 100,
    "Closed Lost": 0,
}
CONTRACT_STATUSES = {
    "Draft": "Draft",
    "In Approval Process": "InApproval",
    "Activated": "Activated",
}

USER = sobject(
    "User",
    "005",
    f("Username", length=80, required=True, unique=True),
    f("Name", length=121, label="Full Name"),
    f("Email", "email", length=128),
    f("IsActive", "boolean", label="Active", default=True),
    owned=False,
)
ORGANIZATION = sobject(
    "Organization",
    "00D",
    read_only("Name", length=80),
    read_only("OrganizationType", length=40, label="Edition"),
    read_only("IsSandbox", "boolean", default=False),
    owned=False,
    createable=False,
    updateable=False,
    deletable=False,
)
ACCOUNT = sobject(
    "Account",
    "001",
    f("Name", required=True, label="Account Name"),
    f("AccountNumber", length=40),
    f("Phone", "phone", length=40, label="Account Phone"),
    f("Fax", "phone", length=40, label="Account Fax"),
    f("Website", "url"),
    f(
        "Industry",
        "picklist",
        length=255,
        picklist=(
            "Agriculture",
            "Banking",
            "Consulting",
            "Education",
            "Manufacturing",
            "Retail",
            "Technology",
            "Other",
        ),
    ),
    f(
        "Type",
        "picklist",
        label="Account Type",
        picklist=("Prospect", "Customer - Direct", "Customer - Channel", "Partner", "Other"),
    ),
    f("Description", "textarea", length=32000, label="Account Description"),
    *address("Billing"),
    *address("Shipping"),
    f("Intacct_Customer_ID__c", length=20, external_id=True, unique=True),
    f("Intacct_Sync_Status__c"),
    # picked from Intacct's mirrored territories (list_objects): the customer's TERRITORYID
    ref(
        "Territory__c",
        "Intacct_Territory__c",
        label="Intacct Territory",
        child_relationship="Accounts__r",
    ),
    # What finance knows: the customer's AR summary, recomputed daily from Intacct
    f("Intacct_AR_Balance__c", "currency", precision=16, scale=2, label="Intacct AR Balance"),
    f("Intacct_AR_Overdue__c", "currency", precision=16, scale=2, label="Intacct AR Overdue"),
    f("Intacct_Oldest_Unpaid_Days__c", "double", precision=6, scale=0),
    f("Intacct_AR_As_Of__c", "date", label="Intacct AR As Of"),
)
CONTACT = sobject(
    "Contact",
    "003",
    ref("AccountId", "Account", on_delete="cascade", child_relationship="Contacts"),
    f("FirstName", length=40),
    f("LastName", length=80, required=True),
    read_only("Name", length=121, label="Full Name", calculated=True),
    f("Salutation", "picklist", length=40, picklist=("Mr.", "Ms.", "Mrs.", "Dr.", "Prof.")),
    f("Title", length=128),
    f("Email", "email", length=80),
    f("Phone", "phone", length=40, label="Business Phone"),
    f("MobilePhone", "phone", length=40, label="Mobile Phone"),
    *address("Mailing"),
    f("Intacct_Contact_Name__c", length=200, external_id=True, unique=True),
)
PRODUCT = sobject(
    "Product2",
    "01t",
    f("Name", required=True, label="Product Name"),
    f("ProductCode"),
    f("Description", "textarea", length=4000, label="Product Description"),
    f(
        "Family",
        "picklist",
        label="Product Family",
        picklist=("None", "Hardware", "Software", "Services", "Subscription"),
    ),
    f("IsActive", "boolean", label="Active", default=False),
    f(
        "QuantityUnitOfMeasure",
        "picklist",
        label="Quantity Unit Of Measure",
        picklist=("Each", "Hours", "Months", "Users"),
    ),
    f("Intacct_Item_ID__c", length=30, external_id=True, unique=True),
    owned=False,
    label="Product",
)
PRICEBOOK = sobject(
    "Pricebook2",
    "01s",
    f("Name", required=True, label="Price Book Name"),
    f("IsActive", "boolean", label="Active", default=False),
    read_only("IsStandard", "boolean", label="Is Standard Price Book", default=False),
    f("Description"),
    f("Intacct_Price_List_ID__c", length=100, external_id=True, unique=True),
    owned=False,
    label="Price Book",
)
PRICEBOOK_ENTRY = sobject(
    "PricebookEntry",
    "01u",
    ref(
        "Pricebook2Id",
        "Pricebook2",
        required=True,
        updateable=False,
        on_delete="cascade",
        label="Price Book ID",
        child_relationship="PricebookEntries",
    ),
    ref(
        "Product2Id",
        "Product2",
        required=True,
        updateable=False,
        on_delete="cascade",
        label="Product ID",
        child_relationship="PricebookEntries",
    ),
    f("UnitPrice", "currency", required=True, label="List Price"),
    f("IsActive", "boolean", label="Active", default=False),
    f("UseStandardPrice", "boolean", label="Use Standard Price", default=False),
    read_only("Name", label="Product Name", calculated=True),
    read_only("ProductCode", calculated=True),
    owned=False,
    label="Price Book Entry",
)
RECORD_TYPE = sobject(
    "RecordType",
    "012",
    f("Name", length=80, required=True, label="Record Type Name"),
    f("DeveloperName", length=80, required=True, label="Record Type Name (API)"),
    f("SobjectType", "picklist", length=40, required=True),
    f("Description"),
    f("IsActive", "boolean", label="Active", default=True),
    owned=False,
    label="Record Type",
)
OPPORTUNITY = sobject(
    "Opportunity",
    "006",
    ref("AccountId", "Account", on_delete="cascade", child_relationship="Opportunities"),
    f("Name", length=120, required=True, label="Name"),
    f(
        "StageName",
        "picklist",
        length=255,
        required=True,
        restricted=True,
        picklist=tuple(OPPORTUNITY_STAGES),
        label="Stage",
    ),
    f("CloseDate", "date", required=True, label="Close Date"),
    f("Amount", "currency"),
    f("Probability", "percent", precision=3, scale=0, label="Probability (%)"),
    read_only("IsWon", "boolean", label="Won", default=False),
    read_only("IsClosed", "boolean", label="Closed", default=False),
    ref("RecordTypeId", "RecordType"),
    ref(
        "Pricebook2Id",
        "Pricebook2",
        on_delete="restrict",
        label="Price Book ID",
        child_relationship="Opportunities",
    ),
    ref("ContractId", "Contract"),
    f(
        "Type",
        "picklist",
        label="Opportunity Type",
        picklist=(
            "Existing Customer - Upgrade",
            "Existing Customer - Replacement",
            "Existing Customer - Downgrade",
            "New Customer",
        ),
    ),
    f("Description", "textarea", length=32000),
    # "Create Sales Order": the outcome of the latest press
    f("Intacct_Transaction_Status__c"),
    f("Intacct_Transaction_Error__c", "textarea", length=32768),
    f("Intacct_Transaction_Number__c", length=80, label="Intacct Transaction"),
    f("Intacct_Last_Transaction__c", "datetime"),
)
OPPORTUNITY_LINE_ITEM = sobject(
    "OpportunityLineItem",
    "00k",
    ref(
        "OpportunityId",
        "Opportunity",
        required=True,
        updateable=False,
        on_delete="cascade",
        child_relationship="OpportunityLineItems",
    ),
    ref(
        "PricebookEntryId",
        "PricebookEntry",
        updateable=False,
        on_delete="restrict",
        label="Price Book Entry ID",
        child_relationship="OpportunityLineItems",
    ),
    ref("Product2Id", "Product2", updateable=False, label="Product ID"),
    f("Quantity", "double", required=True, precision=12, scale=2),
    f("UnitPrice", "currency", label="Sales Price"),
    f("TotalPrice", "currency", label="Total Price"),
    f("Discount", "percent", precision=18, scale=2, label="Discount"),
    read_only("Subtotal", "currency", label="Subtotal", precision=18, scale=2),
    read_only("ListPrice", "currency", label="List Price", precision=18, scale=2),
    f("ServiceDate", "date", label="Date"),
    f("Description", label="Line Description"),
    read_only("Name", length=376, label="Opportunity Product Name", calculated=True),
    read_only("ProductCode", calculated=True),
    owned=False,
    label="Opportunity Product",
)
CONTRACT = sobject(
    "Contract",
    "800",
    ref(
        "AccountId",
        "Account",
        required=True,
        on_delete="cascade",
        child_relationship="Contracts",
    ),
    f(
        "Status",
        "picklist",
        length=40,
        required=True,
        restricted=True,
        picklist=tuple(CONTRACT_STATUSES),
    ),
    read_only(
        "StatusCode",
        "picklist",
        length=40,
        label="Status Category",
        picklist=("Draft", "InApproval", "Activated", "Terminated", "Expired"),
    ),
    f("StartDate", "date", label="Contract Start Date"),
    f("ContractTerm", "int", precision=4, label="Contract Term (months)"),
    read_only("EndDate", "date", label="Contract End Date", calculated=True),
    read_only("ContractNumber", length=30, label="Contract Number", auto_number=True),
    f("Description", "textarea", length=32000),
    read_only("ActivatedDate", "datetime", label="Activated Date"),
    read_only(
        "ActivatedById",
        "reference",
        reference_to="User",
        relationship="ActivatedBy",
        label="Activated By ID",
    ),
    f("Intacct_Contract_ID__c", length=50),
    f("Intacct_Sync_Status__c"),
    f("Intacct_Sync_Error__c", "textarea", length=32768),
    f("Intacct_Last_Sync__c", "datetime"),
    # Per-contract choices from Intacct's managed lists; empty = the connection's default.
    f(
        "Intacct_Billing_Frequency__c",
        "picklist",
        length=40,
        picklist=("Monthly", "Quarterly", "Annually"),
    ),
    f(
        "Intacct_Billing_Method__c",
        "picklist",
        length=40,
        picklist=("Fixed price", "Quantity based"),
    ),
    f("Intacct_Payment_Term__c", length=40),
    f("Intacct_Renewal_Template__c", length=100),
)
INTACCT_CONTRACT = sobject(
    "Intacct_Contract__c",
    "a01",
    f("Name", length=80, label="Intacct Contract Name"),
    ref("Contract__c", "Contract", label="Contract", child_relationship="Intacct_Contracts__r"),
    ref("Account__c", "Account", label="Account", child_relationship="Intacct_Contracts__r"),
    f("Intacct_Contract_ID__c", length=50, external_id=True, unique=True),
    f("State__c", length=40),
    f("Begin_Date__c", "date"),
    f("End_Date__c", "date"),
    f("Total_Value__c", "currency", precision=16, scale=2),
    f("Billing_Frequency__c", length=40),
    f("Currency__c", length=3),
    f("Last_Synced__c", "datetime"),
)
INTACCT_CONTRACT_LINE = sobject(
    "Intacct_Contract_Line__c",
    "a02",
    f("Name", length=80, label="Intacct Contract Line Name"),
    ref(
        "Intacct_Contract__c",
        "Intacct_Contract__c",
        label="Intacct Contract",
        child_relationship="Intacct_Contract_Lines__r",
    ),
    f("Intacct_Line_Key__c", length=50, external_id=True, unique=True),
    f("Item_ID__c", length=30),
    ref("Product__c", "Product2", label="Product", child_relationship="Intacct_Contract_Lines__r"),
    f("Quantity__c", "double", precision=16, scale=2),
    f("Price__c", "currency", precision=16, scale=2),
    f("Amount__c", "currency", precision=16, scale=2),
    f("Begin_Date__c", "date"),
    f("End_Date__c", "date"),
    f("Billing_Method__c", length=40),
    f("State__c", length=40),
)
INTACCT_CONTRACT_INVOICE = sobject(
    "Intacct_Contract_Invoice__c",
    "a03",
    f("Name", length=80, label="Intacct Contract Invoice Name"),
    ref(
        "Intacct_Contract__c",
        "Intacct_Contract__c",
        label="Intacct Contract",
        child_relationship="Intacct_Contract_Invoices__r",
    ),
    f("Intacct_Invoice_Key__c", length=50, external_id=True, unique=True),
    f("Invoice_Number__c", length=40),
    f("Invoice_Date__c", "date"),
    f("Due_Date__c", "date"),
    f("Total_Amount__c", "currency", precision=16, scale=2),
    f("Total_Due__c", "currency", precision=16, scale=2),
    f("State__c", length=40),
)


def sales_document(name: str, key_prefix: str, label: str, plural: str) -> ObjectDef:
    """A read-only mirror of Intacct sales documents of one kind (SODOCUMENT)."""
    return sobject(
        name,
        key_prefix,
        f("Name", length=80, label=f"{label} Name"),
        ref("Account__c", "Account", label="Account", child_relationship=f"{plural}__r"),
        ref(
            "Opportunity__c",
            "Opportunity",
            label="Opportunity",
            child_relationship=f"{plural}__r",
        ),
        f("Intacct_Document_ID__c", length=100, external_id=True, unique=True),
        f("Document_Type__c", length=80),
        f("Document_Number__c", length=40),
        f("Document_Date__c", "date"),
        f("Due_Date__c", "date"),
        f("State__c", length=40),
        f("Currency__c", length=3),
        f("Total__c", "currency", precision=16, scale=2),
        f("Reference_Number__c", length=80),
        f("Created_From__c", length=100),
        f("Message__c", "textarea", length=4000),
        # a document finance converted to a recurring schedule: the schedule
        f("Recurring_Schedule__c", length=255),
        f("Next_Invoice_Date__c", "date"),
        f("Invoices_Generated__c", "double", precision=6, scale=0),
        f("Last_Synced__c", "datetime"),
        label=label,
    )


INTACCT_SALES_QUOTE = sales_document("Intacct_Sales_Quote__c", "a1A", "Sales Quote", "Sales_Quotes")
INTACCT_SALES_ORDER = sales_document("Intacct_Sales_Order__c", "a1B", "Sales Order", "Sales_Orders")
INTACCT_SALES_INVOICE = sales_document(
    "Intacct_Sales_Invoice__c", "a1C", "Sales Invoice", "Sales_Invoices"
)
INTACCT_OTHER_SALES_DOCUMENT = sales_document(
    "Intacct_Other_Sales_Document__c", "a1D", "Other Sales Document", "Other_Sales_Documents"
)
INTACCT_SALES_DOCUMENT_LINE = sobject(
    "Intacct_Sales_Document_Line__c",
    "a1E",
    f("Name", length=80, label="Sales Document Line Name"),
    f("Intacct_Line_Key__c", length=50, external_id=True, unique=True),
    f("Document_ID__c", length=100),
    ref("Sales_Quote__c", "Intacct_Sales_Quote__c", child_relationship="Lines__r"),
    ref("Sales_Order__c", "Intacct_Sales_Order__c", child_relationship="Lines__r"),
    ref("Sales_Invoice__c", "Intacct_Sales_Invoice__c", child_relationship="Lines__r"),
    ref(
        "Other_Sales_Document__c",
        "Intacct_Other_Sales_Document__c",
        child_relationship="Lines__r",
    ),
    f("Line_Number__c", "double", precision=6, scale=0),
    f("Item_ID__c", length=30),
    f("Description__c", length=255),
    f("Quantity__c", "double", precision=16, scale=4),
    f("Price__c", "currency", precision=16, scale=2),
    f("Amount__c", "currency", precision=16, scale=2),
)
INTACCT_AR_INVOICE = sobject(
    "Intacct_AR_Invoice__c",
    "a1F",
    f("Name", length=80, label="AR Invoice Name"),
    f("Intacct_Invoice_Key__c", length=50, external_id=True, unique=True),
    ref("Account__c", "Account", label="Account", child_relationship="Intacct_AR_Invoices__r"),
    f("Invoice_Number__c", length=100),
    f("Invoice_Date__c", "date"),
    f("Due_Date__c", "date"),
    f("Total_Amount__c", "currency", precision=16, scale=2),
    f("Amount_Paid__c", "currency", precision=16, scale=2),
    f("Amount_Due__c", "currency", precision=16, scale=2),
    f(
        "Status__c",
        "picklist",
        length=40,
        picklist=("Open", "Partially paid", "Paid", "Overdue"),
    ),
    f("Days_Overdue__c", "double", precision=6, scale=0),
    f("Last_Synced__c", "datetime"),
)
INTACCT_AR_PAYMENT = sobject(
    "Intacct_AR_Payment__c",
    "a1G",
    f("Name", length=80, label="AR Payment Name"),
    f("Intacct_Payment_Key__c", length=50, external_id=True, unique=True),
    ref("Account__c", "Account", label="Account", child_relationship="Intacct_AR_Payments__r"),
    f("Payment_Date__c", "date"),
    f("Amount__c", "currency", precision=16, scale=2),
    f("Payment_Method__c", length=40),
    f("State__c", length=40),
    f("Applied_To__c", length=255),
)

SCHEMA_OBJECTS = (
    ORGANIZATION,
    USER,
    ACCOUNT,
    CONTACT,
    PRODUCT,
    PRICEBOOK,
    PRICEBOOK_ENTRY,
    RECORD_TYPE,
    OPPORTUNITY,
    OPPORTUNITY_LINE_ITEM,
    CONTRACT,
    INTACCT_CONTRACT,
    INTACCT_CONTRACT_LINE,
    INTACCT_CONTRACT_INVOICE,
    INTACCT_SALES_QUOTE,
    INTACCT_SALES_ORDER,
    INTACCT_SALES_INVOICE,
    INTACCT_OTHER_SALES_DOCUMENT,
    INTACCT_SALES_DOCUMENT_LINE,
    INTACCT_AR_INVOICE,
    INTACCT_AR_PAYMENT,
)

# -- multi-currency orgs (SOAP API Object Reference, "CurrencyType"; Salesforce Help,
# "Multiple Currencies"): currency-aware objects gain CurrencyIsoCode, and CurrencyType
# lists the org's currencies. The IsoCode picklist holds common ISO 4217 codes, not all.
ISO_4217 = (
    "AED", "ARS", "AUD", "BRL", "CAD", "CHF", "CLP", "CNY", "COP", "CZK", "DKK", "EGP",
    "EUR", "GBP", "HKD", "HUF", "IDR", "ILS", "INR", "JPY", "KRW", "MXN", "MYR", "NGN",
    "NOK", "NZD", "PHP", "PLN", "RON", "RUB", "SAR", "SEK", "SGD", "THB", "TRY", "TWD",
    "UAH", "USD", "VND", "ZAR",
)  # fmt: skip
CURRENCY_AWARE = frozenset(
    {
        "User",
        "Account",
        "Contact",
        "Product2",
        "PricebookEntry",
        "Opportunity",
        "OpportunityLineItem",
        "Contract",
    }
)
CURRENCY_TYPE = sobject(
    "CurrencyType",
    "01L",
    f(
        "IsoCode",
        "picklist",
        length=3,
        required=True,
        unique=True,
        restricted=True,
        updateable=False,
        picklist=ISO_4217,
        label="Currency ISO Code",
    ),
    f("ConversionRate", "double", precision=18, scale=6, required=True, label="Conversion Rate"),
    f("DecimalPlaces", "int", precision=2, required=True, label="Decimal Places"),
    f("IsActive", "boolean", label="Active", default=False),
    read_only("IsCorporate", "boolean", label="Corporate Currency", default=False),
    owned=False,
    deletable=False,
)


def currency_field(name: str, label: str, *, createable: bool, updateable: bool) -> FieldDef:
    """A currency picklist: its values are the org's active currencies."""
    return FieldDef(
        name,
        "picklist",
        length=3,
        label=label,
        restricted=True,
        currency_field=True,
        createable=createable,
        updateable=updateable,
    )


def with_currency(obj: ObjectDef) -> ObjectDef:
    """``obj`` in a multi-currency org: with ``CurrencyIsoCode`` (a line item's follows its
    opportunity; a price book entry's is fixed once created)."""
    extra = [
        currency_field(
            "CurrencyIsoCode",
            "Currency ISO Code" if obj.custom else f"{obj.label} Currency",
            createable=obj.name != "OpportunityLineItem",
            updateable=obj.name not in {"OpportunityLineItem", "PricebookEntry"},
        )
    ]
    if obj.name == "User":
        extra.append(
            currency_field(
                "DefaultCurrencyIsoCode", "User Currency", createable=True, updateable=True
            )
        )
    return ObjectDef(
        obj.name,
        obj.key_prefix,
        obj.fields + tuple(extra),
        label=obj.label,
        label_plural=obj.label_plural,
        custom=obj.custom,
        createable=obj.createable,
        updateable=obj.updateable,
        deletable=obj.deletable,
    )


def default_schema(*, multi_currency: bool = False) -> Schema:
    """The org's objects; a multi-currency org adds CurrencyIsoCode and CurrencyType."""
    from sandbox.emulators.salesforce import list_objects  # these use the helpers above
    from sandbox.emulators.salesforce import project_objects as projects

    declared = (
        *map(projects.with_added_fields, SCHEMA_OBJECTS),
        *projects.PROJECT_OBJECTS,
        *list_objects.LIST_OBJECTS,
    )
    if not multi_currency:
        return Schema(declared)
    objects = [with_currency(o) if o.name in CURRENCY_AWARE or o.custom else o for o in declared]
    return Schema((*objects, CURRENCY_TYPE))
