"""LedgerlinkStack: everything ledgerlink needs in one stack."""

from __future__ import annotations

import aws_cdk as cdk
from constructs import Construct

from infra.components.api import Api
from infra.components.functions import Functions
from infra.components.monitoring import Monitoring
from infra.components.queues import Queues
from infra.components.schedules import Schedules
from infra.components.storage import Storage


class LedgerlinkStack(cdk.Stack):
    def __init__(self, scope: Construct, cid: str, **kwargs: object) -> None:
        super().__init__(scope, cid, **kwargs)  # type: ignore[arg-type]
        storage = Storage(self, "Storage")
        queues = Queues(self, "Queues")
        functions = Functions(self, "Functions", storage, queues)
        api = Api(self, "Api", functions.functions["webhook_ingest"])
        Schedules(self, "Schedules", functions.functions)
        Monitoring(self, "Monitoring", queues.dlqs, functions.functions, api.api)
        cdk.CfnOutput(self, "ApiUrl", value=api.api.url)
