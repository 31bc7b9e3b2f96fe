"""What joins ``make chaos`` beyond the mapped objects: a pair's triggers and workflows (a
deal's stage making a document), as scenarios of their own. A join makes its records once
the soak's records exist, moves them twice while the soak edits (under the same faults), says
after the clean tail what it finds lost or duplicated on the other side."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from sandbox.world import World


class ChaosJoin(Protocol):
    name: str

    def start(self, world: World, rng: random.Random, records: int) -> None:
        """Make the join's records (``records``: the soak's size)."""

    def move(self, world: World, rng: random.Random) -> None:
        """Act on them as people would, while the faults run: called twice, before the
        soak's edits and once they have synced."""

    def verdict(self, world: World) -> dict[str, list[str]]:
        """After the clean tail: ``lost`` and ``duplicated`` items, by name."""


JoinFactory = Callable[[], ChaosJoin]
