"""A metrics sink that remembers what was counted (tests and the demo read it)."""

from __future__ import annotations

import threading
from collections import Counter

from aws_lambda_powertools.metrics import MetricUnit


class MetricsRecorder:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def add_metric(self, name: str, unit: MetricUnit | str, value: float) -> None:
        with self._lock:
            self.counts[name] += int(value)

    def reset(self) -> None:
        with self._lock:
            self.counts.clear()
