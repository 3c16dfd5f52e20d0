"""The data-phase benchmark's reference: deduplication and PII detection as people write them in Python today.

- Exact duplicates: a hash of the normalised conversation (lower case, punctuation stripped, single spaces; no
  Unicode folding, as usually written, so a copy in full-width characters counts as different).
- Near duplicates: datasketch MinHashLSH, 128 permutations, threshold 0.8, over word 3-shingles of the normalised
  answer; the first record of a group is kept. All MinHash objects share one set of permutations (datasketch's
  `permutations=` argument), the usual speed-up: building them per record would triple the run time.
- PII: the regular expressions commonly copied for e-mail addresses, phone numbers, card numbers and IPv4.

Usage: python reference.py <corpus.jsonl> --audit <audit.jsonl>
Writes one audit line per dropped, redacted or skipped record, in the format of `tempered data check --audit`,
and prints one JSON summary line, like `tempered data check --json`.
"""

import argparse
import hashlib
import json
import re
import sys
import time

from datasketch import MinHash, MinHashLSH

NUM_PERM = 128
THRESHOLD = 0.8
SHINGLE_WORDS = 3

PUNCTUATION = re.compile(r"[^\w\s]")
PII_PATTERNS = {
    "email": re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"),
    "phone": re.compile(r"(?:\+\d{1,2}\s)?\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}"),
    "credit_card": re.compile(r"\b(?:\d[ -]*?){13,16}\b"),
    "ip_address": re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b"),
}


def normalise(text):
    return " ".join(PUNCTUATION.sub(" ", text.lower()).split())


def shingles(words):
    if len(words) < SHINGLE_WORDS:
        # Too short to shingle (most Japanese answers: no spaces, so one "word"): the whole text is one shingle.
        return {" ".join(words)}
    return {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


def conversation_of(line):
    """The messages of a chat record, or None when the line is not one (bad JSON, no user or assistant turn)."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        return None
    messages = record.get("messages") if isinstance(record, dict) else None
    if not isinstance(messages, list):
        return None
    roles = [m.get("role") for m in messages if isinstance(m, dict) and isinstance(m.get("content"), str)]
    if "user" not in roles or "assistant" not in roles:
        return None
    return [m for m in messages if isinstance(m, dict) and isinstance(m.get("content"), str)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--audit", required=True)
    args = parser.parse_args()

    started = time.time()
    permutations = MinHash(num_perm=NUM_PERM)
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    exact = {}
    counts = {"collected": 0, "kept": 0, "dropped": 0, "redacted": 0, "skipped": 0}

    with open(args.corpus, encoding="utf-8") as corpus, open(args.audit, "w", encoding="utf-8") as audit:

        def write(line_number, action, reason, **extra):
            audit.write(json.dumps({"file": args.corpus, "line": line_number, "action": action, "reason": reason, **extra}) + "\n")

        for line_number, line in enumerate(corpus, start=1):
            counts["collected"] += 1
            messages = conversation_of(line)
            if messages is None:
                counts["skipped"] += 1
                write(line_number, "skipped", "incomplete")
                continue

            key = hashlib.md5("\n".join(m["role"] + ":" + normalise(m["content"]) for m in messages).encode()).digest()
            if key in exact:
                counts["dropped"] += 1
                write(line_number, "dropped", "duplicate", of={"file": args.corpus, "line": exact[key]})
                continue
            exact[key] = line_number

            answer = [m["content"] for m in messages if m["role"] == "assistant"][-1]
            minhash = MinHash(num_perm=NUM_PERM, permutations=permutations.permutations, scheme=permutations.scheme)
            minhash.update_batch([s.encode("utf-8") for s in shingles(normalise(answer).split())])
            similar = lsh.query(minhash)
            if similar:
                counts["dropped"] += 1
                write(line_number, "dropped", "near_duplicate", of={"file": args.corpus, "line": min(similar)})
                continue
            lsh.insert(line_number, minhash)

            counts["kept"] += 1
            text = "\n".join(m["content"] for m in messages if m["role"] != "system")
            kinds = [kind for kind, pattern in PII_PATTERNS.items() if pattern.search(text)]
            if kinds:
                counts["redacted"] += 1
                write(line_number, "redacted", "pii", kinds=kinds)

    print(json.dumps({"ok": True, "counts": counts, "seconds": round(time.time() - started, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
