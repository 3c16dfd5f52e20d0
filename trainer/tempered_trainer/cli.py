"""Command line: `python -m tempered_trainer <train|evaluate|export|inspect-model|token-stats> --config <file.json | JSON>`.

Exit codes: 0 done, 1 runtime/oom error, 2 config/data error, 3 cancelled (SIGTERM/SIGINT).
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Callable
from typing import Any

from .cancel import Cancellation, Cancelled
from .errors import ConfigError, classify
from .events import emit, open_channel
from .watchdog import watch_parent


def _offline_env() -> None:
    # Must happen before transformers/huggingface_hub are imported: they read these at import time.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ["HF_DATASETS_OFFLINE"] = "1"
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"
    os.environ["TQDM_DISABLE"] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # Busy-waiting OpenMP workers collapse throughput (20 -> 0.6 tokens/s measured) when several
    # trainers share a few cores; sleeping workers cost little when the machine is idle.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")


def _quiet_libraries() -> None:
    import logging
    import warnings

    import transformers

    # Trainer's own token counting trips this torch advisory on every step; it is harmless.
    warnings.filterwarnings("ignore", message="To copy construct from a tensor")
    warnings.filterwarnings("ignore", message="mtime may not be reliable")
    # PEFT looks for config.json next to a GGUF base to detect vocabulary changes; there is none.
    warnings.filterwarnings("ignore", message="Could not find a config file in")

    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
    transformers.logging.set_verbosity_warning()
    transformers.logging.disable_progress_bar()


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # Usage mistakes are config errors too, reported on the event channel.
        raise ConfigError(f"command line: {message}")


def _commands() -> dict[str, tuple[Callable[[dict], Any], Callable[[Any, Cancellation], None]]]:
    from . import config

    def run_train(cfg: Any, cancel: Cancellation) -> None:
        from .liveness import Liveness

        # Before torch and transformers are imported: on a busy host that alone can outlast a short heartbeat timeout.
        liveness = Liveness(cfg.liveness_interval_s, cfg.stall_timeout_s).start()
        emit("alive", phase="starting", step=0, idle_s=0.0)
        _quiet_libraries()
        from .train import run_train as run

        run(cfg, cancel, liveness)

    def run_evaluate(cfg: Any, cancel: Cancellation) -> None:
        _quiet_libraries()
        from .evaluate import run_evaluate as run

        run(cfg, cancel)

    def run_export(cfg: Any, cancel: Cancellation) -> None:
        _quiet_libraries()
        from .export import run_export as run

        run(cfg, cancel)

    def run_token_stats(cfg: Any, cancel: Cancellation) -> None:
        _quiet_libraries()
        from .token_stats import run_token_stats as run

        run(cfg, cancel)

    def run_inspect(cfg: Any, _cancel: Cancellation) -> None:
        _quiet_libraries()
        from .models import describe

        info = describe(cfg)
        emit("model", **info)
        # Every successful command ends with `done`, so callers can treat all commands alike.
        emit("done", **info)

    return {
        "train": (config.parse_train_config, run_train),
        "evaluate": (config.parse_eval_config, run_evaluate),
        "export": (config.parse_export_config, run_export),
        "inspect-model": (config.parse_model_config, run_inspect),
        "token-stats": (config.parse_token_stats_config, run_token_stats),
    }


def main(argv: list[str] | None = None) -> int:
    watch_parent()  # first: a trainer whose worker died must not load a model, let alone train
    _offline_env()
    open_channel()
    cancel = Cancellation().install()
    commands = _commands()
    parser = _Parser(prog="python -m tempered_trainer", description=__doc__)
    parser.add_argument("command", choices=sorted(commands))
    parser.add_argument("--config", required=True, help="JSON config file, or inline JSON starting with '{'")
    try:
        args = parser.parse_args(argv)
        from .config import read_config_source

        parse, run = commands[args.command]
        cfg = parse(read_config_source(args.config))  # every config check happens before any model loads
        run(cfg, cancel)
        return 0
    except Cancelled as stop:
        emit("cancelled", step=stop.step)
        return 3
    except Exception as exc:  # noqa: BLE001 - every failure must become an `error` event
        kind, code = classify(exc)
        if kind in ("runtime", "oom"):
            traceback.print_exc(file=sys.stderr)
            message = f"{type(exc).__name__}: {exc}"
        else:
            message = str(exc)
        emit("error", type=kind, message=message[:4000])
        return code
