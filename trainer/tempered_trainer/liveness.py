"""Liveness: an `alive` event every few seconds, also while a model loads or an evaluation runs.

The worker heartbeats only what the trainer reports, so these events are what keeps a slow but working
trainer alive, and their absence is what fails a hung one. They come from a thread, which would keep
talking while the training loop is stuck; so they stop when the loop has marked no progress (a step, an
evaluation batch, a save, a phase of loading) for `stall_timeout_s`.
"""

from __future__ import annotations

import threading
import time

from .events import emit


class Liveness:
    def __init__(self, interval_s: float, stall_timeout_s: float):
        self.interval_s = interval_s
        self.stall_timeout_s = stall_timeout_s
        self.phase = "starting"
        self.step = 0
        self._last_progress = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="tempered-liveness", daemon=True)

    def start(self) -> Liveness:
        self._thread.start()
        return self

    def mark(self, phase: str | None = None, step: int | None = None) -> None:
        """Progress was made; `phase` and `step` say where (they go into the next `alive` event)."""
        if phase is not None:
            self.phase = phase
        if step is not None:
            self.step = step
        self._last_progress = time.monotonic()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            idle = time.monotonic() - self._last_progress
            if idle < self.stall_timeout_s:
                emit("alive", phase=self.phase, step=self.step, idle_s=round(idle, 1))
