"""Failure kinds the caller tells apart, and how each maps to an `error` event and exit code."""

from __future__ import annotations


class TrainerError(Exception):
    """A failure with a known kind; the message is shown to the user as is."""

    kind = "runtime"
    exit_code = 1


class ConfigError(TrainerError):
    """The config is invalid: unknown keys, wrong types, missing files, unsupported combinations."""

    kind = "config"
    exit_code = 2


class DataError(TrainerError):
    """A dataset file is unreadable or holds malformed records."""

    kind = "data"
    exit_code = 2


def classify(exc: BaseException) -> tuple[str, int]:
    """(error type, exit code) for any exception escaping a command."""
    if isinstance(exc, TrainerError):
        return exc.kind, exc.exit_code
    if isinstance(exc, MemoryError):
        return "oom", 1
    # torch.OutOfMemoryError subclasses RuntimeError; CPU allocation failures are plain RuntimeErrors.
    if type(exc).__name__ == "OutOfMemoryError":
        return "oom", 1
    if isinstance(exc, RuntimeError):
        text = str(exc).lower()
        if "out of memory" in text or "can't allocate memory" in text:
            return "oom", 1
    return "runtime", 1
