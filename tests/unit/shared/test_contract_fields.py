"""Contract header choices: the connection's defaults, or the contract's managed-list values."""

from __future__ import annotations

from datetime import date

import pytest

from shared.errors import ValidationFailedError
from shared.pairs.salesforce_intacct import contract_fields as cf
from shared.pairs.salesforce_intacct.connection import ContractSettings

DEFAULTS = ContractSettings(payment_term="Net 30", billing_frequency="Monthly")


def test_empty_choices_keep_the_defaults():
    chosen = cf.chosen_settings({"Intacct_Payment_Term__c": "  ", "Id": "800"}, DEFAULTS)
    assert chosen == DEFAULTS


def test_filled_choices_replace_the_defaults():
    chosen = cf.chosen_settings(
        {"Intacct_Payment_Term__c": "Net 60 ", "Intacct_Renewal_Template__c": "Annual renewal"},
        DEFAULTS,
    )
    assert (chosen.payment_term, chosen.renewal_template) == ("Net 60", "Annual renewal")
    assert chosen.billing_frequency == "Monthly"


def test_a_billing_method_outside_the_list_is_refused_by_field_name():
    with pytest.raises(ValidationFailedError, match="Intacct_Billing_Method__c"):
        cf.chosen_settings({"Intacct_Billing_Method__c": "Barter"}, DEFAULTS)


@pytest.mark.parametrize(
    ("fields", "end"),
    [
        ({"StartDate": "2026-01-31", "ContractTerm": 1}, date(2026, 2, 27)),
        ({"StartDate": "2026-01-01", "ContractTerm": 12}, date(2026, 12, 31)),
        (
            {"StartDate": "2026-01-01", "EndDate": "2026-06-30", "ContractTerm": 12},
            date(2026, 6, 30),
        ),
        ({"StartDate": "2026-01-01"}, None),
    ],
)
def test_contract_end_follows_salesforce(fields, end):
    assert cf.contract_end(fields) == end
