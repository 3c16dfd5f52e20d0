"""Typed command configs, parsed strictly from JSON so mistakes fail before any model loads."""

from __future__ import annotations

import json
import os
import types
import typing
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from typing import Any, Union

from .errors import ConfigError


@dataclass
class ModelConfig:
    """Which base model to load (the `inspect-model` config)."""

    base_model: str = field(
        metadata={"help": "`tiny:llama`, `package:<python_module>` (with gguf_file), or a local model directory."}
    )
    gguf_file: str | None = field(
        default=None, metadata={"help": "GGUF file name inside the package or directory; dequantised to fp32."}
    )


@dataclass
class LoraSettings:
    """LoRA adapter shape (used by the lora and qlora methods)."""

    r: int = field(metadata={"help": "Rank of the update matrices."})
    alpha: float = field(metadata={"help": "Scaling numerator; the update is scaled by alpha / r."})
    dropout: float = field(metadata={"help": "Dropout on the adapter input, in [0, 1)."})
    target_modules: list[str] = field(metadata={"help": "Names of the linear layers to adapt."})


@dataclass
class TrainConfig:
    """The `train` command: fine-tune base_model on train_file, evaluating on validation_file.

    Every field is required: the worker builds this config from the validated pipeline spec, whose schema is the
    only place with defaults, so a field it forgot fails here instead of silently taking a second default.
    """

    base_model: str = field(metadata={"help": "`tiny:<variant>`, `package:<python_module>` or a model directory."})
    gguf_file: str | None = field(metadata={"help": "GGUF file name inside the package or directory, or null."})
    method: str = field(metadata={"help": "`lora`, `full` or `qlora` (4-bit base, needs CUDA)."})
    lora: LoraSettings = field(metadata={"help": "LoRA settings."})
    epochs: float = field(metadata={"help": "Passes over train_file (ignored when max_steps is set)."})
    max_steps: int | None = field(metadata={"help": "Total optimizer steps, overriding epochs; or null."})
    batch_size: int = field(metadata={"help": "Examples per device per forward pass."})
    gradient_accumulation_steps: int = field(metadata={"help": "Forward passes per optimizer step."})
    learning_rate: float = field(metadata={"help": "Peak learning rate (linear decay)."})
    warmup_steps: int = field(metadata={"help": "Linear warmup steps."})
    max_length: int = field(metadata={"help": "Tokens kept per example (longer ones truncated)."})
    seed: int = field(metadata={"help": "Seed for data order, dropout and tiny: weights."})
    eval_steps: int = field(metadata={"help": "Evaluate on validation_file every N steps."})
    save_steps: int = field(metadata={"help": "Checkpoint every N steps (a multiple of eval_steps)."})
    early_stopping_patience: int = field(metadata={"help": "Stop after N evaluations without improvement; 0 disables."})
    logging_steps: int = field(metadata={"help": "Emit a `step` event every N optimizer steps."})
    train_file: str = field(metadata={"help": "Training JSONL file."})
    validation_file: str | None = field(
        metadata={"help": "Validation JSONL file, or null: then there is no eval or early stopping."}
    )
    packing: bool = field(
        metadata={"help": "Pack examples into sequences of up to max_length tokens; attention stays within each example."}
    )
    replay_file: str | None = field(
        metadata={"help": "General-purpose JSONL mixed into training against forgetting, or null."}
    )
    replay_share: float | None = field(
        metadata={"help": "Share of the training examples drawn from replay_file, in (0, 1); null without replay_file."}
    )
    held_out_file: str | None = field(
        metadata={"help": "General-purpose JSONL whose loss is reported before and after training, or null."}
    )
    output_dir: str = field(metadata={"help": "Checkpoints go here; the final model to output_dir/model."})
    resume_from_checkpoint: str | None = field(
        metadata={"help": "A checkpoint-N directory under output_dir to resume from exactly, or null."}
    )
    checkpoint_acks: bool = field(
        metadata={"help": "Wait for an `ack` line on stdin for each checkpoint before saving the next one."}
    )
    liveness_interval_s: float = field(metadata={"help": "Emit an `alive` event this often, whatever the trainer does."})
    stall_timeout_s: float = field(
        metadata={"help": "Stop emitting `alive` when no step, evaluation batch or save happened for this long."}
    )


@dataclass
class TokenStatsConfig(ModelConfig):
    """The `token-stats` command: chat-templated token lengths of JSONL records against max_length."""

    files: list[str] = field(default_factory=list, metadata={"help": "JSONL files of canonical records (the splits)."})
    max_length: int = field(default=512, metadata={"help": "Tokens the trainer keeps per example."})
    seed: int = field(default=42, metadata={"help": "Seed of tiny: models (their tokenizer is built from it)."})


@dataclass
class EvalConfig(ModelConfig):
    """The `evaluate` command: loss/perplexity on test_file plus greedy predictions."""

    adapter_dir: str | None = field(
        default=None, metadata={"help": "A train output (output_dir/model): a LoRA adapter or a full model."}
    )
    test_file: str = field(default="", metadata={"help": "Test JSONL file."})
    max_new_tokens: int = field(default=64, metadata={"help": "Generation budget per prediction."})
    max_samples: int | None = field(default=None, metadata={"help": "Use only the first N test records."})
    max_length: int = field(default=256, metadata={"help": "Tokens kept per example for loss and prompts."})
    batch_size: int = field(default=8, metadata={"help": "Examples per forward pass when computing the loss."})
    predictions_file: str = field(default="", metadata={"help": "Output JSONL, written atomically."})
    seed: int = field(default=42, metadata={"help": "Seed (tiny:llama weights when there is no training record)."})


EXPORT_PARTS = ("merged", "onnx", "onnx_quantized", "onnx_genai")
GENAI_PYTHON_ENV = "TEMPERED_GENAI_PYTHON"


def genai_python() -> str:
    """The Python of the onnxruntime-genai model builder's environment (export part onnx_genai).

    TEMPERED_GENAI_PYTHON, or the one scripts/bootstrap.sh makes: <state>/genai-venv/bin/python, where <state> is
    TEMPERED_HOME or the repository's .tempered, as for the TypeScript side (src/config/paths.ts).
    """
    explicit = os.environ.get(GENAI_PYTHON_ENV)
    if explicit:
        return explicit
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    state = os.path.join(root, os.environ.get("TEMPERED_HOME") or ".tempered")
    return os.path.join(state, "genai-venv", "bin", "python")


@dataclass
class ExportConfig:
    """The `export` command: merge a trained adapter into its base and write the deployable forms of the model.

    Every field is required, as for `train`: the worker builds this config from the validated spec.
    """

    base_model: str = field(metadata={"help": "The base model as the train config named it (unused for method full)."})
    gguf_file: str | None = field(metadata={"help": "GGUF file name inside the package or directory, or null."})
    model_dir: str | None = field(
        metadata={"help": "A train result (output_dir/model): LoRA adapter, or the full model; null for method base."}
    )
    method: str = field(
        metadata={"help": "`lora`, `qlora` (merged into the unquantized base), `full`, or `base` (the base model)."}
    )
    parts: list[str] = field(metadata={"help": "What to write: any of merged, onnx, onnx_quantized, onnx_genai."})
    output_dir: str = field(
        metadata={"help": "Each part goes to output_dir/<merged|onnx|onnx-quantized|onnx-genai>."}
    )
    seed: int = field(metadata={"help": "Seed of tiny: bases (the training record's seed wins when there is one)."})
    check_new_tokens: int = field(metadata={"help": "Greedy tokens generated to check each exported graph."})
    liveness_interval_s: float = field(metadata={"help": "Emit an `alive` event this often."})
    stall_timeout_s: float = field(metadata={"help": "Stop emitting `alive` when no export step progressed for this long."})


def _type_name(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        names = [_type_name(a) for a in typing.get_args(tp) if a is not type(None)]
        return " or ".join(names) + " or null"
    if origin is list:
        return f"a list of {_type_name(typing.get_args(tp)[0]).removeprefix('a ').removeprefix('an ')}s"
    if is_dataclass(tp):
        return "an object"
    return {int: "an integer", float: "a number", str: "a string", bool: "a boolean"}.get(tp, str(tp))


def _convert(value: Any, tp: Any, name: str) -> Any:
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        if value is None:
            return None
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _convert(value, inner[0], name)
    if is_dataclass(tp):
        if not isinstance(value, dict):
            raise ConfigError(f"{name}: expected an object, got {json.dumps(value)}")
        return _from_dict(tp, value, prefix=f"{name}.")
    if origin is list:
        (item,) = typing.get_args(tp)
        if not isinstance(value, list):
            raise ConfigError(f"{name}: expected {_type_name(tp)}, got {json.dumps(value)}")
        return [_convert(v, item, f"{name}[{i}]") for i, v in enumerate(value)]
    # bool is an int subclass in Python; a JSON `true` is never a valid count.
    ok = (
        (tp is bool and isinstance(value, bool))
        or (tp is int and isinstance(value, int) and not isinstance(value, bool))
        or (tp is float and isinstance(value, (int, float)) and not isinstance(value, bool))
        or (tp is str and isinstance(value, str))
    )
    if not ok:
        raise ConfigError(f"{name}: expected {_type_name(tp)}, got {json.dumps(value)}")
    return float(value) if tp is float else value


def _from_dict(cls: type, data: dict, prefix: str = "") -> Any:
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in fields(cls)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ConfigError(f"{prefix}{unknown[0]}: unknown config key; expected one of: {', '.join(sorted(known))}")
    values = {}
    for name, f in known.items():
        if name in data:
            values[name] = _convert(data[name], hints[name], prefix + name)
        elif f.default is MISSING and f.default_factory is MISSING:
            raise ConfigError(f"{prefix}{name}: required ({f.metadata.get('help', '')})")
    return cls(**values)


def read_config_source(source: str) -> dict:
    """`--config` takes a JSON file path or, when it starts with `{`, inline JSON."""
    text = source
    if not source.lstrip().startswith("{"):
        if not os.path.isfile(source):
            raise ConfigError(f"--config: file not found: {source}")
        with open(source, encoding="utf-8") as fh:
            text = fh.read()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"--config: invalid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise ConfigError("--config: expected a JSON object")
    return data


def _require(cond: bool, message: str) -> None:
    if not cond:
        raise ConfigError(message)


def _require_file(path: str | None, name: str) -> None:
    _require(bool(path), f"{name}: required (a JSONL file path)")
    _require(os.path.isfile(path), f"{name}: file not found: {path}")


def parse_model_config(data: dict) -> ModelConfig:
    cfg = _from_dict(ModelConfig, data)
    from .models import check_base_model  # noqa: PLC0415 (keeps config importable without torch)

    check_base_model(cfg.base_model, cfg.gguf_file)
    return cfg


def parse_train_config(data: dict) -> TrainConfig:
    cfg: TrainConfig = _from_dict(TrainConfig, data)
    _require(cfg.method in ("lora", "full", "qlora"), f"method: expected lora, full or qlora, got {cfg.method!r}")
    lora = cfg.lora
    _require(lora.r >= 1, f"lora.r: expected an integer >= 1, got {lora.r}")
    _require(lora.alpha > 0, f"lora.alpha: expected a number > 0, got {lora.alpha}")
    _require(0 <= lora.dropout < 1, f"lora.dropout: expected a number in [0, 1), got {lora.dropout}")
    _require(len(lora.target_modules) > 0, "lora.target_modules: expected a non-empty list of module names")
    _require(cfg.epochs > 0, f"epochs: expected a number > 0, got {cfg.epochs}")
    _require(cfg.max_steps is None or cfg.max_steps >= 1, f"max_steps: expected null or >= 1, got {cfg.max_steps}")
    for name in ("batch_size", "gradient_accumulation_steps", "eval_steps", "save_steps", "logging_steps"):
        _require(getattr(cfg, name) >= 1, f"{name}: expected an integer >= 1, got {getattr(cfg, name)}")
    _require(cfg.learning_rate > 0, f"learning_rate: expected a number > 0, got {cfg.learning_rate}")
    _require(cfg.warmup_steps >= 0, f"warmup_steps: expected an integer >= 0, got {cfg.warmup_steps}")
    _require(cfg.max_length >= 8, f"max_length: expected an integer >= 8, got {cfg.max_length}")
    _require(cfg.early_stopping_patience >= 0, "early_stopping_patience: expected an integer >= 0")
    _require(cfg.liveness_interval_s > 0, f"liveness_interval_s: expected a number > 0, got {cfg.liveness_interval_s}")
    _require(
        cfg.stall_timeout_s > cfg.liveness_interval_s,
        f"stall_timeout_s: expected more than liveness_interval_s ({cfg.liveness_interval_s}), got {cfg.stall_timeout_s}",
    )
    _require_file(cfg.train_file, "train_file")
    if cfg.validation_file is not None:
        _require_file(cfg.validation_file, "validation_file")
        # load_best_model_at_end needs every checkpoint to have an eval result to compare.
        _require(
            cfg.save_steps % cfg.eval_steps == 0,
            f"save_steps: expected a multiple of eval_steps ({cfg.eval_steps}), got {cfg.save_steps}",
        )
    if cfg.replay_file is not None:
        _require_file(cfg.replay_file, "replay_file")
        _require(
            cfg.replay_share is not None and 0 < cfg.replay_share < 1,
            f"replay_share: expected a number in (0, 1) with replay_file, got {cfg.replay_share}",
        )
    else:
        _require(cfg.replay_share is None, f"replay_share: expected null without replay_file, got {cfg.replay_share}")
    if cfg.held_out_file is not None:
        _require_file(cfg.held_out_file, "held_out_file")
    _require(bool(cfg.output_dir), "output_dir: required (a directory path)")
    if cfg.resume_from_checkpoint is not None:
        ckpt = cfg.resume_from_checkpoint
        _require(
            os.path.isfile(os.path.join(ckpt, "trainer_state.json")),
            f"resume_from_checkpoint: expected a checkpoint directory with trainer_state.json, got {ckpt}",
        )
        _require(
            os.path.dirname(os.path.abspath(ckpt)) == os.path.abspath(cfg.output_dir),
            f"resume_from_checkpoint: expected a checkpoint directory inside output_dir ({cfg.output_dir}), got {ckpt}",
        )
    if cfg.method == "qlora":
        _check_qlora(cfg)
    from .models import check_base_model  # noqa: PLC0415

    check_base_model(cfg.base_model, cfg.gguf_file)
    return cfg


def _check_qlora(cfg: TrainConfig) -> None:
    import importlib.util

    import torch

    _require(torch.cuda.is_available(), "method: qlora needs a CUDA GPU and none is available; use lora or full")
    _require(
        importlib.util.find_spec("bitsandbytes") is not None,
        "method: qlora needs the bitsandbytes package, which is not installed; use lora or full",
    )
    _require(cfg.gguf_file is None, "gguf_file: qlora cannot quantise a GGUF base; use lora or full")


def parse_token_stats_config(data: dict) -> TokenStatsConfig:
    cfg: TokenStatsConfig = _from_dict(TokenStatsConfig, data)
    _require(len(cfg.files) > 0, "files: expected at least one JSONL file")
    for i, path in enumerate(cfg.files):
        _require_file(path, f"files.{i}")
    _require(cfg.max_length >= 8, f"max_length: expected an integer >= 8, got {cfg.max_length}")
    from .models import check_base_model  # noqa: PLC0415

    check_base_model(cfg.base_model, cfg.gguf_file)
    return cfg


def parse_eval_config(data: dict) -> EvalConfig:
    cfg: EvalConfig = _from_dict(EvalConfig, data)
    _require_file(cfg.test_file, "test_file")
    _require(cfg.max_new_tokens >= 1, f"max_new_tokens: expected an integer >= 1, got {cfg.max_new_tokens}")
    _require(cfg.max_samples is None or cfg.max_samples >= 1, "max_samples: expected null or an integer >= 1")
    _require(cfg.max_length >= 8, f"max_length: expected an integer >= 8, got {cfg.max_length}")
    _require(cfg.batch_size >= 1, f"batch_size: expected an integer >= 1, got {cfg.batch_size}")
    _require(bool(cfg.predictions_file), "predictions_file: required (an output JSONL path)")
    out_dir = os.path.dirname(os.path.abspath(cfg.predictions_file))
    _require(os.path.isdir(out_dir), f"predictions_file: directory does not exist: {out_dir}")
    if cfg.adapter_dir is not None:
        d = cfg.adapter_dir
        _require(
            os.path.isfile(os.path.join(d, "adapter_config.json")) or os.path.isfile(os.path.join(d, "config.json")),
            f"adapter_dir: expected a directory with adapter_config.json (LoRA) or config.json (full model), got {d}",
        )
    from .models import check_base_model  # noqa: PLC0415

    check_base_model(cfg.base_model, cfg.gguf_file)
    return cfg


def parse_export_config(data: dict) -> ExportConfig:
    cfg: ExportConfig = _from_dict(ExportConfig, data)
    _require(
        cfg.method in ("lora", "full", "qlora", "base"), f"method: expected lora, full, qlora or base, got {cfg.method!r}"
    )
    _require(len(cfg.parts) > 0, f"parts: expected at least one of {', '.join(EXPORT_PARTS)}")
    for i, part in enumerate(cfg.parts):
        _require(part in EXPORT_PARTS, f"parts[{i}]: unknown part {part!r}; expected one of {', '.join(EXPORT_PARTS)}")
    _require(len(set(cfg.parts)) == len(cfg.parts), f"parts: each part at most once, got {cfg.parts}")
    if "onnx_genai" in cfg.parts:
        python = genai_python()
        _require(
            os.path.isfile(python) and os.access(python, os.X_OK),
            f"parts: onnx_genai runs the onnxruntime-genai model builder with {python}, which does not exist; "
            f"run `bash scripts/bootstrap.sh` to create its environment, or point {GENAI_PYTHON_ENV} at a Python "
            "with onnxruntime-genai (see trainer/requirements-genai.txt)",
        )
    d = cfg.model_dir
    if cfg.method == "base":
        _require(d is None, f"model_dir: method base exports the base model and takes no model_dir, got {d}")
    elif d is None or not os.path.isdir(d):
        raise ConfigError(f"model_dir: directory not found: {d}")
    elif cfg.method == "full":
        _require(
            os.path.isfile(os.path.join(d, "config.json")),
            f"model_dir: method full expects a model directory with config.json, got {d}",
        )
    else:
        _require(
            os.path.isfile(os.path.join(d, "adapter_config.json")),
            f"model_dir: method {cfg.method} expects a LoRA adapter directory with adapter_config.json, got {d}",
        )
    _require(bool(cfg.output_dir), "output_dir: required (a directory path)")
    _require(cfg.check_new_tokens >= 1, f"check_new_tokens: expected an integer >= 1, got {cfg.check_new_tokens}")
    _require(cfg.liveness_interval_s > 0, f"liveness_interval_s: expected a number > 0, got {cfg.liveness_interval_s}")
    _require(
        cfg.stall_timeout_s > cfg.liveness_interval_s,
        f"stall_timeout_s: expected more than liveness_interval_s ({cfg.liveness_interval_s}), got {cfg.stall_timeout_s}",
    )
    if cfg.method != "full":  # a full model stands alone; its base need not be on this host
        from .models import check_base_model  # noqa: PLC0415

        check_base_model(cfg.base_model, cfg.gguf_file)
    return cfg
