"""Graceful cancellation on SIGTERM/SIGINT.

Before any work worth keeping exists (config checks, model loading), a signal stops the command
at once. Afterwards it only sets a flag, and the running loop stops at its next safe point:
training after the current step (with a checkpoint), evaluation after the current sample.
"""

from __future__ import annotations

import signal
import sys


class Cancelled(BaseException):
    """Unwinds a command after a cancellation; maps to a `cancelled` event and exit code 3.

    A BaseException, like KeyboardInterrupt, so library code catching Exception cannot swallow it.
    """

    def __init__(self, step: int):
        super().__init__(f"cancelled at step {step}")
        self.step = step


class Cancellation:
    """Signal state shared by the command and its loops."""

    def __init__(self) -> None:
        self.requested = False
        self.immediate = True  # switched off once there is progress to save

    def install(self) -> Cancellation:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._handle)
        return self

    def deferred(self) -> None:
        """From now on only set the flag; raise at once if a signal already arrived."""
        self.immediate = False
        self.check(0)

    def check(self, step: int) -> None:
        if self.requested:
            raise Cancelled(step)

    def _handle(self, signum: int, _frame: object) -> None:
        name = signal.Signals(signum).name
        if not self.requested:
            print(f"[tempered] {name} received: stopping at the next safe point", file=sys.stderr)
        self.requested = True
        if self.immediate:
            raise Cancelled(0)
