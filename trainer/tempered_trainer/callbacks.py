"""Trainer callbacks: progress events, early-stop events and cooperative cancellation."""

from __future__ import annotations

import os
import time
from typing import Any

from transformers import EarlyStoppingCallback, TrainerCallback

from .acks import CheckpointAcks
from .cancel import Cancellation
from .events import emit
from .liveness import Liveness


class EventCallback(TrainerCallback):
    """Turns Trainer lifecycle hooks into `started`, `step`, `eval` and `checkpoint` events."""

    def __init__(self, started: dict[str, Any]):
        self.started = started
        self._mark_time = 0.0
        self._mark_tokens = 0

    def _mark(self, state: Any) -> None:
        # Throughput covers training only: restart the clock after evals and saves.
        self._mark_time = time.perf_counter()
        self._mark_tokens = state.num_input_tokens_seen or 0

    def on_train_begin(self, args, state, control, **kwargs):
        # max_steps is final here (epochs already converted to steps), so this is the place for `started`.
        emit("started", **self.started, total_steps=state.max_steps, resumed_from_step=state.global_step)
        self._mark(state)

    def on_log(self, args, state, control, logs=None, **kwargs):
        if not logs or "loss" not in logs:
            return  # eval metrics and the end-of-training summary are reported elsewhere
        elapsed = time.perf_counter() - self._mark_time
        tokens = (state.num_input_tokens_seen or 0) - self._mark_tokens
        emit(
            "step",
            step=state.global_step,
            total_steps=state.max_steps,
            epoch=round(float(logs.get("epoch", state.epoch or 0.0)), 4),
            loss=logs["loss"],
            learning_rate=logs.get("learning_rate"),
            grad_norm=logs.get("grad_norm"),
            tokens_per_s=round(tokens / elapsed, 1) if elapsed > 0 else None,
        )
        self._mark(state)

    def on_evaluate(self, args, state, control, metrics=None, **kwargs):
        emit("eval", step=state.global_step, eval_loss=(metrics or {}).get("eval_loss"))
        self._mark(state)

    def on_save(self, args, state, control, **kwargs):
        path = os.path.abspath(os.path.join(args.output_dir, f"checkpoint-{state.global_step}"))
        best = state.best_model_checkpoint
        best_step = state.best_global_step if best and os.path.isdir(best) else None
        emit("checkpoint", step=state.global_step, path=path, best_step=best_step, best_path=best if best_step else None)
        self._mark(state)


class ProgressCallback(TrainerCallback):
    """Marks progress for the liveness thread, and keeps checkpoints in step with the worker's uploads.

    With acknowledgements on, a checkpoint is saved only once the previous one is uploaded (saving may rotate
    it away), and training ends only once the last one is.
    """

    def __init__(self, liveness: Liveness, acks: CheckpointAcks | None):
        self.liveness = liveness
        self.acks = acks

    def _wait_for_upload(self, state) -> None:
        if self.acks is not None:
            self.liveness.mark("uploading", state.global_step)
            self.acks.wait(on_wait=lambda: self.liveness.mark())

    def on_step_end(self, args, state, control, **kwargs):
        self.liveness.mark("training", state.global_step)
        if control.should_save:
            self._wait_for_upload(state)

    def on_prediction_step(self, args, state, control, **kwargs):
        self.liveness.mark("evaluating")

    def on_save(self, args, state, control, **kwargs):
        self.liveness.mark("training", state.global_step)
        if self.acks is not None:
            self.acks.announced(state.global_step)

    def on_train_end(self, args, state, control, **kwargs):
        self._wait_for_upload(state)


class EarlyStoppingEvents(EarlyStoppingCallback):
    """The stock early stopping, plus an `early_stop` event when it fires."""

    def on_evaluate(self, args, state, control, metrics, **kwargs):
        already = control.should_training_stop
        super().on_evaluate(args, state, control, metrics, **kwargs)
        if control.should_training_stop and not already:
            # Runs before the Trainer records this eval, so best_* still describe the earlier best.
            emit(
                "early_stop",
                step=state.global_step,
                best_step=state.best_global_step,
                best_eval_loss=state.best_metric,
            )


class CancelCallback(TrainerCallback):
    """On a cancellation request: checkpoint at the end of the current step, then stop training."""

    def __init__(self, cancel: Cancellation):
        self.cancel = cancel
        self.stopped_at: int | None = None

    def on_step_end(self, args, state, control, **kwargs):
        if self.cancel.requested and self.stopped_at is None:
            control.should_save = True
            control.should_training_stop = True
            self.stopped_at = state.global_step
