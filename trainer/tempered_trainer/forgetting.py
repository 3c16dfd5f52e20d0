"""The forgetting guard: general-purpose replay examples mixed into training, and a general held-out loss."""

from __future__ import annotations

import random
import sys
from typing import Any

from .cancel import Cancellation
from .config import EvalConfig, TrainConfig
from .data import Record
from .liveness import Liveness


def replay_count(train_examples: int, share: float) -> int:
    """How many replay examples make `share` of the combined training set: r / (train + r) = share."""
    return max(1, round(train_examples * share / (1 - share)))


def sample_replay(pool: list[dict[str, list[int]]], count: int, seed: int, name: str) -> list[dict[str, list[int]]]:
    """`count` examples of the pool, drawn with the seed: none twice while the pool lasts, whole passes beyond."""
    passes, rest = divmod(count, len(pool))
    if passes:
        print(
            f"[tempered] {name}: {count} replay examples asked of {len(pool)}; each is used {passes} or more times",
            file=sys.stderr,
        )
    chosen = list(range(len(pool))) * passes + random.Random(f"{seed}:replay").sample(range(len(pool)), rest)
    return [pool[i] for i in chosen]


class _ProgressingCancellation:
    """A cancellation check that also tells the liveness thread a loss batch is done, and reports the training step."""

    def __init__(self, cancel: Cancellation, liveness: Liveness, step: int):
        self.cancel = cancel
        self.liveness = liveness
        self.step = step

    def check(self, _step: int) -> None:
        self.liveness.mark()
        self.cancel.check(self.step)


def held_out_loss(
    model: Any,
    tokenizer: Any,
    records: list[Record],
    cfg: TrainConfig,
    cancel: Cancellation,
    liveness: Liveness,
    step: int,
) -> float:
    """Mean loss per assistant token on the held-out records, measured as the `evaluate` command measures it."""
    from .evaluate import mean_loss  # noqa: PLC0415 (evaluate imports the model stack)

    measure = EvalConfig(
        base_model=cfg.base_model,
        gguf_file=cfg.gguf_file,
        test_file=cfg.held_out_file or "",
        max_length=cfg.max_length,
        batch_size=cfg.batch_size,
        seed=cfg.seed,
    )
    was_training = model.training
    model.eval()  # no dropout, and no draw from the RNG whose state a checkpoint restores
    try:
        loss, _ = mean_loss(model, tokenizer, records, measure, _ProgressingCancellation(cancel, liveness, step))
    finally:
        model.train(was_training)
    return round(loss, 6)
