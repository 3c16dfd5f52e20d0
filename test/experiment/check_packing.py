"""Measures packing against padding on the tiny model; prints one JSON line for test/experiment/packing.test.ts.

Usage: check_packing.py <chat jsonl> <max_length> <batch_size> <seed>
"""

from __future__ import annotations

import json
import sys

import torch
from tempered_trainer.data import IGNORE, ChatDataset, PadCollator, read_jsonl
from tempered_trainer.models import load_base
from tempered_trainer.packing import PackedCollator, pack_examples


def batches(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def main() -> None:
    path, max_length, batch_size, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    tokenizer, model = load_base("tiny:llama", None, seed)
    model.eval()
    examples = ChatDataset(tokenizer, read_jsonl(path), max_length, path).examples
    packs = pack_examples(examples, max_length, seed)
    pad_id = tokenizer.pad_token_id
    padded = PadCollator(pad_id)
    packed = PackedCollator(pad_id)

    # One batch holding every example, both ways: the mean loss per assistant token must agree.
    losses: dict[str, dict[str, float]] = {}
    with torch.no_grad():
        for implementation in ("sdpa", "eager"):
            model.set_attn_implementation(implementation)
            as_packs = packed(packs)
            # The same rows with positions that run on across examples: attention then crosses the boundaries.
            run_on = dict(as_packs, position_ids=torch.arange(as_packs["input_ids"].shape[1]).expand_as(as_packs["input_ids"]))
            losses[implementation] = {
                "padded": model(**padded(examples)).loss.item(),
                "packed": model(**as_packs).loss.item(),
                "positions_running_on": model(**run_on).loss.item(),
            }

    def pad_tokens(rows: list, collate) -> int:
        return sum(int((collate(b)["input_ids"] == pad_id).sum()) for b in batches(rows, batch_size))

    def loss_tokens(rows: list, collate) -> int:
        # Labels are shifted inside the model: position 0 of each row is never predicted.
        return sum(int((collate(b)["labels"][:, 1:] != IGNORE).sum()) for b in batches(rows, batch_size))

    result = {
        "losses": losses,
        "examples": len(examples),
        "sequences": len(packs),
        "longest_sequence": max(len(p["input_ids"]) for p in packs),
        "tokens": sum(len(e["input_ids"]) for e in examples),
        "packed_tokens": sum(len(p["input_ids"]) for p in packs),
        "pad_tokens": {"padded": pad_tokens(examples, padded), "packed": pad_tokens(packs, packed)},
        "loss_tokens": {"padded": loss_tokens(examples, padded), "packed": loss_tokens(packs, packed)},
        "same_for_same_seed": pack_examples(examples, max_length, seed) == packs,
        "differs_for_other_seed": pack_examples(examples, max_length, seed + 1) != packs,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
