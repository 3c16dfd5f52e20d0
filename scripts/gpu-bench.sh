#!/usr/bin/env bash
# `scripts/gpu-bench.sh [--smoke]`: training throughput on a CUDA host, in under 10 minutes.
# 1. LoRA on a randomly initialised 1.1B-parameter Llama (TinyLlama's shape) in bf16, sequences of 2048 tokens:
#    tokens/s and model FLOPs utilisation against the GPU's dense bf16 peak (target >= 40% on an H200-class GPU).
# 2. `npm run bench:training`: the orchestration overhead ratio of the same training run directly and through
#    Temporal, and the resume time after a kill, on this host.
# --smoke checks the script on a host without a GPU (tiny model, no MFU). The last line is RESULT.
set -euo pipefail
cd "$(dirname "$0")/.."

smoke=()
for arg in "$@"; do
  case "$arg" in
    --smoke) smoke=(--smoke) ;;
    *) echo "gpu-bench: unknown option '$arg' (expected --smoke)" >&2; exit 2 ;;
  esac
done

bash scripts/bootstrap.sh
venv="${TEMPERED_VENV:-${TEMPERED_HOME:-.tempered}/venv}"
"$venv/bin/python" -c 'import torch; print("gpu-bench: torch", torch.__version__, "cuda", torch.cuda.is_available(), torch.cuda.get_device_name(0) if torch.cuda.is_available() else "")'

out="$(mktemp -d)"
timeout 360 "$venv/bin/python" scripts/bench/gpu/lora_mfu.py ${smoke[@]+"${smoke[@]}"} | tee "$out/mfu.txt"
timeout 420 npm run --silent bench:training -- --runs 3 | tee "$out/training.txt"

mfu_line="$(grep '^RESULT gpu ' "$out/mfu.txt" | tail -n 1)"
training_line="$(grep '^RESULT training ' "$out/training.txt" | tail -n 1)"
echo "RESULT gpu-bench ${mfu_line#RESULT gpu } ${training_line#RESULT training }"
