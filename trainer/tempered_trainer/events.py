"""The stdout event channel: one JSON object per line, nothing else.

Libraries (and C extensions) sometimes print to stdout, which would corrupt the stream the
caller parses. So the real stdout is kept on a private file descriptor for events, and fd 1
is pointed at stderr for everyone else.
"""

from __future__ import annotations

import json
import math
import os
import sys
import threading
from typing import Any, TextIO

_channel: TextIO | None = None
# The liveness thread emits too; one line at a time.
_lock = threading.Lock()


def open_channel() -> None:
    """Reserve the process's stdout for events; route all other stdout writes to stderr."""
    global _channel
    if _channel is not None:
        return
    sys.stdout.flush()
    _channel = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr


def _clean(value: Any) -> Any:
    # JSON has no NaN/Infinity; the caller's JSON.parse would reject them.
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def emit(event: str, **fields: Any) -> None:
    """Write one event line and flush it, so the caller sees progress immediately."""
    line = json.dumps({"event": event, **_clean(fields)}, ensure_ascii=False) + "\n"
    with _lock:
        out = _channel or sys.stdout
        out.write(line)
        out.flush()
