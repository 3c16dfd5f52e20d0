#!/usr/bin/env bash
# `npm run bench:training [-- --runs N]`: the training benchmark.
# Runs the same small CPU training (LoRA on the tiny Llama) straight through the trainer and through the whole
# orchestrated path (a Temporal dev server, the gpu worker in a process of its own, checkpoints uploaded to a local
# store), alternating N times each (3 by default), then kills the gpu worker of a running training and times the
# resume on another one. Prints a table and, as the last line, RESULT. Takes about 6 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh

node dist/scripts/bench/training/bench.js "$@"
