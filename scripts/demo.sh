#!/usr/bin/env bash
# `npm run demo`: install what is missing, start the embedded Temporal server in the background (it keeps the
# Web UI up after the demo), and run customer-support-demo end to end with the workers in this process.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
node bin/tempered.js dev --detach
node bin/tempered.js run customer-support-demo --wait --local-workers "$@"
echo "The Temporal server keeps running for the Web UI (http://127.0.0.1:8233); stop it with: node bin/tempered.js dev --stop"
