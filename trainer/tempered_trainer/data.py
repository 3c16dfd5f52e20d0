"""Chat JSONL datasets: validation, chat-template tokenisation with assistant-only labels, padding."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any

from .errors import DataError

IGNORE = -100
ROLES = ("system", "user", "assistant")


@dataclass
class Record:
    """One dataset line: a conversation whose last message is the reference answer."""

    id: str
    messages: list[dict[str, str]]
    category: str | None

    @property
    def prompt(self) -> list[dict[str, str]]:
        return self.messages[:-1]

    @property
    def reference(self) -> str:
        return self.messages[-1]["content"]


def _record(obj: Any, where: str) -> Record:
    if not isinstance(obj, dict):
        raise DataError(f"{where}: expected a JSON object")
    messages = obj.get("messages")
    if not isinstance(messages, list) or not messages:
        raise DataError(f"{where}: 'messages' must be a non-empty list")
    for i, m in enumerate(messages):
        if not isinstance(m, dict) or m.get("role") not in ROLES or not isinstance(m.get("content"), str):
            raise DataError(f"{where}: messages[{i}] must be {{role: system|user|assistant, content: string}}")
    if messages[-1]["role"] != "assistant":
        raise DataError(f"{where}: the last message must have role 'assistant'")
    if len(messages) < 2:
        raise DataError(f"{where}: expected at least one prompt message before the assistant answer")
    category = obj.get("category")
    if category is not None and not isinstance(category, str):
        raise DataError(f"{where}: 'category' must be a string or null")
    rid = obj.get("id")
    if not isinstance(rid, (str, int)) or isinstance(rid, bool):
        raise DataError(f"{where}: 'id' must be a string")
    return Record(
        id=str(rid), messages=[{"role": m["role"], "content": m["content"]} for m in messages], category=category
    )


def read_jsonl(path: str, limit: int | None = None) -> list[Record]:
    """All records of a JSONL file (blank lines skipped); errors name the file and line."""
    records: list[Record] = []
    try:
        with open(path, encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                where = f"{path}:{lineno}"
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise DataError(f"{where}: invalid JSON ({exc.msg})") from None
                records.append(_record(obj, where))
                if limit is not None and len(records) >= limit:
                    break
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot read ({exc})") from None
    if not records:
        raise DataError(f"{path}: no records")
    return records


def _ids(tokenizer: Any, messages: list[dict[str, str]], generation_prompt: bool) -> list[int]:
    out = tokenizer.apply_chat_template(messages, tokenize=True, add_generation_prompt=generation_prompt)
    # Some tokenizers return a BatchEncoding-like mapping instead of a list.
    return list(out["input_ids"] if isinstance(out, dict) or hasattr(out, "keys") else out)


def prompt_ids(tokenizer: Any, record: Record, max_length: int) -> list[int]:
    """Prompt tokens ending with the assistant header; long prompts keep their end."""
    ids = _ids(tokenizer, record.prompt, generation_prompt=True)
    return ids[-max_length:]


def encode(tokenizer: Any, record: Record, max_length: int) -> dict[str, list[int]] | None:
    """input_ids + labels (-100 over the prompt), or None when truncation leaves no answer token."""
    full = _ids(tokenizer, record.messages, generation_prompt=False)
    prefix = _ids(tokenizer, record.prompt, generation_prompt=True)
    n_prompt = len(prefix)
    if full[:n_prompt] != prefix:
        # Token merges across the boundary: fall back to the longest common prefix.
        n_prompt = next(
            (i for i, (a, b) in enumerate(zip(full, prefix, strict=False)) if a != b), min(len(full), len(prefix))
        )
    full = full[:max_length]
    labels = [IGNORE] * min(n_prompt, len(full)) + full[n_prompt:]
    if all(label == IGNORE for label in labels):
        return None
    return {"input_ids": full, "labels": labels}


class ChatDataset:
    """Tokenised records, as the list-like dataset the Trainer expects."""

    def __init__(self, tokenizer: Any, records: list[Record], max_length: int, name: str):
        self.examples = []
        self.records = []
        for record in records:
            enc = encode(tokenizer, record, max_length)
            if enc is not None:
                self.examples.append(enc)
                self.records.append(record)
        dropped = len(records) - len(self.examples)
        if dropped:
            print(
                f"[tempered] {name}: {dropped} record(s) dropped: prompt longer than max_length={max_length}",
                file=sys.stderr,
            )
        if not self.examples:
            raise DataError(f"{name}: every record's prompt is longer than max_length={max_length}")

    def __len__(self) -> int:
        return len(self.examples)

    def __getitem__(self, i: int) -> dict[str, list[int]]:
        return self.examples[i]

    def token_count(self) -> int:
        return sum(len(e["input_ids"]) for e in self.examples)


class PadCollator:
    """Right-pads a batch to its longest example; padding is masked and ignored by the loss."""

    def __init__(self, pad_token_id: int):
        self.pad_token_id = pad_token_id

    def __call__(self, batch: list[dict[str, list[int]]]) -> dict[str, Any]:
        import torch

        width = max(len(e["input_ids"]) for e in batch)
        input_ids, attention, labels = [], [], []
        for e in batch:
            pad = width - len(e["input_ids"])
            input_ids.append(e["input_ids"] + [self.pad_token_id] * pad)
            attention.append([1] * len(e["input_ids"]) + [0] * pad)
            labels.append(e["labels"] + [IGNORE] * pad)
        return {
            "input_ids": torch.tensor(input_ids, dtype=torch.long),
            "attention_mask": torch.tensor(attention, dtype=torch.long),
            "labels": torch.tensor(labels, dtype=torch.long),
        }
