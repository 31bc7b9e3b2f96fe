"""The projects story of `make demo`, over real HTTP with the background loops: Create Project
on a won opportunity (twice, one project), tasks and a timesheet from Intacct, projects from
Salesforce in the right entity for both top-level settings, edits both ways, managed lists."""

from __future__ import annotations

import pytest

from sandbox.project_story import projects_story
from sandbox.users import SalesforceUser

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def test_the_projects_story_runs_end_to_end(served):
    # Given a won opportunity for an account
    sf = SalesforceUser(served)
    account = sf.create("Account", Name="Initech")
    opportunity = sf.create(
        "Opportunity",
        Name="Initech rollout",
        AccountId=account,
        StageName="Closed Won",
        CloseDate="2026-03-01",
    )
    # When and Then: every step of the story checks the other side (DemoFailedError if not)
    projects_story(served, opportunity)
