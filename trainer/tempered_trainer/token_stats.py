"""The `token-stats` command: how long the records are in the base model's tokens, and how many the
trainer would truncate at max_length. Counted with the same chat template the trainer applies."""

from __future__ import annotations

import json
from typing import Any

from .cancel import Cancellation
from .config import TokenStatsConfig
from .data import _ids
from .events import emit
from .models import load_tokenizer, resolve


def run_token_stats(cfg: TokenStatsConfig, cancel: Cancellation) -> None:
    path, kwargs = resolve(cfg.base_model, cfg.gguf_file, cfg.seed)
    tokenizer = load_tokenizer(path, **kwargs)
    cancel.deferred()
    lengths: list[int] = []
    for file in cfg.files:
        with open(file, encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                messages: list[dict[str, Any]] = json.loads(line)["messages"]
                lengths.append(len(_ids(tokenizer, messages, generation_prompt=False)))
                if len(lengths) % 1000 == 0:
                    cancel.check(0)
                    emit("progress", done=len(lengths))
    lengths.sort()
    count = len(lengths)

    def quantile(p: float) -> int:
        return lengths[min(count - 1, int(p * count))] if count else 0

    emit(
        "done",
        records=count,
        max_length=cfg.max_length,
        truncated=sum(1 for n in lengths if n > cfg.max_length),
        mean=(sum(lengths) / count) if count else 0,
        p50=quantile(0.5),
        p95=quantile(0.95),
        max=lengths[-1] if count else 0,
    )
