"""Compares an export against the models it came from, independently of the exporter's own checks.

Usage: check_export.py <tiny:llama seed> <adapter dir> <export dir>, with the trainer on PYTHONPATH. Prints one JSON object: the largest logit
differences on a prompt between base + adapter (PEFT, unmerged) and the merged model, between the base and the
merged model (the adapter must have changed something), and between the merged model and the fp32 ONNX graph
(a single forward pass, empty KV cache); then the quantized graph's logits and the size of each model file.
"""

import json
import os
import sys

import numpy as np
import onnxruntime as ort
import torch
from peft import PeftModel
from tempered_trainer.tiny import tiny_model_dir
from transformers import AutoModelForCausalLM, AutoTokenizer

seed, adapter_dir, export_dir = sys.argv[1:4]
base_dir = tiny_model_dir("llama", int(seed))
tokenizer = AutoTokenizer.from_pretrained(os.path.join(export_dir, "onnx"))
prompt = tokenizer.apply_chat_template(
    [{"role": "user", "content": "Where is my order?"}], tokenize=True, add_generation_prompt=True
)
ids = torch.tensor([prompt])


def torch_logits(model):
    with torch.no_grad():
        return model.eval()(input_ids=ids).logits[0].float().numpy()


def onnx_logits(folder):
    session = ort.InferenceSession(os.path.join(export_dir, folder, "model.onnx"), providers=["CPUExecutionProvider"])
    config = AutoModelForCausalLM.from_pretrained(os.path.join(export_dir, "merged")).config
    head_dim = config.hidden_size // config.num_attention_heads
    feed = {"input_ids": ids.numpy(), "attention_mask": np.ones_like(ids.numpy())}
    names = {i.name for i in session.get_inputs()}
    if "position_ids" in names:
        feed["position_ids"] = np.arange(len(prompt), dtype=np.int64)[None]
    for name in names:
        if name.startswith("past_key_values."):
            feed[name] = np.zeros((1, config.num_key_value_heads, 0, head_dim), np.float32)
    outputs = [o.name for o in session.get_outputs()]
    return session.run(["logits"], feed)[0][0], sorted(names), outputs


base = torch_logits(AutoModelForCausalLM.from_pretrained(base_dir))
adapted = torch_logits(PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(base_dir), adapter_dir))
merged = torch_logits(AutoModelForCausalLM.from_pretrained(os.path.join(export_dir, "merged")))
onnx, inputs, outputs = onnx_logits("onnx")
quantized, _, _ = onnx_logits("onnx-quantized")

print(
    json.dumps(
        {
            "merged_vs_adapted": float(np.abs(merged - adapted).max()),
            "merged_vs_base": float(np.abs(merged - base).max()),
            "onnx_vs_merged": float(np.abs(onnx - merged).max()),
            "quantized_vs_merged": float(np.abs(quantized - merged).max()),
            "logit_scale": float(np.abs(merged).max()),
            "onnx_inputs": inputs,
            "onnx_outputs": outputs,
            "onnx_bytes": os.path.getsize(os.path.join(export_dir, "onnx", "model.onnx")),
            "quantized_bytes": os.path.getsize(os.path.join(export_dir, "onnx-quantized", "model.onnx")),
        }
    )
)
