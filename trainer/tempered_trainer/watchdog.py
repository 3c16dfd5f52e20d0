"""Dying with the caller: a trainer must not outlive the worker that started it.

A worker killed with SIGKILL runs no cleanup, and its trainer would keep the GPU and the work folder
while the retry starts elsewhere (or next to it, on the same host). So a daemon thread watches the
parent: when the trainer is re-parented, the parent is gone, and the thread kills the trainer's process
group, taking along anything the trainer started. A trainer that exits on its own after the parent died
(its next event fails on the broken pipe) does the same on its way out.

The caller names itself in TEMPERED_PARENT_PID, which closes the window where the parent dies before the
thread starts: the trainer is then already re-parented, and the first check sees it. Without the
variable (the trainer run by hand) the parent at start-up is watched.
"""

from __future__ import annotations

import atexit
import os
import signal
import sys
import threading
import time

PARENT_PID_ENV = "TEMPERED_PARENT_PID"

# Often enough that a stale trainer is gone before the worker's retry could reach the same host.
POLL_SECONDS = 0.5


def watch_parent() -> None:
    """Start the watchdog thread; returns at once."""
    # Popped, so that a process the trainer starts does not watch a parent that is not its own.
    raw = os.environ.pop(PARENT_PID_ENV, None)
    try:
        parent = int(raw) if raw else os.getppid()
    except ValueError:
        print(f"[tempered] {PARENT_PID_ENV}={raw!r} is not a pid; watching the parent at start-up", file=sys.stderr)
        parent = os.getppid()
    threading.Thread(target=_watch, args=(parent,), name="parent-watchdog", daemon=True).start()
    # A trainer whose worker died usually fails first at its next event, on the broken pipe, and exits
    # before the thread looks again: what it started must not survive it then either.
    atexit.register(_end_group_if_orphaned, parent)


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(POLL_SECONDS)
    try:
        print(f"[tempered] parent process {parent} is gone: stopping the trainer and its process group", file=sys.stderr)
    finally:
        # The worker usually took the read end of stderr with it: the notice then fails, the kill must not.
        _kill_own_group()


def _end_group_if_orphaned(parent: int) -> None:
    if os.getppid() != parent:
        _kill_own_group()


def _kill_own_group() -> None:
    # SIGKILL, not SIGTERM: with nobody left to read the events or take the result, a checkpoint would
    # only keep the GPU busy longer; the retry resumes from the last checkpoint written before.
    if os.getpgrp() == os.getpid():
        os.killpg(os.getpgrp(), signal.SIGKILL)
    # Not a group leader (started by hand from a shell): the group is the shell's job, not ours to kill.
    os.kill(os.getpid(), signal.SIGKILL)
