#!/usr/bin/env bash
# Registers Tempered's search attributes on an existing Temporal cluster (the embedded dev server does this itself).
# Usage: TEMPORAL_ADDRESS=host:7233 TEMPORAL_NAMESPACE=ml infra/register-search-attributes.sh
# Temporal Cloud: add search attributes in the Cloud UI or with tcld; the names and types are the same.
set -euo pipefail
temporal="${TEMPORAL_BIN:-$(dirname "$0")/../.tempered/venv/bin/temporal}"
for name in PipelineName PipelinePhase; do
  "$temporal" operator search-attribute create \
    --address "${TEMPORAL_ADDRESS:?set TEMPORAL_ADDRESS}" \
    --namespace "${TEMPORAL_NAMESPACE:-default}" \
    --name "$name" --type Keyword
done
