"""Sequence packing: several tokenised examples per training sequence, attention kept within each example.

Packed sequences carry `position_ids` that restart at 0 for every example and no attention mask. For sdpa,
eager and flex attention, transformers 4.57 reads a packed layout from such position ids (masking_utils
`find_packed_sequence_indices`) and builds a block-diagonal causal mask, so no token attends across an example
boundary and rotary positions are those the example would have alone; flash attention reads the same position
ids natively. That detection is skipped when a KV cache is passed, hence `use_cache: False` in every batch.
"""

from __future__ import annotations

import random
from bisect import bisect_left, insort
from collections import deque
from typing import Any

from .data import IGNORE


def pack_examples(examples: list[dict[str, list[int]]], max_length: int, seed: int) -> list[dict[str, list[int]]]:
    """Best-fit packing of the examples, taken in an order shuffled with the seed, into sequences of <= max_length.

    Deterministic for a seed and a list of examples: a resumed run rebuilds the very same sequences, so the data
    position the Trainer saved in its checkpoint points at the same place.
    """
    order = list(range(len(examples)))
    random.Random(f"{seed}:packing").shuffle(order)
    members: list[list[int]] = []
    open_by_room: dict[int, deque[int]] = {}  # tokens left -> sequences with that much room, oldest first
    rooms: list[int] = []  # the keys of open_by_room, sorted
    for i in order:
        size = len(examples[i]["input_ids"])
        at = bisect_left(rooms, size)
        if at < len(rooms):
            room = rooms[at]
            target = open_by_room[room].popleft()
            if not open_by_room[room]:
                del open_by_room[room]
                rooms.pop(at)
        else:
            room, target = max_length, len(members)
            members.append([])
        members[target].append(i)
        left = room - size
        if left > 0:
            if left not in open_by_room:
                open_by_room[left] = deque()
                insort(rooms, left)
            open_by_room[left].append(target)
    return [_concatenate([examples[i] for i in group]) for group in members]


def _concatenate(group: list[dict[str, list[int]]]) -> dict[str, list[int]]:
    input_ids: list[int] = []
    labels: list[int] = []
    position_ids: list[int] = []
    for example in group:
        input_ids += example["input_ids"]
        # The previous example's last token must not learn to predict this one's first token.
        labels += [IGNORE] + example["labels"][1:]
        position_ids += range(len(example["input_ids"]))
    return {"input_ids": input_ids, "labels": labels, "position_ids": position_ids}


class PackedCollator:
    """Right-pads packed sequences (or single examples) and passes their restarting position ids, no attention mask.

    Padding gets position ids from 0 of its own, so it is a block no real token attends to, and carries no loss.
    """

    def __init__(self, pad_token_id: int):
        self.pad_token_id = pad_token_id

    def __call__(self, batch: list[dict[str, list[int]]]) -> dict[str, Any]:
        import torch

        width = max(len(e["input_ids"]) for e in batch)
        input_ids, labels, positions = [], [], []
        for e in batch:
            size = len(e["input_ids"])
            pad = width - size
            input_ids.append(e["input_ids"] + [self.pad_token_id] * pad)
            labels.append(e["labels"] + [IGNORE] * pad)
            positions.append(list(e.get("position_ids") or range(size)) + list(range(pad)))
        return {
            "input_ids": torch.tensor(input_ids, dtype=torch.long),
            "labels": torch.tensor(labels, dtype=torch.long),
            "position_ids": torch.tensor(positions, dtype=torch.long),
            "use_cache": False,
        }
