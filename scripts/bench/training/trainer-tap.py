"""The trainer as the worker starts it (`python -m tempered_trainer ...`), plus a timestamped record of what it says.

The training benchmark points a gpu worker's TEMPERED_VENV at a folder whose bin/python runs this file: each event
the trainer writes and each checkpoint acknowledgement it reads is appended to $TEMPERED_BENCH_TRAINER_LOG with the
wall-clock time, so the benchmark can time a resume to the first new step and each checkpoint's upload. The trainer
itself runs unchanged, in this same process.
"""

import json
import os
import runpy
import sys
import threading
import time

if sys.argv[1:3] != ["-m", "tempered_trainer"]:
    sys.exit(f"trainer-tap: expected `-m tempered_trainer <command> ...`, got {sys.argv[1:]}")

_log = open(os.environ["TEMPERED_BENCH_TRAINER_LOG"], "a", encoding="utf-8", buffering=1)
_lock = threading.Lock()


def _record(**entry):
    with _lock:
        _log.write(json.dumps({"t": time.time(), "pid": os.getpid(), **entry}) + "\n")


_record(event="tap_start")

# Patched before the trainer's modules import `emit` from here.
from tempered_trainer import events  # noqa: E402

_emit = events.emit


def _tapped_emit(event, **fields):
    _emit(event, **fields)
    _record(event=event, step=fields.get("step"))


events.emit = _tapped_emit


class _TappedStdin:
    """The acknowledgement channel (the trainer iterates over stdin lines), recording each line as it is read."""

    def __init__(self, source):
        self._source = source

    def __iter__(self):
        for line in self._source:
            try:
                _record(ack=int(json.loads(line)["ack"]))
            except (ValueError, KeyError, TypeError):
                pass
            yield line

    def __getattr__(self, name):
        return getattr(self._source, name)


sys.stdin = _TappedStdin(sys.stdin)
sys.argv = [sys.argv[0], *sys.argv[3:]]
runpy.run_module("tempered_trainer", run_name="__main__", alter_sys=True)
