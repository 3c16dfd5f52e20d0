"""Answer-token loss with transformers and the trainer's own tokenisation, the reference for the ONNX runtime's.

Usage: torch_loss.py <merged model dir> <max length> <records JSON file>. The records are {id, messages} with the
answer last. Prints one JSON object: the mean loss per answer token and the number of answer tokens, as the
trainer's `evaluate` command computes them.
"""

import json
import sys
from types import SimpleNamespace

from tempered_trainer.cancel import Cancellation
from tempered_trainer.data import Record
from tempered_trainer.evaluate import mean_loss
from transformers import AutoModelForCausalLM, AutoTokenizer

model_dir, max_length, records_file = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(records_file, encoding="utf-8") as fh:
    records = [Record(id=r["id"], messages=r["messages"], category=None) for r in json.load(fh)]
tokenizer = AutoTokenizer.from_pretrained(model_dir)
model = AutoModelForCausalLM.from_pretrained(model_dir).eval()
config = SimpleNamespace(max_length=max_length, batch_size=2, test_file=records_file)
loss, tokens = mean_loss(model, tokenizer, records, config, Cancellation())
print(json.dumps({"loss": loss, "tokens": tokens}))
