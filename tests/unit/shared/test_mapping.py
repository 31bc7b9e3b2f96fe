from decimal import Decimal

import pytest

from shared.errors import ConfigurationError, RecordRejectedError
from shared.mapping import Direction, FieldMap, FieldOverride, MappingOverride, Side
from shared.mapping.mapper import build_payload, fields_touched_by, matches_filter
from shared.mapping.overrides import resolve_mapping
from shared.mapping.transforms import apply_transform
from shared.pairs.catalog import MappingCatalog
from shared.pairs.salesforce_intacct.computes import COMPUTES
from shared.pairs.salesforce_intacct.mappings import ACCOUNT_CUSTOMER, CONTACT_CONTACT

ACCOUNT = {
    "Id": "0015g00000Q2mNsAAJ",
    "Name": "Acme Corporation",
    "AccountNumber": None,
    "Phone": "+1 415 555 0100",
    "BillingCity": "San Francisco",
}


def test_a_new_account_maps_to_a_full_customer():
    fields = fields_touched_by(ACCOUNT_CUSTOMER, Side.CRM, (), creating=True)
    payload = build_payload(fields, Side.CRM, ACCOUNT)
    assert payload["NAME"] == "Acme Corporation"
    assert payload["DISPLAYCONTACT.PRINTAS"] == "Acme Corporation"
    assert payload["DISPLAYCONTACT.PHONE1"] == "+1 415 555 0100"
    assert payload["DISPLAYCONTACT.MAILADDRESS.CITY"] == "San Francisco"
    assert "CUSTOMERID" not in payload  # chosen by the ERP identity, not a mapped field


def test_only_fields_fed_by_a_changed_path_are_written():
    fields = fields_touched_by(ACCOUNT_CUSTOMER, Side.CRM, {"Phone"}, creating=False)
    assert build_payload(fields, Side.CRM, ACCOUNT) == {"DISPLAYCONTACT.PHONE1": "+1 415 555 0100"}


def test_a_name_change_reaches_every_field_it_feeds():
    fields = fields_touched_by(ACCOUNT_CUSTOMER, Side.CRM, {"Name"}, creating=False)
    assert {f.erp for f in fields} == {
        "NAME",
        "DISPLAYCONTACT.PRINTAS",
        "DISPLAYCONTACT.COMPANYNAME",
    }


def test_erp_to_crm_carries_the_customer_id_back():
    customer = {"CUSTOMERID": "C-100", "NAME": "Globex", "DISPLAYCONTACT.PHONE1": "1"}
    fields = fields_touched_by(ACCOUNT_CUSTOMER, Side.ERP, (), creating=True)
    payload = build_payload(fields, Side.ERP, customer)
    assert payload["Intacct_Customer_ID__c"] == "C-100"
    assert payload["Name"] == "Globex"
    assert "DISPLAYCONTACT.PRINTAS" not in payload  # crm_to_erp only


def test_customer_id_prefers_a_valid_account_number():
    compute = COMPUTES["customer_id"].fn
    assert compute({**ACCOUNT, "AccountNumber": "ACME-01"}) == "ACME-01"
    assert compute({**ACCOUNT, "AccountNumber": "has#hash"}) == ACCOUNT["Id"]
    assert compute(ACCOUNT) == ACCOUNT["Id"]


def test_contact_keys_are_unique_and_people_readable():
    contact = {"Id": "0035g00000K1pQrAAJ", "FirstName": "Ana", "LastName": "Rivera"}
    assert COMPUTES["contact_name"].fn(contact) == "Ana Rivera (0035g00000K1pQr)"
    fields = fields_touched_by(CONTACT_CONTACT, Side.CRM, (), creating=True)
    assert build_payload(fields, Side.CRM, contact)["PRINTAS"] == "Ana Rivera"


def test_a_contact_without_last_name_in_intacct_uses_print_as():
    fields = fields_touched_by(CONTACT_CONTACT, Side.ERP, (), creating=True)
    payload = build_payload(fields, Side.ERP, {"CONTACTNAME": "x", "PRINTAS": "Bo Diddley"})
    assert payload["LastName"] == "Bo Diddley"


def test_transforms_keep_money_and_dates_exact():
    assert apply_transform("decimal", 19.99) == Decimal("19.99")
    assert apply_transform("date_to_mdy", "2026-02-28") == "02/28/2026"
    assert apply_transform("date_to_iso", "02/28/2026") == "2026-02-28"
    with pytest.raises(RecordRejectedError, match="not a date"):
        apply_transform("date_to_mdy", "someday")


def test_a_connection_can_turn_off_an_optional_field():
    override = MappingOverride(
        fields={"DISPLAYCONTACT.PHONE1": FieldOverride(direction=Direction.ERP_TO_CRM)}
    )
    mapping = resolve_mapping(ACCOUNT_CUSTOMER, override)
    fields = fields_touched_by(mapping, Side.CRM, {"Phone"}, creating=False)
    assert fields == []


def test_the_direction_of_a_required_field_is_fixed():
    override = MappingOverride(fields={"NAME": FieldOverride(direction=Direction.CRM_TO_ERP)})
    with pytest.raises(ConfigurationError, match=r"fields\.NAME\.direction"):
        resolve_mapping(ACCOUNT_CUSTOMER, override)


def test_unknown_fields_and_transforms_are_named():
    with pytest.raises(ConfigurationError, match="NOPE"):
        resolve_mapping(ACCOUNT_CUSTOMER, MappingOverride(fields={"NOPE": FieldOverride()}))
    with pytest.raises(ConfigurationError, match="unknown transform 'shout'"):
        resolve_mapping(
            ACCOUNT_CUSTOMER,
            MappingOverride(fields={"NAME": FieldOverride(to_erp="shout")}),
        )


def test_extra_fields_and_filters():
    override = MappingOverride(
        extra_fields=(FieldMap(crm="Industry", erp="CUSTTYPE", direction=Direction.CRM_TO_ERP),),
        crm_filter={"Type": "Customer"},
    )
    mapping = resolve_mapping(ACCOUNT_CUSTOMER, override)
    assert "Industry" in mapping.source_paths(Side.CRM)
    assert matches_filter(mapping, {"Type": "Customer"})
    assert not matches_filter(mapping, {"Type": "Prospect"})


def test_a_field_flowing_somewhere_needs_both_ends():
    with pytest.raises(ValueError, match="needs an 'erp' path"):
        FieldMap(crm="Name", direction=Direction.BOTH)


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"crm_polled_objects": ("Account", "Opportunity")}, "crm_polled_objects: .*Opportunity"),
        ({"erp_polled_objects": ("VENDOR",)}, "erp_polled_objects: .*VENDOR"),
        ({"mappings": {"lead": MappingOverride()}}, "unknown mapping.*lead"),
    ],
)
def test_a_connection_polling_or_mapping_what_nothing_syncs_is_named(connection, changes, named):
    with pytest.raises(ConfigurationError, match=named):
        MappingCatalog.for_connection(connection.model_copy(update=changes))
