"""Salesforce <-> Sage Intacct, as Intacct's Advanced CRM Integration pairs them: accounts,
contacts and products both ways, price lists into price books, "Sync to Intacct" on
contracts, "Create Sales Order" on opportunities (or on Closed Won), and what finance knows
(contracts, sales documents, AR invoices and payments, each account's AR summary) mirrored
back into read-only Salesforce objects. The package's public face is ``PAIR``."""

from __future__ import annotations

from shared.pairs.plugin import Action, PairPlugin, Workflow
from shared.pairs.salesforce_intacct.actions import accept_contract_sync, accept_sales_transaction
from shared.pairs.salesforce_intacct.computes import COMPUTES
from shared.pairs.salesforce_intacct.connection import SalesforceIntacctConnection
from shared.pairs.salesforce_intacct.contracts import WORKFLOW as CONTRACTS
from shared.pairs.salesforce_intacct.contracts import run_contract_sync
from shared.pairs.salesforce_intacct.managed_lists import load_lists, refresh_lists
from shared.pairs.salesforce_intacct.mappings import MAPPINGS
from shared.pairs.salesforce_intacct.project_actions import ACTIONS as PROJECT_ACTIONS
from shared.pairs.salesforce_intacct.project_creation import WORKFLOW as PROJECTS
from shared.pairs.salesforce_intacct.project_creation import run_project_creation
from shared.pairs.salesforce_intacct.project_links import RECORD_PAGES
from shared.pairs.salesforce_intacct.projects import tailor as project_tailor
from shared.pairs.salesforce_intacct.sales_mirror_fields import MIRROR_MAPPINGS
from shared.pairs.salesforce_intacct.sales_mirrors import mirror_finance_to_crm
from shared.pairs.salesforce_intacct.sales_transactions import WORKFLOW as TRANSACTIONS
from shared.pairs.salesforce_intacct.sales_transactions import run_sales_transaction
from shared.pairs.salesforce_intacct.sales_triggers import CLOSED_WON_TRIGGER, trigger_workflows

PAIR = PairPlugin(
    name="salesforce_intacct",
    crm="salesforce",
    erp="intacct",
    connection_model=SalesforceIntacctConnection,
    mappings=MAPPINGS,
    computes=COMPUTES,
    workflows={
        CONTRACTS: Workflow(CONTRACTS, run_contract_sync),
        TRANSACTIONS: Workflow(TRANSACTIONS, run_sales_transaction),
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
        Action(
            route="opportunities/{opportunity_id}/sales-transaction",
            workflow=TRANSACTIONS,
            subject_object="Opportunity",
            subject_param="opportunity_id",
            accept=accept_sales_transaction,
            per_request=True,
        ),
        *PROJECT_ACTIONS,
    ),
    jobs={
        "mirror_to_crm": mirror_finance_to_crm,
        "trigger_workflows": trigger_workflows,
        "refresh_lists": refresh_lists,
    },
    triggers=(CLOSED_WON_TRIGGER,),
    setup_hooks=(load_lists,),
    tailors=(project_tailor,),
    mirror_mappings=MIRROR_MAPPINGS,
    record_pages=RECORD_PAGES,
)

__all__ = ["PAIR"]
