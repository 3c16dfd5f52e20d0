"""Greedy generation with transformers, the reference the ONNX runtime is held to.

Usage: torch_greedy.py <merged model dir> <max new tokens> <conversations JSON file>. Prints one JSON object:
for each conversation, the prompt ids (chat template with generation prompt) and the generated ids, as
`generate(do_sample=False)` returns them (an end-of-sequence token included).
"""

import json
import sys

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

model_dir, max_new_tokens, conversations_file = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(conversations_file, encoding="utf-8") as fh:
    conversations = json.load(fh)
tokenizer = AutoTokenizer.from_pretrained(model_dir)
model = AutoModelForCausalLM.from_pretrained(model_dir).eval()
results = []
for messages in conversations:
    prompt = tokenizer.apply_chat_template(messages, tokenize=True, add_generation_prompt=True)
    with torch.no_grad():
        out = model.generate(torch.tensor([prompt]), do_sample=False, max_new_tokens=max_new_tokens)
    results.append({"prompt_ids": prompt, "generated_ids": out[0, len(prompt) :].tolist()})
print(json.dumps(results))
