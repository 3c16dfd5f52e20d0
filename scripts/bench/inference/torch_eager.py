"""PyTorch eager side of bench:inference: the demo model loaded as the trainer loads it, greedy `generate`.

Usage: torch_eager.py <package module> <gguf file> <threads> <max new tokens> <conversations JSON file>.
Loads once, prints {"event": "ready", "prompt_ids": [...]}, then answers each line "round" on stdin with
{"event": "round", "results": [{"token_ids": [...], "seconds": s}, ...]} (one per conversation, in order), and
"warmup" the same way for the first conversation only, until "quit" or end of input. Each generate call is
timed from the call to its return, prefill included.
"""

import json
import sys
import time

import torch
from transformers import GenerationConfig

from tempered_trainer.data import _ids
from tempered_trainer.evaluate import _stop_ids
from tempered_trainer.models import load_base


def say(**event):
    print(json.dumps(event), flush=True)


package, gguf_file, threads, max_new_tokens, conversations_file = sys.argv[1:6]
torch.set_num_threads(int(threads))
with open(conversations_file, encoding="utf-8") as fh:
    conversations = json.load(fh)
tokenizer, model = load_base(f"package:{package}", gguf_file, seed=42)
model.eval()
# As the trainer's evaluate command generates: greedy, stopping at the model's end tokens.
generation = GenerationConfig(
    max_new_tokens=int(max_new_tokens),
    do_sample=False,
    eos_token_id=_stop_ids(tokenizer, model),
    pad_token_id=tokenizer.pad_token_id,
)
prompts = [_ids(tokenizer, messages, generation_prompt=True) for messages in conversations]
say(event="ready", prompt_ids=prompts)

for line in sys.stdin:
    command = line.strip()
    if command not in ("round", "warmup"):
        break
    results = []
    with torch.inference_mode():
        for ids in prompts if command == "round" else prompts[:1]:
            input_ids = torch.tensor([ids])
            started = time.perf_counter()
            out = model.generate(input_ids=input_ids, attention_mask=torch.ones_like(input_ids), generation_config=generation)
            seconds = time.perf_counter() - started
            results.append({"token_ids": out[0, len(ids) :].tolist(), "seconds": seconds})
    say(event="round", results=results)
