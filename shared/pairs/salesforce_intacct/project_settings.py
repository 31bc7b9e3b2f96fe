"""The project options of a Salesforce <-> Intacct connection, as the integration's set-up
page names them ("Project integration" tab):

- ``projects.enabled`` — "Enable project and task sync" (on by default: every connection
  syncs projects, with or without Intacct's Projects subscription, through the project
  dimension). Off stops project and task sync and touches nothing else: their mappings are
  out of force, their objects are not polled, their notifications are refused.
- ``projects.top_level`` — "Create projects at the top level" (off by default): on, a
  project made from Salesforce is created at Intacct's top level whatever its Intacct
  entity field says; off, in the entity that field names, and at the top level when blank.
- ``projects.api_url`` — the base URL of this deployment's API as people's browsers reach it
  (the custom domain, or the stage URL): a project's "View Project" link in Salesforce opens
  its page in Intacct through it (:mod:`project_links`). Unset, no link is written.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, HttpUrl, model_validator

from shared.models.connection import Connection

PROJECT_ERP_OBJECTS = ("PROJECT", "TASK")  # parents before children
PROJECT_CRM_OBJECTS = ("Intacct_Project__c", "Intacct_Project_Task__c")


class ProjectSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    enabled: bool = True
    top_level: bool = False
    # "Create Project": the category of projects made from opportunities and contracts
    # (Intacct requires one), and the opportunity stage that may make one.
    category: str = "Contract"
    won_stage_only: bool = True
    api_url: HttpUrl | None = None  # where "View Project" links point (module docstring)


class ProjectOptions(Connection):
    """A connection with the project options: while project sync is on its objects are
    polled after the others (customers before their projects, projects before tasks)."""

    projects: ProjectSettings = ProjectSettings()

    @model_validator(mode="after")
    def _poll_projects(self) -> ProjectOptions:
        for setting, objects in (
            ("erp_polled_objects", PROJECT_ERP_OBJECTS),
            ("crm_polled_objects", PROJECT_CRM_OBJECTS),
        ):
            current: tuple[str, ...] = getattr(self, setting)
            others = tuple(o for o in current if o not in objects)
            wanted = (*others, *objects) if self.projects.enabled else others
            object.__setattr__(self, setting, wanted)  # frozen: set once, while validating
        return self
