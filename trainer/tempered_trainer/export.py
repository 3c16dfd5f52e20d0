"""The `export` command: the trained model in the forms deployment and evaluation load.

`merged`: the adapter merged into its base (a GGUF base dequantised, a qlora base loaded unquantised), saved as
safetensors with the tokenizer and generation config. `onnx`: that model exported by optimum with a KV cache
(task text-generation-with-past). `onnx_quantized`: the ONNX graph with 4-bit MatMulNBits weights for fast CPU
inference. Each ONNX folder also holds tokenizer.json, tokenizer_config.json (with the chat template) and
generation_config.json, so a runtime needs nothing else. Every graph is loaded in onnxruntime and made to
generate a few greedy tokens before anything is published. `onnx_genai`: the merged folder turned into an int4
graph by onnxruntime-genai's model builder (GroupQueryAttention, MatMulNBits; the fastest CPU graph measured, see
PLATFORM.md), run in its own Python environment (transformers 5; config.genai_python) and driven by the same
plain loop: inputs input_ids, attention_mask and past_key_values.<i>.key|value, no position_ids.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import subprocess
import tempfile
import time
from typing import Any

from .cancel import Cancellation
from .config import ExportConfig, genai_python
from .data import _ids
from .events import emit
from .liveness import Liveness
from .models import load_base, load_tokenizer

# PLATFORM.md: these settings quantise every MatMul (the tied lm_head included) and ran fastest in onnxruntime-node.
QUANTIZATION = {"bits": 4, "block_size": 32, "symmetric": True, "accuracy_level": 4}
PART_DIRS = {"merged": "merged", "onnx": "onnx", "onnx_quantized": "onnx-quantized", "onnx_genai": "onnx-genai"}
# The builder's defaults for int4 on the CPU (block size 32, accuracy level 4: int8 activations) give float32
# inputs, outputs and KV cache, which is what the runtime drives. The cache stays a separate past and present per
# step (past_present_share_buffer in genai_config.json concerns onnxruntime-genai's own loop only).
GENAI_BUILDER_ARGS = ("-p", "int4", "-e", "cpu")
GENAI_PACKAGES = ("onnxruntime-genai", "transformers", "onnxruntime", "torch")
# What a runtime without transformers needs next to model.onnx.
RUNTIME_FILES = ("config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")
CHECK_PROMPT = [{"role": "user", "content": "Hello, what can you help me with?"}]
# Relative to the largest logit: fp32 ONNX and PyTorch differ by float rounding only (about 1e-6 measured).
ONNX_TOLERANCE = 1e-3
PACKAGES = ("torch", "transformers", "peft", "optimum", "optimum-onnx", "onnx", "onnxruntime")


def _training_seed(model_dir: str) -> int | None:
    path = os.path.join(model_dir, "tempered_training.json")
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as fh:
        seed = json.load(fh).get("config", {}).get("seed")
    return seed if isinstance(seed, int) else None


def _logits(model: Any, ids: list[int]) -> Any:
    import torch

    with torch.no_grad():
        return model(input_ids=torch.tensor([ids])).logits[0].float()


def load_merged(cfg: ExportConfig, prompt_of: Any) -> tuple[Any, Any, float | None]:
    """(tokenizer, merged model, max |logit difference| between base+adapter and the merged model).

    Method `base` exports the base model itself (no model_dir): evaluation measures it on the same runtime.
    """
    from transformers import AutoModelForCausalLM

    if cfg.method == "base":
        tokenizer, base = load_base(cfg.base_model, cfg.gguf_file, cfg.seed)
        base.eval()
        return tokenizer, base, None
    assert cfg.model_dir is not None
    if cfg.method == "full":
        return load_tokenizer(cfg.model_dir), AutoModelForCausalLM.from_pretrained(cfg.model_dir), None
    from peft import PeftModel

    # tiny: weights come from the seed, so the adapter only fits the base built with the training seed.
    seed = _training_seed(cfg.model_dir) if cfg.base_model.startswith("tiny:") else None
    # No quantization for qlora: the merge needs full-precision weights to add the update to.
    tokenizer, base = load_base(cfg.base_model, cfg.gguf_file, seed if seed is not None else cfg.seed)
    if os.path.isfile(os.path.join(cfg.model_dir, "tokenizer_config.json")):
        tokenizer = load_tokenizer(cfg.model_dir)
    adapted = PeftModel.from_pretrained(base, cfg.model_dir)
    adapted.eval()
    ids = prompt_of(tokenizer)
    before = _logits(adapted, ids)
    merged = adapted.merge_and_unload()
    merged.eval()
    return tokenizer, merged, float((before - _logits(merged, ids)).abs().max())


def save_merged(tokenizer: Any, model: Any, dest: str) -> None:
    if model.generation_config.eos_token_id is None:
        # Runtimes stop on generation_config.json's eos ids; the tokenizer's is the one training used.
        model.generation_config.eos_token_id = tokenizer.eos_token_id
    model.save_pretrained(dest, safe_serialization=True)
    # The chat template inside tokenizer_config.json, where @huggingface/tokenizers looks for it.
    tokenizer.save_pretrained(dest, save_jinja_files=False)


def export_onnx(merged_dir: str, dest: str) -> None:
    from optimum.exporters.onnx import main_export

    # Validation is done below, against the merged model and with generation through the KV cache.
    main_export(
        merged_dir,
        dest,
        task="text-generation-with-past",
        library_name="transformers",
        local_files_only=True,
        do_validation=False,
    )
    _copy_runtime_files(merged_dir, dest)


def _copy_runtime_files(src: str, dest: str) -> None:
    # optimum saves the tokenizer again, with the chat template in chat_template.jinja; one copy, the merged one.
    jinja = os.path.join(dest, "chat_template.jinja")
    if os.path.exists(jinja):
        os.remove(jinja)
    for name in RUNTIME_FILES:
        if os.path.isfile(os.path.join(src, name)):
            shutil.copy2(os.path.join(src, name), os.path.join(dest, name))


def quantize_onnx(src: str, dest: str) -> int:
    """Writes the 4-bit weight-only variant of src/model.onnx to dest; returns its number of MatMulNBits nodes."""
    import onnx
    from onnxruntime.quantization.matmul_nbits_quantizer import DefaultWeightOnlyQuantConfig, MatMulNBitsQuantizer

    q = QUANTIZATION
    config = DefaultWeightOnlyQuantConfig(
        block_size=q["block_size"], is_symmetric=q["symmetric"], accuracy_level=q["accuracy_level"], bits=q["bits"]
    )
    quantizer = MatMulNBitsQuantizer(
        onnx.load(os.path.join(src, "model.onnx")),
        bits=q["bits"],
        block_size=q["block_size"],
        is_symmetric=q["symmetric"],
        accuracy_level=q["accuracy_level"],
        algo_config=config,
    )
    quantizer.process()
    os.makedirs(dest, exist_ok=True)
    # Protobuf caps a single file at 2 GB; beyond that the weights go to model.onnx_data.
    external = _dir_size(src) > 1_800_000_000
    quantizer.model.save_model_to_file(os.path.join(dest, "model.onnx"), external)
    _copy_runtime_files(src, dest)
    return sum(1 for node in quantizer.model.model.graph.node if node.op_type == "MatMulNBits")


def export_genai(merged_dir: str, dest: str, python: str) -> dict[str, str | None]:
    """Runs onnxruntime-genai's model builder on merged_dir into dest; returns the builder environment's versions.

    dest ends up with model.onnx, model.onnx.data (the weights), genai_config.json and the runtime files copied
    from the merged folder (the builder's own tokenizer files, written by transformers 5, are replaced).
    """
    with tempfile.TemporaryDirectory(prefix="genai-builder-") as scratch:
        log_path = os.path.join(scratch, "builder.log")
        command = [python, "-m", "onnxruntime_genai.models.builder", "-i", merged_dir, "-o", dest, *GENAI_BUILDER_ARGS]
        # -c: the builder's scratch files (it defaults to ./cache_dir).
        command += ["-c", os.path.join(scratch, "cache")]
        with open(log_path, "w", encoding="utf-8") as log:
            run = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, check=False)
        code = run.returncode
        if code != 0:
            with open(log_path, encoding="utf-8", errors="replace") as log:
                tail = "".join(log.readlines()[-15:])
            raise RuntimeError(f"the onnxruntime-genai model builder ({python}) failed with exit code {code}:\n{tail}")
        versions = "import importlib.metadata as m, json, sys; print(json.dumps({p: m.version(p) for p in sys.argv[1:]}))"
        probe = subprocess.run([python, "-c", versions, *GENAI_PACKAGES], capture_output=True, text=True, check=False)
    for name in os.listdir(dest):
        if name not in ("model.onnx", "model.onnx.data", "genai_config.json"):
            os.remove(os.path.join(dest, name))
    _copy_runtime_files(merged_dir, dest)
    try:
        return json.loads(probe.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {name: None for name in GENAI_PACKAGES}


def onnx_greedy(model_path: str, prompt: list[int], new_tokens: int, config: Any) -> tuple[list[int], Any]:
    """(greedy tokens, logits over the prompt) through the graph's KV cache.

    Optimum's text-generation-with-past graphs take position_ids; the genai builder's derive positions from the
    attention mask (one row, all ones here) and have no such input.
    """
    import numpy as np
    import onnxruntime as ort
    import torch

    options = ort.SessionOptions()
    options.intra_op_num_threads = torch.get_num_threads()
    session = ort.InferenceSession(model_path, options, providers=["CPUExecutionProvider"])
    inputs = {i.name: i for i in session.get_inputs()}
    outputs = [o.name for o in session.get_outputs()]
    kv_heads = getattr(config, "num_key_value_heads", None) or config.num_attention_heads
    head_dim = getattr(config, "head_dim", None) or config.hidden_size // config.num_attention_heads
    past = {
        name: np.zeros((1, kv_heads, 0, head_dim), np.float16 if "float16" in meta.type else np.float32)
        for name, meta in inputs.items()
        if name.startswith("past_key_values.")
    }
    step, total, tokens, prompt_logits = list(prompt), len(prompt), [], None
    for _ in range(new_tokens):
        feed = {"input_ids": np.array([step], np.int64), "attention_mask": np.ones((1, total), np.int64), **past}
        if "position_ids" in inputs:
            feed["position_ids"] = np.arange(total - len(step), total, dtype=np.int64)[None]
        result = dict(zip(outputs, session.run(None, feed)))
        if prompt_logits is None:
            prompt_logits = result["logits"][0].astype(np.float32)
        tokens.append(int(result["logits"][0, -1].argmax()))
        past = {name: result[name.replace("past_key_values.", "present.")] for name in past}
        step, total = [tokens[-1]], total + 1
    return tokens, prompt_logits


def torch_greedy(model: Any, prompt: list[int], new_tokens: int) -> list[int]:
    ids = list(prompt)
    for _ in range(new_tokens):
        ids.append(int(_logits(model, ids)[-1].argmax()))
    return ids[len(prompt) :]


def _dir_size(path: str) -> int:
    return sum(os.path.getsize(os.path.join(root, f)) for root, _, files in os.walk(path) for f in files)


def _versions() -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = None
    return found


def run_export(cfg: ExportConfig, cancel: Cancellation) -> None:
    import numpy as np
    import torch

    started_at = time.perf_counter()
    timings: dict[str, float] = {}
    liveness = Liveness(cfg.liveness_interval_s, cfg.stall_timeout_s).start()

    def timed(phase: str, work: Any) -> Any:
        liveness.mark(phase)
        emit("progress", phase=phase)
        t0 = time.perf_counter()
        value = work()
        timings[phase] = round(time.perf_counter() - t0, 3)
        cancel.check(0)
        return value

    os.makedirs(cfg.output_dir, exist_ok=True)
    # Parts are built here and moved into place only once every requested one is written and checked.
    staging = os.path.join(cfg.output_dir, f".staging-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    dirs = {part: os.path.join(staging, name) for part, name in PART_DIRS.items()}
    checks: dict[str, Any] = {}
    try:
        torch.manual_seed(cfg.seed)
        emit("started", method=cfg.method, parts=cfg.parts, base_model=cfg.base_model)
        tokenizer, model, merge_diff = timed(
            "loading model", lambda: load_merged(cfg, lambda tok: _ids(tok, CHECK_PROMPT, generation_prompt=True))
        )
        checks["merge_max_abs_diff"] = merge_diff
        prompt = _ids(tokenizer, CHECK_PROMPT, generation_prompt=True)
        # The ONNX export reads the merged folder, so it is written whenever an ONNX part is asked for.
        timed("saving merged model", lambda: save_merged(tokenizer, model, dirs["merged"]))
        if any(part in cfg.parts for part in ("onnx", "onnx_quantized", "onnx_genai")):
            expected = _logits(model, prompt).numpy()
            reference_tokens = torch_greedy(model, prompt, cfg.check_new_tokens)
        if "onnx" in cfg.parts or "onnx_quantized" in cfg.parts:
            timed("exporting onnx", lambda: export_onnx(dirs["merged"], dirs["onnx"]))
            tokens, logits = timed(
                "checking onnx",
                lambda: onnx_greedy(os.path.join(dirs["onnx"], "model.onnx"), prompt, cfg.check_new_tokens, model.config),
            )
            diff = float(abs(logits - expected).max())
            scale = max(1.0, float(abs(expected).max()))
            if not diff <= ONNX_TOLERANCE * scale:
                raise RuntimeError(
                    f"the ONNX export's logits differ from the merged model's by up to {diff:.3g} "
                    f"(allowed {ONNX_TOLERANCE * scale:.3g}) on the check prompt"
                )
            checks["onnx"] = {"max_abs_logit_diff": diff, "tokens": tokens, "tokens_match_pytorch": tokens == reference_tokens}
        if "onnx_quantized" in cfg.parts:
            matmuls = timed("quantizing onnx", lambda: quantize_onnx(dirs["onnx"], dirs["onnx_quantized"]))
            tokens, _ = timed(
                "checking quantized onnx",
                lambda: onnx_greedy(
                    os.path.join(dirs["onnx_quantized"], "model.onnx"), prompt, cfg.check_new_tokens, model.config
                ),
            )
            agree = sum(1 for a, b in zip(tokens, checks["onnx"]["tokens"]) if a == b)
            checks["onnx_quantized"] = {"matmul_nbits": matmuls, "tokens": tokens, "tokens_agreeing_with_fp32": agree}
        genai_versions = None
        if "onnx_genai" in cfg.parts:
            python = genai_python()
            genai_versions = timed(
                "building genai onnx", lambda: export_genai(dirs["merged"], dirs["onnx_genai"], python)
            )
            tokens, logits = timed(
                "checking genai onnx",
                lambda: onnx_greedy(
                    os.path.join(dirs["onnx_genai"], "model.onnx"), prompt, cfg.check_new_tokens, model.config
                ),
            )
            if logits.shape != expected.shape or not np.isfinite(logits).all():
                raise RuntimeError(
                    f"the genai builder's graph gives logits of shape {logits.shape} (expected {expected.shape}) "
                    "or non-finite ones on the check prompt"
                )
            # int4 weights: the tokens may differ from fp32's (the merged model's own greedy ones); measured only.
            checks["onnx_genai"] = {
                "tokens": tokens,
                "tokens_agreeing_with_fp32": sum(1 for a, b in zip(tokens, reference_tokens) if a == b),
                "max_abs_logit_diff": float(abs(logits - expected).max()),
            }

        liveness.mark("publishing")
        parts: dict[str, dict[str, Any]] = {}
        for part in cfg.parts:
            final = os.path.join(cfg.output_dir, PART_DIRS[part])
            shutil.rmtree(final, ignore_errors=True)
            os.rename(dirs[part], final)
            parts[part] = {"path": os.path.abspath(final), "bytes": _dir_size(final)}
    finally:
        liveness.stop()
        shutil.rmtree(staging, ignore_errors=True)

    emit(
        "done",
        parts=parts,
        method=cfg.method,
        quantization=QUANTIZATION if "onnx_quantized" in cfg.parts else None,
        genai_builder={"args": list(GENAI_BUILDER_ARGS), "versions": genai_versions} if genai_versions else None,
        checks=checks,
        check_prompt_tokens=len(prompt),
        versions=_versions(),
        timings_s=timings,
        runtime_s=round(time.perf_counter() - started_at, 3),
    )
