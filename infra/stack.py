"""LedgerlinkStack: everything ledgerlink runs on, built from shared/topology.py."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from constructs import Construct

from infra.acknowledgments import acknowledge
from infra.constructs.api import WebhookApi
from infra.constructs.deployments import Deployments
from infra.constructs.functions import Functions
from infra.constructs.monitoring import Monitoring
from infra.constructs.queues import Queues
from infra.constructs.schedules import Schedules
from infra.constructs.table import Tables
from infra.constructs.waf import ApiFirewall, waf_enabled
from shared.topology import FUNCTIONS, QUEUES, TABLES

INGEST = next(spec.name for spec in FUNCTIONS if spec.behind_api)


class LedgerlinkStack(cdk.Stack):
    def __init__(self, scope: Construct, cid: str, **kwargs: Any) -> None:
        super().__init__(scope, cid, **kwargs)
        self.tables = Tables(self, "Tables")
        self.queues = Queues(self, "Queues")
        self.functions = Functions(self, "Functions", self.tables, self.queues)
        self.api = WebhookApi(self, "Api", self.functions.aliases[INGEST])
        self.firewall = self._firewall()
        self.schedules = Schedules(self, "Schedules", self.functions.aliases)
        self.monitoring = Monitoring(
            self,
            "Monitoring",
            dlqs=self.queues.dlqs,
            queues=self.queues.queues,
            functions=self.functions.by_name,
            api=self.api.api,
            failed_runs=self.schedules.failed_runs,
        )
        self.deployments = Deployments(
            self, "Deployments", self.functions.aliases, self.monitoring.error_alarms
        )
        self._outputs()

    def _firewall(self) -> ApiFirewall | None:
        stage = self.api.api.deployment_stage
        if waf_enabled(self):
            return ApiFirewall(self, "Firewall", stage.stage_arn)
        acknowledge(
            stage,
            {
                "AwsSolutions-APIG3": "The deployer turned this stack's WAF web ACL off "
                "(-c ledgerlink:waf=false) because the organisation attaches its own ACLs to "
                "API stages (for example through Firewall Manager); requests are still "
                "throttled per stage and authenticated in the function.",
            },
        )
        return None

    def _outputs(self) -> None:
        cdk.CfnOutput(
            self,
            "ApiUrl",
            value=self.api.url,
            description="Base URL of the API (the custom domain when one is configured)",
        )
        cdk.CfnOutput(
            self,
            "AlarmTopicArn",
            value=self.monitoring.topic.topic_arn,
            description="Subscribe here to receive the alarms",
        )
        for spec in QUEUES:
            cdk.CfnOutput(
                self,
                f"{spec.key.capitalize()}QueueUrl",
                value=self.queues.queues[spec.key].queue_url,
                description=f"The {spec.key} queue",
            )
            cdk.CfnOutput(
                self,
                f"{spec.key.capitalize()}DlqUrl",
                value=self.queues.dlqs[spec.key].queue_url,
                description=f"Dead letters of the {spec.key} queue (redrive from here)",
            )
        cdk.CfnOutput(
            self,
            "ScheduledFailuresQueueUrl",
            value=self.schedules.failed_runs.queue_url,
            description="Scheduled runs that failed every retry",
        )
        for table in TABLES:
            cdk.CfnOutput(
                self,
                "".join(part.capitalize() for part in table.name.split("-")) + "TableName",
                value=self.tables.by_name[table.name].table_name,
                description=f"The {table.name} table of this stage",
            )
