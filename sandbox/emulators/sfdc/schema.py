"""The sObjects the emulator knows, declared as data (add objects here for later work).

Field types follow the describe API's names: id, string, textarea, picklist, reference,
boolean, currency, double, int, date, datetime, phone, url, email.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldDef:
    name: str
    type: str = "string"
    required: bool = False
    createable: bool = True
    updateable: bool = True
    external_id: bool = False
    unique: bool = False
    length: int = 255
    reference_to: str | None = None
    picklist: tuple[str, ...] = ()

    @property
    def relationship_name(self) -> str | None:
        if self.type != "reference":
            return None
        if self.name.endswith("__c"):
            return self.name[:-3] + "__r"
        return self.name[:-2] if self.name.endswith("Id") else None


@dataclass(frozen=True)
class ObjectDef:
    name: str
    prefix: str
    fields: tuple[FieldDef, ...]
    custom: bool = False
    fields_by_name: dict[str, FieldDef] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        self.fields_by_name.update({f.name.lower(): f for f in self.fields})

    def field(self, name: str) -> FieldDef | None:
        return self.fields_by_name.get(name.lower())

    def relationship(self, name: str) -> FieldDef | None:
        for f in self.fields:
            if f.relationship_name and f.relationship_name.lower() == name.lower():
                return f
        return None


def _ro(name: str, type_: str = "string", **kw: object) -> FieldDef:
    return FieldDef(name, type_, createable=False, updateable=False, **kw)  # type: ignore[arg-type]


SYSTEM = (
    _ro("Id", "id"),
    _ro("IsDeleted", "boolean"),
    _ro("CreatedDate", "datetime"),
    _ro("CreatedById", "reference", reference_to="User"),
    _ro("LastModifiedDate", "datetime"),
    _ro("LastModifiedById", "reference", reference_to="User"),
    _ro("SystemModstamp", "datetime"),
)


def _address(prefix: str) -> tuple[FieldDef, ...]:
    return tuple(
        FieldDef(f"{prefix}{part}", "textarea" if part == "Street" else "string")
        for part in ("Street", "City", "State", "PostalCode", "Country")
    )


def _obj(name: str, prefix: str, *fields: FieldDef, custom: bool = False) -> ObjectDef:
    return ObjectDef(name, prefix, SYSTEM + tuple(fields), custom=custom)


STAGES = (
    "Prospecting",
    "Qualification",
    "Needs Analysis",
    "Value Proposition",
    "Id. Decision Makers",
    "Perception Analysis",
    "Proposal/Price Quote",
    "Negotiation/Review",
    "Closed Won",
    "Closed Lost",
)

OBJECTS: dict[str, ObjectDef] = {
    o.name.lower(): o
    for o in (
        _obj(
            "User",
            "005",
            FieldDef("Username", required=True, unique=True),
            FieldDef("Name"),
            FieldDef("Email", "email"),
        ),
        _obj(
            "Account",
            "001",
            FieldDef("Name", required=True),
            FieldDef("AccountNumber", length=40),
            FieldDef("Phone", "phone", length=40),
            FieldDef("Fax", "phone", length=40),
            FieldDef("Website", "url"),
            FieldDef("Industry", "picklist"),
            FieldDef("Type", "picklist"),
            FieldDef("Description", "textarea", length=32000),
            *_address("Billing"),
            *_address("Shipping"),
            FieldDef("OwnerId", "reference", reference_to="User"),
            FieldDef("Intacct_Customer_ID__c", length=20, external_id=True, unique=True),
            FieldDef("Intacct_Sync_Status__c"),
        ),
        _obj(
            "Contact",
            "003",
            FieldDef("AccountId", "reference", reference_to="Account"),
            FieldDef("FirstName", length=40),
            FieldDef("LastName", required=True, length=80),
            FieldDef("Salutation", "picklist", length=40),
            FieldDef("Title", length=128),
            FieldDef("Email", "email", length=80),
            FieldDef("Phone", "phone", length=40),
            FieldDef("MobilePhone", "phone", length=40),
            *_address("Mailing"),
            FieldDef("Intacct_Contact_Name__c", length=200, external_id=True, unique=True),
        ),
        _obj(
            "Product2",
            "01t",
            FieldDef("Name", required=True),
            FieldDef("ProductCode"),
            FieldDef("Description", "textarea", length=4000),
            FieldDef("Family", "picklist"),
            FieldDef("IsActive", "boolean"),
            FieldDef("QuantityUnitOfMeasure", "picklist"),
            FieldDef("Intacct_Item_ID__c", length=30, external_id=True, unique=True),
        ),
        _obj(
            "Pricebook2",
            "01s",
            FieldDef("Name", required=True),
            FieldDef("IsActive", "boolean"),
            _ro("IsStandard", "boolean"),
            FieldDef("Description", "textarea"),
        ),
        _obj(
            "PricebookEntry",
            "01u",
            FieldDef("Pricebook2Id", "reference", required=True, reference_to="Pricebook2"),
            FieldDef("Product2Id", "reference", required=True, reference_to="Product2"),
            FieldDef("UnitPrice", "currency", required=True),
            FieldDef("IsActive", "boolean"),
            FieldDef("UseStandardPrice", "boolean"),
            _ro("Name"),
            _ro("ProductCode"),
        ),
        _obj(
            "RecordType",
            "012",
            FieldDef("Name", required=True),
            FieldDef("DeveloperName", required=True),
            FieldDef("SobjectType", required=True),
            FieldDef("IsActive", "boolean"),
        ),
        _obj(
            "Contract",
            "800",
            FieldDef("AccountId", "reference", required=True, reference_to="Account"),
            FieldDef(
                "Status",
                "picklist",
                required=True,
                picklist=("Draft", "In Approval Process", "Activated"),
            ),
            _ro("StatusCode", "picklist"),
            FieldDef("StartDate", "date"),
            FieldDef("ContractTerm", "int"),
            FieldDef("EndDate", "date"),
            _ro("ContractNumber"),
            FieldDef("Description", "textarea", length=32000),
            _ro("ActivatedDate", "datetime"),
            _ro("ActivatedById", "reference", reference_to="User"),
            FieldDef("Intacct_Contract_ID__c", length=30),
            FieldDef("Intacct_Sync_Status__c"),
            FieldDef("Intacct_Sync_Error__c", "textarea", length=32000),
            FieldDef("Intacct_Last_Sync__c", "datetime"),
        ),
        _obj(
            "Opportunity",
            "006",
            FieldDef("Name", required=True, length=120),
            FieldDef("AccountId", "reference", reference_to="Account"),
            FieldDef("StageName", "picklist", required=True, picklist=STAGES),
            FieldDef("CloseDate", "date", required=True),
            FieldDef("Amount", "currency"),
            FieldDef("Probability", "double"),
            _ro("IsWon", "boolean"),
            _ro("IsClosed", "boolean"),
            FieldDef("RecordTypeId", "reference", reference_to="RecordType"),
            FieldDef("Pricebook2Id", "reference", reference_to="Pricebook2"),
            FieldDef("ContractId", "reference", reference_to="Contract"),
            FieldDef("Type", "picklist"),
            FieldDef("Description", "textarea", length=32000),
        ),
        _obj(
            "OpportunityLineItem",
            "00k",
            FieldDef("OpportunityId", "reference", required=True, reference_to="Opportunity"),
            FieldDef("PricebookEntryId", "reference", reference_to="PricebookEntry"),
            FieldDef("Product2Id", "reference", reference_to="Product2"),
            FieldDef("Quantity", "double", required=True),
            FieldDef("UnitPrice", "currency"),
            FieldDef("TotalPrice", "currency"),
            _ro("ListPrice", "currency"),
            FieldDef("ServiceDate", "date"),
            FieldDef("Description", "string"),
            _ro("Name"),
            _ro("ProductCode"),
        ),
        _obj(
            "Intacct_Contract__c",
            "a01",
            FieldDef("Name", length=80),
            FieldDef("Contract__c", "reference", reference_to="Contract"),
            FieldDef("Account__c", "reference", reference_to="Account"),
            FieldDef("Intacct_Contract_ID__c", length=30, external_id=True, unique=True),
            FieldDef("State__c"),
            FieldDef("Begin_Date__c", "date"),
            FieldDef("End_Date__c", "date"),
            FieldDef("Total_Value__c", "currency"),
            FieldDef("Billing_Frequency__c"),
            FieldDef("Currency__c", length=3),
            FieldDef("Last_Synced__c", "datetime"),
            custom=True,
        ),
        _obj(
            "Intacct_Contract_Line__c",
            "a02",
            FieldDef("Name", length=80),
            FieldDef("Intacct_Contract__c", "reference", reference_to="Intacct_Contract__c"),
            FieldDef("Intacct_Line_Key__c", length=30, external_id=True, unique=True),
            FieldDef("Item_ID__c"),
            FieldDef("Product__c", "reference", reference_to="Product2"),
            FieldDef("Quantity__c", "double"),
            FieldDef("Price__c", "currency"),
            FieldDef("Amount__c", "currency"),
            FieldDef("Begin_Date__c", "date"),
            FieldDef("End_Date__c", "date"),
            FieldDef("Billing_Method__c"),
            FieldDef("State__c"),
            custom=True,
        ),
        _obj(
            "Intacct_Contract_Invoice__c",
            "a03",
            FieldDef("Name", length=80),
            FieldDef("Intacct_Contract__c", "reference", reference_to="Intacct_Contract__c"),
            FieldDef("Intacct_Invoice_Key__c", length=30, external_id=True, unique=True),
            FieldDef("Invoice_Number__c"),
            FieldDef("Invoice_Date__c", "date"),
            FieldDef("Due_Date__c", "date"),
            FieldDef("Total_Amount__c", "currency"),
            FieldDef("Total_Due__c", "currency"),
            FieldDef("State__c"),
            custom=True,
        ),
    )
}

PREFIXES = {o.prefix: o for o in OBJECTS.values()}


def lookup(name: str) -> ObjectDef | None:
    return OBJECTS.get(name.lower())
