#!/usr/bin/env bash
# `npm run bench:serve [-- --duration-s N] [--variant onnx|onnx-quantized|onnx-genai] [--levels 1,4,16] [--max-batch N]`:
# the serving benchmark. Requests per second and p50/p95 latency of POST /v1/chat/completions on the demo model
# (SmolLM2-135M-Instruct): `tempered serve --model-dir` on its ONNX export (fp32 onnx/ by default) against
# node-llama-cpp on the same model's GGUF file behind a minimal HTTP wrapper (scripts/bench/serve/llama-cpp-server.ts),
# both child processes with 2 threads, under 1, 4 and 16 closed-loop clients (the demo's test questions, chat template,
# max_tokens 32, temperature 0), each level 20 s after a warm-up, the servers alternating. Prints a table and, as the
# last line, RESULT. About 3 minutes on 2 cores, after the setup bench:inference shares (node-llama-cpp in a folder of
# its own, the ONNX exports: about 3 minutes once).
set -euo pipefail
cd "$(dirname "$0")/.."

state="${TEMPERED_HOME:-.tempered}"
setup_log=$(mktemp)
trap 'rm -f "$setup_log"' EXIT

# bench:inference's setup (bootstrap, node-llama-cpp, the GGUF file, the exports), reused as it is.
bash scripts/bench-inference.sh --setup-only | tee "$setup_log"
setup_value() {
  local value
  value=$(sed -n "s/^setup:$1=//p" "$setup_log" | tail -n 1)
  [ -n "$value" ] || { echo "bench:serve: scripts/bench-inference.sh --setup-only did not report $1" >&2; exit 1; }
  printf '%s' "$value"
}
exports=$(setup_value exports)
gguf=$(setup_value gguf)
comparator=$(setup_value comparator)

node dist/scripts/bench/serve/bench.js --exports "$exports" --gguf "$gguf" --comparator "$comparator" \
  --work "$state/bench/serve" "$@"
