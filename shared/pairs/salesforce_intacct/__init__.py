"""Salesforce <-> Sage Intacct, as Intacct's Advanced CRM Integration pairs them: accounts and
contacts both ways, "Sync to Intacct" on contracts, and Intacct's contracts, lines and
invoices mirrored back into read-only Salesforce objects. The package's public face is
``PAIR``."""

from __future__ import annotations

from shared.pairs.plugin import Action, PairPlugin, Workflow
from shared.pairs.salesforce_intacct.actions import accept_contract_sync
from shared.pairs.salesforce_intacct.computes import COMPUTES
from shared.pairs.salesforce_intacct.connection import SalesforceIntacctConnection
from shared.pairs.salesforce_intacct.contracts import WORKFLOW as CONTRACTS
from shared.pairs.salesforce_intacct.contracts import run_contract_sync
from shared.pairs.salesforce_intacct.managed_lists import load_lists, refresh_lists
from shared.pairs.salesforce_intacct.mappings import MAPPINGS
from shared.pairs.salesforce_intacct.mirrors import mirror_to_crm
from shared.pairs.salesforce_intacct.project_actions import ACTIONS as PROJECT_ACTIONS
from shared.pairs.salesforce_intacct.project_creation import WORKFLOW as PROJECTS
from shared.pairs.salesforce_intacct.project_creation import run_project_creation
from shared.pairs.salesforce_intacct.projects import tailor as project_tailor

PAIR = PairPlugin(
    name="salesforce_intacct",
    crm="salesforce",
    erp="intacct",
    connection_model=SalesforceIntacctConnection,
    mappings=MAPPINGS,
    computes=COMPUTES,
    workflows={
        CONTRACTS: Workflow(CONTRACTS, run_contract_sync),
        PROJECTS: Workflow(PROJECTS, run_project_creation),
    },
    actions=(
        Action(
            route="contracts/{contract_id}/sync",
            workflow=CONTRACTS,
            subject_object="Contract",
            subject_param="contract_id",
            accept=accept_contract_sync,
        ),
        *PROJECT_ACTIONS,
    ),
    jobs={"mirror_to_crm": mirror_to_crm, "refresh_lists": refresh_lists},
    setup_hooks=(load_lists,),
    tailors=(project_tailor,),
)

__all__ = ["PAIR"]
