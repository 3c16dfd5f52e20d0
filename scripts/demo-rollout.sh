#!/usr/bin/env bash
# `npm run demo:rollout`: the demo's production phase. A second run of customer-support-demo (4 warm-up steps instead
# of 5) makes a candidate version, which the spec sends to an A/B test against the production version of `npm run demo`
# (run first if there is none). `tempered serve` answers simulated users on both versions, split by a hash of their
# id; each user says whether the answer resolved the question, more often for the candidate (70% vs 55%: the
# outcome is simulated, everything else is real), and the abTest workflow promotes or rolls back by itself. The Web UI
# (http://127.0.0.1:8233) lists the test under PipelineName customer-support-demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
pipeline=customer-support-demo
port="${TEMPERED_DEMO_PORT:-8000}"
node bin/tempered.js dev --detach

production() {
  node bin/tempered.js models list "$pipeline" --json 2>/dev/null | node -e "
    let s = ''; process.stdin.on('data', (d) => (s += d)).on('end', () => {
      const index = s.trim() ? JSON.parse(s.trim().split('\n').pop()) : { versions: [] };
      const v = index.versions.find((v) => v.stage === 'production');
      console.log(v ? v.version : '');
    });"
}

# The workers serve the abTest workflow after the pipeline's process has ended.
node bin/tempered.js dev >"${TMPDIR:-/tmp}/tempered-demo-workers.log" 2>&1 &
workers=$!
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  kill "$workers" 2>/dev/null && wait "$workers" 2>/dev/null
  true
}
trap cleanup EXIT

if [ -z "$(production)" ]; then
  echo "demo:rollout: no production version of $pipeline yet: running the demo first"
  node bin/tempered.js run "$pipeline" --wait
fi
echo "demo:rollout: production is v$(production); training a candidate with 4 warm-up steps instead of 5"
node bin/tempered.js run "$pipeline" --wait --set training.warmup_steps=4 || status=$?
if [ "${status:-0}" -ne 0 ]; then echo "demo:rollout: the candidate was not deployed (exit ${status})"; exit "$status"; fi
node bin/tempered.js models list "$pipeline"

node bin/tempered.js serve "$pipeline" --port "$port" --reload-interval 2 &
server=$!
for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.5; done
ab_running() {
  node bin/tempered.js models list "$pipeline" --json | tail -n 1 | node -e "
    let s = ''; process.stdin.on('data', (d) => (s += d)).on('end', () => console.log(JSON.parse(s).abTest ? 'yes' : 'no'));"
}
# Rounds of 200 simulated users, each followed by a look of the test (every 10 s), until it decides.
for round in $(seq 1 20); do
  [ "$(ab_running)" = no ] && break
  echo "demo:rollout: round $round: 200 simulated users ask http://127.0.0.1:$port/v1/chat/completions and give feedback"
  node dist/scripts/simulate-traffic.js --url "http://127.0.0.1:$port" --requests 200 --users 100000 --concurrency 4 \
    --resolved control=0.55,treatment=0.7,production=0.7 --seed "$round"
  sleep 12
done
node bin/tempered.js models list "$pipeline"
echo "The Temporal server keeps running for the Web UI (http://127.0.0.1:8233); stop it with: node bin/tempered.js dev --stop"
