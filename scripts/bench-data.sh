#!/usr/bin/env bash
# `npm run bench:data [-- --records N] [--seed S] [--reuse-reference]`: the data-phase benchmark.
# Generates a synthetic support corpus with planted duplicates and PII (once per size and seed), runs
# `tempered data check` and the Python reference (datasketch MinHashLSH + regular expressions) on it under
# /usr/bin/time, scores both audits against the planted truth, prints a table and, as the last line, RESULT.
# Tempered's side runs as soon as `tempered data check` exists; until then its column reads "unavailable".
# --reuse-reference keeps the reference figures of an earlier run on the same corpus (a 1M run takes minutes).
set -euo pipefail
cd "$(dirname "$0")/.."

records=1000000
seed=1
reuse_reference=0
while [ $# -gt 0 ]; do
  case "$1" in
    --records) records="${2:-}"; shift 2 || shift ;;
    --records=*) records="${1#*=}"; shift ;;
    --seed) seed="${2:-}"; shift 2 || shift ;;
    --seed=*) seed="${1#*=}"; shift ;;
    --reuse-reference) reuse_reference=1; shift ;;
    *) echo "bench:data: unknown option '$1' (expected --records N, --seed S, --reuse-reference)" >&2; exit 2 ;;
  esac
done
records="${records//_/}"
for value in "$records" "$seed"; do
  if ! [[ "$value" =~ ^[1-9][0-9]*$ ]]; then echo "bench:data: --records and --seed take positive integers, got '$value'" >&2; exit 2; fi
done

bash scripts/bootstrap.sh

state="${TEMPERED_HOME:-.tempered}"
hash_of() { sha256sum "$@" | sha256sum | cut -c1-16; }

# The reference's own venv: datasketch and its numpy/scipy stay out of the trainer's environment.
bench_venv="$state/bench-venv"
venv_stamp="$bench_venv/.bench-$(hash_of scripts/bench/data/requirements.txt)"
if [ ! -f "$venv_stamp" ]; then
  echo "bench:data: creating the reference's Python environment in $bench_venv (datasketch, numpy, scipy; once)"
  # The stamp is written last: an interrupted install is redone from scratch next time.
  rm -rf "$bench_venv"
  python3 -m venv "$bench_venv"
  "$bench_venv/bin/pip" install --quiet --disable-pip-version-check -r scripts/bench/data/requirements.txt
  touch "$venv_stamp"
fi

# One corpus per size and seed, regenerated when the generator changes.
dir="$state/bench/data/corpus-$records-seed$seed"
corpus="$dir/corpus.jsonl"
truth="$dir/truth.jsonl"
corpus_stamp="$dir/.complete-$(hash_of scripts/bench/data/generate-corpus.ts scripts/bench/data/truth.ts scripts/bench/data/corpus/*.ts)"
if [ ! -f "$corpus_stamp" ]; then
  rm -rf "$dir"
  # A larger young generation halves the garbage collector's share of generating a million records.
  node --max-semi-space-size=64 dist/scripts/bench/data/generate-corpus.js --records "$records" --seed "$seed" --out "$dir"
  touch "$corpus_stamp"
else
  echo "bench:data: reusing $corpus"
fi

score() { node dist/scripts/bench/data/score.js --truth "$truth" --corpus "$corpus" --audit "$1" >"$2"; }

tempered_args=()
if node bin/tempered.js data check --help >/dev/null 2>&1; then
  echo "bench:data: running tempered data check"
  rc=0
  /usr/bin/time -f '%e %M' -o "$dir/tempered.time" \
    node bin/tempered.js data check "$corpus" --type chat --audit "$dir/tempered-audit.jsonl" --json \
    >"$dir/tempered.out" 2>"$dir/tempered.err" || rc=$?
  # 0: the data passes, 1: the gate fails (planted duplicates may well fail it); anything else is an error.
  if [ "$rc" -gt 1 ]; then
    echo "bench:data: tempered data check exited with $rc:" >&2
    tail -n 20 "$dir/tempered.err" "$dir/tempered.out" >&2
    exit 1
  fi
  score "$dir/tempered-audit.jsonl" "$dir/tempered-scores.json"
  tempered_args=(--tempered-time "$dir/tempered.time" --tempered-scores "$dir/tempered-scores.json" --tempered-summary "$dir/tempered.out")
else
  echo "bench:data: \`tempered data check\` is not available yet; measuring the reference only"
fi

reference_stamp="$dir/.reference-$(hash_of scripts/bench/data/reference.py scripts/bench/data/requirements.txt)"
if [ "$reuse_reference" = 1 ] && [ -f "$reference_stamp" ]; then
  echo "bench:data: reusing the reference figures measured earlier on this corpus"
else
  echo "bench:data: running the Python reference (datasketch; about 3,000 records/s)"
  rm -f "$dir"/.reference-*
  /usr/bin/time -f '%e %M' -o "$dir/reference.time" \
    "$bench_venv/bin/python" scripts/bench/data/reference.py "$corpus" --audit "$dir/reference-audit.jsonl" >"$dir/reference.out"
  score "$dir/reference-audit.jsonl" "$dir/reference-scores.json"
  touch "$reference_stamp"
fi

# What JSON in and out costs a record by itself, on one thread: context for the records/s figure.
node dist/scripts/bench/data/json-floor.js "$corpus"
echo
node dist/scripts/bench/data/report.js --records "$records" --corpus "$corpus" \
  --reference-time "$dir/reference.time" --reference-scores "$dir/reference-scores.json" --reference-summary "$dir/reference.out" \
  ${tempered_args[@]+"${tempered_args[@]}"}
