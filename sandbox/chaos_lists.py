"""``make chaos`` for Intacct's managed lists mirrored into Salesforce (issue 13): while the
soak runs, finance renames, adds and deactivates list values in Intacct and people edit the
read-only list records in Salesforce; the scheduled refresh runs with every poll, under the
same faults. At the end each list in Salesforce must be exactly Intacct's: every value
there, none extra, none differing (a Salesforce edit put back).

Only connections whose pair has the lists (its ``refresh_lists`` job) take part.
"""

from __future__ import annotations

from typing import Any

from sandbox.world import World
from shared.pairs.registry import pair_of
from shared.pairs.salesforce_intacct.managed_lists import LISTS

SCHEDULE = "refresh-lists"
JOB = "refresh_lists"


def has_lists(world: World, connection_id: str) -> bool:
    connection = world.runtime.connections.get(connection_id)
    return JOB in pair_of(connection).jobs


def refresh(world: World, connection_id: str) -> int:
    """The refresh schedule fired once: how many values it wrote or put back."""
    if not has_lists(world, connection_id):
        return 0
    report = world.runner.fire_schedule(SCHEDULE).get(connection_id) or {}
    return sum(v for v in report.values() if isinstance(v, int))


def people_edit(world: World, connection_id: str, number: int) -> None:
    """One person's change to a list: in Intacct a territory added or renamed or a
    department made inactive, or in Salesforce a list record renamed (turn by turn)."""
    if not has_lists(world, connection_id):
        return
    turn = number % 4
    if turn == 0:
        world.intacct.seed("TERRITORY", {"TERRITORYID": f"CH{number}", "NAME": f"Chaos {number}"})
    elif turn == 1:
        world.intacct.edit("TERRITORY", "WEST", {"NAME": f"West {number}"})
    elif turn == 2:
        status = "inactive" if number % 8 == 2 else "active"
        world.intacct.edit("DEPARTMENT", "SLS", {"STATUS": status})
    else:
        rows = world.salesforce.records("Intacct_Territory__c")
        if rows:
            row = rows[number % len(rows)]
            world.salesforce.update("Intacct_Territory__c", str(row["Id"]), {"Name": f"x{number}"})


def drift(world: World, connection_id: str) -> list[str]:
    """Where Salesforce's lists are not Intacct's: ``<object> <key>: missing|extra|differs``."""
    if not has_lists(world, connection_id):
        return []
    found: list[str] = []
    wanted_by_object: dict[str, dict[str, dict[str, Any]]] = {}
    for spec in LISTS:
        wanted = wanted_by_object.setdefault(spec.sobject, {})
        for row in world.intacct.records(spec.intacct_object):
            body = spec.to_salesforce(row)
            wanted[body["Intacct_Key__c"]] = body
    for sobject, wanted in wanted_by_object.items():
        have = {str(r.get("Intacct_Key__c")): r for r in world.salesforce.records(sobject)}
        for key, body in wanted.items():
            shown = have.get(key)
            if shown is None:
                found.append(f"{sobject} {key}: missing")
            elif any(_norm(shown.get(k)) != _norm(v) for k, v in body.items()):
                found.append(f"{sobject} {key}: differs")
        found += [f"{sobject} {key}: extra" for key in have if key not in wanted]
    return found


def _norm(value: Any) -> str:
    return "" if value is None else str(value)
