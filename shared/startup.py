"""The cold start's rest for the cyclic garbage collector (see :mod:`shared`'s docstring).

``begin`` stops the collector in a Lambda container only; ``done`` freezes what exists (the
container's modules, schemas, clients: never garbage, so no later collection walks them) and
starts the collector again. What the rest leaves uncollected is the little cyclic garbage
the imports made, once (about 0.5 MB measured).
"""

from __future__ import annotations

import gc
import os

LAMBDA_ENV = "LAMBDA_TASK_ROOT"  # set by Lambda in every function's environment

_resting = False


def begin() -> None:
    global _resting
    if os.environ.get(LAMBDA_ENV) and gc.isenabled():
        gc.disable()
        _resting = True


def done() -> None:
    """The function has started: freeze what it built, and collect again from here on."""
    global _resting
    if _resting:
        _resting = False
        gc.freeze()
        gc.enable()
