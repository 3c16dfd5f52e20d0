"""The `train` command: fine-tune with the HF Trainer and save the result to output_dir/model."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import time
from typing import Any

from . import __version__
from .acks import CheckpointAcks
from .cancel import Cancellation, Cancelled
from .config import TrainConfig
from .data import ChatDataset, PadCollator, Record, read_jsonl
from .events import emit
from .forgetting import held_out_loss, replay_count, sample_replay
from .liveness import Liveness
from .models import apply_method, count_parameters, load_base, qlora_quantization
from .packing import PackedCollator, pack_examples


def _training_args(cfg: TrainConfig, has_validation: bool) -> Any:
    import torch
    from transformers import TrainingArguments

    cuda = torch.cuda.is_available()
    bf16 = cuda and torch.cuda.is_bf16_supported()
    return TrainingArguments(
        output_dir=cfg.output_dir,
        num_train_epochs=cfg.epochs,
        max_steps=cfg.max_steps if cfg.max_steps is not None else -1,
        per_device_train_batch_size=cfg.batch_size,
        per_device_eval_batch_size=cfg.batch_size,
        gradient_accumulation_steps=cfg.gradient_accumulation_steps,
        learning_rate=cfg.learning_rate,
        warmup_steps=cfg.warmup_steps,
        seed=cfg.seed,
        bf16=bf16,
        fp16=cuda and not bf16,
        logging_strategy="steps",
        logging_steps=cfg.logging_steps,
        eval_strategy="steps" if has_validation else "no",
        eval_steps=cfg.eval_steps,
        save_strategy="steps",
        save_steps=cfg.save_steps,
        # The best checkpoint is kept on top of the limit, so 3 means "the last 2 plus the best".
        save_total_limit=3 if has_validation else 2,
        load_best_model_at_end=has_validation,
        metric_for_best_model="eval_loss" if has_validation else None,
        greater_is_better=False if has_validation else None,
        label_names=["labels"],
        remove_unused_columns=False,
        include_num_input_tokens_seen="non_padding",
        dataloader_num_workers=0,
        dataloader_pin_memory=cuda,
        report_to="none",
        disable_tqdm=True,
        log_level="warning",
    )


def _save_final(trainer: Any, cfg: TrainConfig, metrics: dict[str, Any]) -> str:
    """Save adapter or full model + tokenizer + training record, replacing any previous result atomically."""
    final = os.path.abspath(os.path.join(cfg.output_dir, "model"))
    staging = final + ".partial"
    shutil.rmtree(staging, ignore_errors=True)
    trainer.save_model(staging)  # a PeftModel saves only its adapter; processing_class adds the tokenizer
    training_args = os.path.join(staging, "training_args.bin")
    if os.path.exists(training_args):
        os.remove(training_args)  # a pickle the consumers of this directory never need
    record = {"trainer_version": __version__, "config": dataclasses.asdict(cfg), "metrics": metrics}
    with open(os.path.join(staging, "tempered_training.json"), "w", encoding="utf-8") as fh:
        json.dump(record, fh, indent=2)
    shutil.rmtree(final, ignore_errors=True)
    os.rename(staging, final)
    return final


def _relocate_best(checkpoint: str, output_dir: str) -> None:
    """A checkpoint written on another host names its best checkpoint by that host's path: point it here."""
    state_file = os.path.join(checkpoint, "trainer_state.json")
    with open(state_file, encoding="utf-8") as fh:
        state = json.load(fh)
    best = state.get("best_model_checkpoint")
    if best:
        state["best_model_checkpoint"] = os.path.join(os.path.abspath(output_dir), os.path.basename(best.rstrip("/")))
        with open(state_file, "w", encoding="utf-8") as fh:
            json.dump(state, fh, indent=2)


def _loss_history(log_history: list[dict[str, Any]]) -> tuple[float | None, float | None]:
    """(mean training loss over all steps, loss of the last logged step), from the log a resume carries over.

    The Trainer's own `training_loss` averages only the losses of the current process, which a resume
    would make differ from an uninterrupted run.
    """
    total, steps, previous, last = 0.0, 0, 0, None
    for entry in log_history:
        if "loss" in entry and "step" in entry:
            span = entry["step"] - previous
            total += entry["loss"] * span
            steps += span
            previous, last = entry["step"], entry["loss"]
    return (total / steps if steps else None), last


def _loss_curve(log_history: list[dict[str, Any]]) -> dict[str, list[list[float]]]:
    """Every logged training loss and validation loss as [step, loss], the resumed steps' included: the run report's curves."""
    return {
        "train": [[entry["step"], entry["loss"]] for entry in log_history if "loss" in entry and "step" in entry],
        "validation": [[entry["step"], entry["eval_loss"]] for entry in log_history if "eval_loss" in entry and "step" in entry],
    }


def _training_sequences(
    cfg: TrainConfig, tokenizer: Any, train_ds: ChatDataset, replay_records: list[Record] | None
) -> tuple[list[dict[str, list[int]]], int]:
    """(what the Trainer iterates: examples or packed sequences, number of replay examples among them).

    Deterministic for the seed and the data, so a resumed run rebuilds the same list and its saved data
    position stays valid.
    """
    examples = list(train_ds.examples)
    replayed = 0
    if replay_records is not None and cfg.replay_file and cfg.replay_share is not None:
        pool = ChatDataset(tokenizer, replay_records, cfg.max_length, cfg.replay_file)
        replayed = replay_count(len(examples), cfg.replay_share)
        examples += sample_replay(pool.examples, replayed, cfg.seed, cfg.replay_file)
    if cfg.packing:
        return pack_examples(examples, cfg.max_length, cfg.seed), replayed
    return examples, replayed


def run_train(cfg: TrainConfig, cancel: Cancellation, liveness: Liveness | None = None) -> None:
    from transformers import PrinterCallback, Trainer, set_seed

    from .callbacks import CancelCallback, EarlyStoppingEvents, EventCallback, ProgressCallback

    started_at = time.perf_counter()
    liveness = liveness or Liveness(cfg.liveness_interval_s, cfg.stall_timeout_s).start()
    acks = CheckpointAcks() if cfg.checkpoint_acks else None
    # Parse datasets before loading the model, so malformed data fails fast.
    liveness.mark("reading data")
    train_records = read_jsonl(cfg.train_file)
    val_records = read_jsonl(cfg.validation_file) if cfg.validation_file else None
    replay_records = read_jsonl(cfg.replay_file) if cfg.replay_file else None
    held_out_records = read_jsonl(cfg.held_out_file) if cfg.held_out_file else None

    liveness.mark("loading model")
    quantization = qlora_quantization() if cfg.method == "qlora" else None
    tokenizer, model = load_base(cfg.base_model, cfg.gguf_file, cfg.seed, quantization)
    # Adapter weights are drawn from the global RNG here, before the Trainer seeds it itself.
    set_seed(cfg.seed)
    model = apply_method(model, cfg.method, cfg.lora)

    liveness.mark("tokenizing")
    train_ds = ChatDataset(tokenizer, train_records, cfg.max_length, cfg.train_file)
    val_ds = ChatDataset(tokenizer, val_records, cfg.max_length, cfg.validation_file) if val_records else None
    sequences, replayed = _training_sequences(cfg, tokenizer, train_ds, replay_records)
    total, trainable = count_parameters(model)
    if cfg.resume_from_checkpoint:
        _relocate_best(cfg.resume_from_checkpoint, cfg.output_dir)

    os.makedirs(cfg.output_dir, exist_ok=True)
    cancel.deferred()  # from here on a signal means "checkpoint, then stop"
    events = EventCallback(
        {
            "base_model": cfg.base_model,
            "method": cfg.method,
            "parameters": total,
            "trainable_parameters": trainable,
            "train_examples": len(train_ds),
            "validation_examples": len(val_ds) if val_ds else 0,
            "replay_examples": replayed,
            "held_out_examples": len(held_out_records) if held_out_records else 0,
            "packing": cfg.packing,
            "train_sequences": len(sequences),
        }
    )
    stopper = CancelCallback(cancel)
    callbacks: list[Any] = [events, stopper, ProgressCallback(liveness, acks)]
    if val_ds is not None and cfg.early_stopping_patience > 0:
        callbacks.append(EarlyStoppingEvents(early_stopping_patience=cfg.early_stopping_patience))

    trainer = Trainer(
        model=model,
        args=_training_args(cfg, val_ds is not None),
        train_dataset=sequences,
        eval_dataset=val_ds,
        data_collator=(PackedCollator if cfg.packing else PadCollator)(tokenizer.pad_token_id),
        processing_class=tokenizer,
        callbacks=callbacks,
    )
    trainer.remove_callback(PrinterCallback)  # it prints raw log dicts; EventCallback reports them
    loss_before = None
    if held_out_records:
        # Measured on every attempt, before a checkpoint's weights load: the base model's loss (a fresh LoRA
        # adapter changes nothing), on the device the Trainer placed the model on.
        liveness.mark("measuring held-out loss")
        loss_before = held_out_loss(trainer.model, tokenizer, held_out_records, cfg, cancel, liveness, 0)
    liveness.mark("training")
    result = trainer.train(resume_from_checkpoint=cfg.resume_from_checkpoint)
    state = trainer.state
    if stopper.stopped_at is not None:
        raise Cancelled(state.global_step)
    loss_after = None
    if held_out_records:
        liveness.mark("measuring held-out loss")  # the model is the best checkpoint's by now
        step = state.global_step
        loss_after = held_out_loss(trainer.model, tokenizer, held_out_records, cfg, cancel, liveness, step)
    best = os.path.abspath(state.best_model_checkpoint) if state.best_model_checkpoint else None
    train_loss, final_loss = _loss_history(state.log_history)

    metrics = {
        "train_loss": train_loss,
        "final_loss": final_loss,
        "steps": state.global_step,
        "best_checkpoint": best,
        "best_step": state.best_global_step if best else None,
        "best_eval_loss": state.best_metric,
        "train_runtime_s": result.metrics.get("train_runtime"),
        "replay_examples": replayed,
        "held_out_loss_before": loss_before,
        "held_out_loss_after": loss_after,
    }
    liveness.mark("saving")
    model_dir = _save_final(trainer, cfg, metrics)
    liveness.stop()
    emit(
        "done",
        model_dir=model_dir,
        best_checkpoint=best,
        best_step=metrics["best_step"],
        best_eval_loss=state.best_metric,
        train_loss=train_loss,
        final_loss=final_loss,
        steps=state.global_step,
        replay_examples=replayed,
        held_out_loss_before=loss_before,
        held_out_loss_after=loss_after,
        loss_curve=_loss_curve(state.log_history),
        runtime_s=round(time.perf_counter() - started_at, 3),
    )
