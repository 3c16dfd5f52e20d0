"""The `evaluate` command: assistant-token loss/perplexity and timed greedy predictions."""

from __future__ import annotations

import json
import math
import os
import sys
import time
from typing import Any

from .cancel import Cancellation
from .config import EvalConfig
from .data import IGNORE, ChatDataset, PadCollator, Record, prompt_ids, read_jsonl
from .events import emit
from .models import load_base, load_tokenizer


def _training_record(adapter_dir: str) -> dict[str, Any]:
    path = os.path.join(adapter_dir, "tempered_training.json")
    if not os.path.isfile(path):
        return {}
    with open(path, encoding="utf-8") as fh:
        return json.load(fh).get("config", {})


def load_for_eval(cfg: EvalConfig) -> tuple[Any, Any]:
    """(tokenizer, model): the base model, base + merged LoRA adapter, or a fully fine-tuned model."""
    from transformers import AutoModelForCausalLM

    adapter = cfg.adapter_dir
    if adapter and not os.path.isfile(os.path.join(adapter, "adapter_config.json")):
        tokenizer = load_tokenizer(adapter)
        return tokenizer, AutoModelForCausalLM.from_pretrained(adapter)

    seed = cfg.seed
    if adapter:
        trained = _training_record(adapter)
        if trained.get("base_model") not in (None, cfg.base_model):
            print(
                f"[tempered] warning: adapter was trained on {trained['base_model']!r}, "
                f"evaluating on {cfg.base_model!r}",
                file=sys.stderr,
            )
        # tiny: weights come from the seed, so the adapter only fits the base built with the training seed.
        if cfg.base_model.startswith("tiny:") and isinstance(trained.get("seed"), int):
            seed = trained["seed"]
    tokenizer, model = load_base(cfg.base_model, cfg.gguf_file, seed)
    if adapter:
        from peft import PeftModel

        if os.path.isfile(os.path.join(adapter, "tokenizer_config.json")):
            tokenizer = load_tokenizer(adapter)
        # Merging removes the adapter's per-layer overhead from every generated token.
        model = PeftModel.from_pretrained(model, adapter).merge_and_unload()
    return tokenizer, model


def mean_loss(
    model: Any, tokenizer: Any, records: list[Record], cfg: EvalConfig, cancel: Cancellation
) -> tuple[float, int]:
    """(mean NLL per assistant token, number of assistant tokens), padding and prompts excluded."""
    import torch
    import torch.nn.functional as F

    dataset = ChatDataset(tokenizer, records, cfg.max_length, cfg.test_file)
    collate = PadCollator(tokenizer.pad_token_id)
    total, count = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(dataset), cfg.batch_size):
            cancel.check(0)
            batch = collate([dataset[i] for i in range(start, min(start + cfg.batch_size, len(dataset)))])
            batch = {k: v.to(model.device) for k, v in batch.items()}
            logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
            labels = batch["labels"][:, 1:]
            total += F.cross_entropy(
                logits[:, :-1].float().reshape(-1, logits.size(-1)),
                labels.reshape(-1),
                ignore_index=IGNORE,
                reduction="sum",
            ).item()
            count += int((labels != IGNORE).sum())
    return total / max(count, 1), count


def _stop_ids(tokenizer: Any, model: Any) -> list[int]:
    ids = set()
    configured = getattr(model.generation_config, "eos_token_id", None)
    ids.update(configured if isinstance(configured, list) else [configured])
    ids.add(tokenizer.eos_token_id)
    im_end = tokenizer.convert_tokens_to_ids("<|im_end|>")
    if im_end is not None and im_end != tokenizer.unk_token_id:
        ids.add(im_end)
    return sorted(i for i in ids if isinstance(i, int))


def run_evaluate(cfg: EvalConfig, cancel: Cancellation) -> None:
    import torch
    from transformers import GenerationConfig

    records = read_jsonl(cfg.test_file, limit=cfg.max_samples)
    torch.manual_seed(cfg.seed)
    tokenizer, model = load_for_eval(cfg)
    if torch.cuda.is_available() and model.device.type == "cpu":
        model.to("cuda")
    model.eval()
    cancel.deferred()  # stop between batches/samples so the temp file is cleaned up
    emit("started", samples=len(records))

    loss, _ = mean_loss(model, tokenizer, records, cfg, cancel)
    stops = _stop_ids(tokenizer, model)
    generation = GenerationConfig(
        max_new_tokens=cfg.max_new_tokens,
        do_sample=False,
        eos_token_id=stops,
        pad_token_id=tokenizer.pad_token_id,
    )
    tmp = f"{cfg.predictions_file}.tmp-{os.getpid()}"
    gen_tokens, gen_seconds = 0, 0.0
    try:
        with open(tmp, "w", encoding="utf-8") as out, torch.no_grad():
            for done, record in enumerate(records, 1):
                cancel.check(done - 1)
                ids = prompt_ids(tokenizer, record, cfg.max_length)
                input_ids = torch.tensor([ids], device=model.device)
                started = time.perf_counter()
                output = model.generate(
                    input_ids=input_ids,
                    attention_mask=torch.ones_like(input_ids),
                    generation_config=generation,
                )
                latency = time.perf_counter() - started
                new = output[0, len(ids) :].tolist()
                gen_tokens += len(new)
                gen_seconds += latency
                line = {
                    "id": record.id,
                    "category": record.category,
                    "reference": record.reference,
                    "prediction": tokenizer.decode(new, skip_special_tokens=True).strip(),
                    "latency_s": round(latency, 4),
                    "new_tokens": len(new),
                }
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
                emit("progress", done=done, total=len(records))
        os.replace(tmp, cfg.predictions_file)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)

    emit(
        "done",
        predictions_file=os.path.abspath(cfg.predictions_file),
        samples=len(records),
        loss=round(loss, 6),
        perplexity=round(math.exp(loss), 4) if loss < 700 else None,
        tokens_per_s=round(gen_tokens / gen_seconds, 2) if gen_seconds > 0 else None,
    )
