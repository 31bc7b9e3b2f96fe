"""LedgerlinkStack: everything ledgerlink runs on, built from shared/topology.py."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from constructs import Construct

from infra.constructs.api import WebhookApi
from infra.constructs.functions import Functions
from infra.constructs.monitoring import Monitoring
from infra.constructs.queues import Queues
from infra.constructs.schedules import Schedules
from infra.constructs.table import Tables
from shared.topology import FUNCTIONS

INGEST = next(spec.name for spec in FUNCTIONS if spec.behind_api)


class LedgerlinkStack(cdk.Stack):
    def __init__(self, scope: Construct, cid: str, **kwargs: Any) -> None:
        super().__init__(scope, cid, **kwargs)
        self.tables = Tables(self, "Tables")
        self.queues = Queues(self, "Queues")
        self.functions = Functions(self, "Functions", self.tables, self.queues)
        self.api = WebhookApi(self, "Api", self.functions.by_name[INGEST])
        self.schedules = Schedules(self, "Schedules", self.functions.by_name)
        self.monitoring = Monitoring(
            self,
            "Monitoring",
            dlqs=self.queues.dlqs,
            queues=self.queues.queues,
            functions=self.functions.by_name,
            api=self.api.api,
        )
        cdk.CfnOutput(self, "ApiUrl", value=self.api.api.url, description="Base URL of the API")
        cdk.CfnOutput(
            self,
            "AlarmTopicArn",
            value=self.monitoring.topic.topic_arn,
            description="Subscribe here to receive the alarms",
        )
