"""Saves the demo's base model as the folder the trainer's `export` command takes for method `full`.

Usage: save_base.py <package module> <gguf file> <out dir>. The model is loaded as the trainer loads it (the GGUF
dequantised to fp32, special tokens aligned) and written with `export.save_merged`, so `export` with method
`full` turns it into the same onnx/ and onnx-quantized/ folders a fine-tuned model gets, with no adapter involved.
"""

import sys

from tempered_trainer.export import save_merged
from tempered_trainer.models import load_base

package, gguf_file, out_dir = sys.argv[1:4]
tokenizer, model = load_base(f"package:{package}", gguf_file, seed=42)
model.eval()
save_merged(tokenizer, model, out_dir)
