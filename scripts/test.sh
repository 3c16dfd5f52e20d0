#!/usr/bin/env bash
# `npm test`: install what is missing, type-check and lint, then the whole suite against a real Temporal
# dev server, a real SeaweedFS S3 store and the real trainer on a tiny model.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
npx eslint .
npx mocha "$@"
