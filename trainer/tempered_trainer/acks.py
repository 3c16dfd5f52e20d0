"""Checkpoint acknowledgements from the worker, one JSON line per checkpoint on stdin: {"ack": <step>}.

The worker uploads each checkpoint to the artifact store and acknowledges it once the upload is complete
and heartbeated. The trainer keeps training meanwhile, and waits only before it saves the next checkpoint
(saving rotates old checkpoint folders away) and before it ends, so an upload costs training time only when
it takes longer than a checkpoint interval.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable
from typing import TextIO

from .errors import TrainerError


class AckChannelBroken(TrainerError):
    """stdin closed, or carried something else, while a checkpoint was unacknowledged."""


class CheckpointAcks:
    def __init__(self, source: TextIO | None = None):
        self._source = source or sys.stdin
        self._acked = -1
        self._pending: int | None = None
        self._broken: str | None = None
        self._changed = threading.Condition()
        threading.Thread(target=self._read, name="tempered-acks", daemon=True).start()

    def announced(self, step: int) -> None:
        """A checkpoint of `step` was announced and awaits its acknowledgement."""
        with self._changed:
            self._pending = step

    def wait(self, on_wait: Callable[[], None] | None = None) -> None:
        """Returns once the announced checkpoint, if any, is acknowledged; `on_wait` runs every second meanwhile."""
        with self._changed:
            while self._pending is not None and self._acked < self._pending:
                if self._broken is not None:
                    raise AckChannelBroken(f"checkpoint {self._pending} unacknowledged: {self._broken}")
                self._changed.wait(timeout=1.0)
                if on_wait is not None:
                    on_wait()
            self._pending = None

    def _read(self) -> None:
        broken = "the worker closed stdin"
        for line in self._source:
            if not line.strip():
                continue
            try:
                step = int(json.loads(line)["ack"])
            except (ValueError, KeyError, TypeError):
                broken = f'stdin: expected an acknowledgement like {{"ack": 12}}, got {line.strip()[:200]!r}'
                break
            with self._changed:
                self._acked = max(self._acked, step)
                self._changed.notify_all()
        with self._changed:
            self._broken = broken
            self._changed.notify_all()
