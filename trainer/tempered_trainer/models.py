"""Resolving `base_model` strings, loading tokenizer + model, and wrapping them for a training method."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import sys
import tempfile
from typing import Any

from .errors import ConfigError
from .tiny import VARIANTS, cache_root, tiny_model_dir


def _package_dir(module: str) -> str:
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        spec = None
    if spec is None:
        raise ConfigError(f"base_model: Python package {module!r} is not installed")
    if spec.submodule_search_locations:
        return list(spec.submodule_search_locations)[0]
    return os.path.dirname(spec.origin)


def check_base_model(base_model: str, gguf_file: str | None) -> None:
    """Validate `base_model`/`gguf_file` without loading anything heavy."""
    if base_model.startswith("tiny:"):
        variant = base_model.split(":", 1)[1]
        if variant not in VARIANTS:
            raise ConfigError(
                f"base_model: unknown tiny model {base_model!r}; expected one of tiny:{', tiny:'.join(VARIANTS)}"
            )
        if gguf_file is not None:
            raise ConfigError("gguf_file: expected null for tiny: models")
        return
    if base_model.startswith("package:"):
        directory = _package_dir(base_model.split(":", 1)[1])
        if not gguf_file:
            raise ConfigError("gguf_file: required with a package: base_model (the GGUF file inside the package)")
        if not os.path.isfile(os.path.join(directory, gguf_file)):
            raise ConfigError(f"gguf_file: {gguf_file!r} not found in {directory}")
        return
    if os.path.isdir(base_model):
        if gguf_file and not os.path.isfile(os.path.join(base_model, gguf_file)):
            raise ConfigError(f"gguf_file: {gguf_file!r} not found in {base_model}")
        return
    if base_model.startswith(("/", ".", "~")) or os.sep + os.sep in base_model or not base_model:
        raise ConfigError(
            f"base_model: expected tiny:llama, package:<module> or an existing model directory, got {base_model!r}"
        )
    # Anything else is taken as a hub id; it loads only if already in the local Hugging Face cache.


def resolve(base_model: str, gguf_file: str | None, seed: int) -> tuple[str, dict[str, Any]]:
    """(path or id for from_pretrained, extra kwargs)."""
    if base_model.startswith("tiny:"):
        return tiny_model_dir(base_model.split(":", 1)[1], seed), {}
    if base_model.startswith("package:"):
        return _package_dir(base_model.split(":", 1)[1]), {"gguf_file": gguf_file}
    return base_model, ({"gguf_file": gguf_file} if gguf_file else {})


def _cached_gguf_tokenizer(path: str, gguf_file: str) -> Any:
    """Converting a GGUF vocabulary takes ~10 s per load; keep the converted tokenizer on disk."""
    import transformers
    from transformers import AutoTokenizer

    source = os.path.realpath(os.path.join(path, gguf_file))
    stat = os.stat(source)
    key = json.dumps([source, stat.st_size, stat.st_mtime_ns, transformers.__version__])
    target = os.path.join(cache_root(), f"gguf-tokenizer-{hashlib.sha256(key.encode()).hexdigest()[:16]}")
    if os.path.isfile(os.path.join(target, "tokenizer_config.json")):
        return AutoTokenizer.from_pretrained(target)
    tokenizer = AutoTokenizer.from_pretrained(path, gguf_file=gguf_file)
    tmp = None
    try:
        os.makedirs(cache_root(), exist_ok=True)
        tmp = tempfile.mkdtemp(prefix=".building-", dir=cache_root())
        tokenizer.save_pretrained(tmp)
        os.chmod(tmp, 0o755)  # mkdtemp makes it private; the cache may be shared
        os.rename(tmp, target)  # fails harmlessly if another process cached it first
    except OSError as exc:  # an unwritable cache only costs time
        if not os.path.isdir(target):
            print(f"[tempered] tokenizer cache not written: {exc}", file=sys.stderr)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    return tokenizer


def load_tokenizer(path: str, **kwargs: Any):
    from transformers import AutoTokenizer

    if kwargs.get("gguf_file"):
        tokenizer = _cached_gguf_tokenizer(path, kwargs["gguf_file"])
    else:
        tokenizer = AutoTokenizer.from_pretrained(path, **kwargs)
    if tokenizer.pad_token is None:
        # Padding positions are masked out of attention and loss, so any token will do.
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def load_base(base_model: str, gguf_file: str | None, seed: int, quantization: Any = None) -> tuple[Any, Any]:
    """(tokenizer, model) for a base_model string; load failures become config errors."""
    from transformers import AutoModelForCausalLM

    path, kwargs = resolve(base_model, gguf_file, seed)
    try:
        tokenizer = load_tokenizer(path, **kwargs)
        model_kwargs = dict(kwargs)
        if quantization is not None:
            model_kwargs["quantization_config"] = quantization
        model = AutoModelForCausalLM.from_pretrained(path, **model_kwargs)
    except OSError as exc:
        hint = ""
        if not os.path.isdir(path):
            hint = " (not a local directory, and downloads are disabled: it must already be in the Hugging Face cache)"
        raise ConfigError(f"base_model: cannot load {base_model!r}{hint}: {exc}") from exc
    if kwargs.get("gguf_file"):
        _align_special_tokens(tokenizer, model.config)
    if model.config.pad_token_id is None:
        model.config.pad_token_id = tokenizer.pad_token_id
    return tokenizer, model


def _align_special_tokens(tokenizer: Any, config: Any) -> None:
    """GGUF tokenizer conversion can mislabel special tokens (SmolLM2 comes out with eos = <|im_start|>).

    The model config is read from the GGUF metadata, so it is the authority; left as is, the Trainer
    would instead copy the wrong ids into the model config and generation would not stop.
    """
    for name in ("bos", "eos", "pad"):
        want = getattr(config, f"{name}_token_id", None)
        if isinstance(want, int) and 0 <= want < len(tokenizer) and getattr(tokenizer, f"{name}_token_id") != want:
            setattr(tokenizer, f"{name}_token", tokenizer.convert_ids_to_tokens(want))


def qlora_quantization() -> Any:
    import torch
    from transformers import BitsAndBytesConfig

    compute = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return BitsAndBytesConfig(
        load_in_4bit=True,
        bnb_4bit_quant_type="nf4",
        bnb_4bit_use_double_quant=True,
        bnb_4bit_compute_dtype=compute,
    )


def apply_method(model: Any, method: str, lora: Any) -> Any:
    """Full fine-tuning returns the model as is; lora/qlora wrap it in a PEFT adapter."""
    if method == "full":
        return model
    from peft import LoraConfig, get_peft_model, prepare_model_for_kbit_training

    if method == "qlora":
        model = prepare_model_for_kbit_training(model)
    peft_config = LoraConfig(
        r=lora.r,
        lora_alpha=lora.alpha,
        lora_dropout=lora.dropout,
        target_modules=list(lora.target_modules),
        task_type="CAUSAL_LM",
    )
    try:
        return get_peft_model(model, peft_config)
    except ValueError as exc:
        raise ConfigError(f"lora.target_modules: {exc}") from exc


def count_parameters(model: Any) -> tuple[int, int]:
    """(all parameters, trainable parameters); PEFT counts 4-bit weights at their real size."""
    if hasattr(model, "get_nb_trainable_parameters"):
        trainable, total = model.get_nb_trainable_parameters()
        return int(total), int(trainable)
    total = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return total, trainable


def describe(cfg: Any) -> dict[str, Any]:
    """The `model` event fields for `inspect-model`."""
    tokenizer, model = load_base(cfg.base_model, cfg.gguf_file, seed=42)
    architectures = getattr(model.config, "architectures", None) or [type(model).__name__]
    return {
        "parameters": count_parameters(model)[0],
        "architecture": architectures[0],
        "vocab_size": int(model.config.vocab_size),
        "chat_template": bool(getattr(tokenizer, "chat_template", None)),
    }
