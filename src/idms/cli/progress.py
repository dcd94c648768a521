"""A progress bar on a terminal; nothing at all when output is piped or redirected."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    WIDTH = 30
    INTERVAL = 0.2  # seconds between redraws: drawing must not slow the work down

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self._last = 0.0
        self._drawn = False

    def update(self, done: int, total: int, detail: str = "") -> None:
        now = time.monotonic()
        if not self.enabled or now - self._last < self.INTERVAL:
            return
        self._last = now
        fraction = min(done / total, 1.0) if total else 0.0
        filled = int(fraction * self.WIDTH)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(f"\r{self.label} [{bar}] {fraction:4.0%} {detail}\033[K")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self.stream.write("\r\033[K")
            self.stream.flush()
