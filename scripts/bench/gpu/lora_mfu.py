"""LoRA training throughput and model FLOPs utilisation of a randomly initialised Llama.

Run by `scripts/gpu-bench.sh` on a CUDA host (a ~1B-parameter model in bf16), or with `--smoke` on any host to
check the script itself on a tiny model. The step is the trainer's: PEFT LoRA on every linear layer of the
blocks, AdamW, bf16 weights, SDPA attention, causal-LM loss on full sequences of random tokens.

Model FLOPs per token count what a LoRA step must compute: 2N for the forward pass and 2N for the gradients
of the activations (the frozen weights get none), plus causal attention, 6 * layers * seq * hidden forward
and backward. MFU is that times tokens/s over the GPU's dense bf16 peak. Prints `RESULT gpu ...` last.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

# Dense bf16 peaks (TFLOPS) of the data-center GPUs this is meant for; --peak-tflops for others.
PEAK_TFLOPS = {"H200": 989.0, "H100": 989.0, "A100": 312.0, "L40S": 362.0, "L4": 121.0}

# TinyLlama's shape: 1.1B parameters, Llama architecture, grouped-query attention.
SHAPES = {
    "1b": dict(hidden_size=2048, intermediate_size=5632, num_hidden_layers=22, num_attention_heads=32, num_key_value_heads=4, vocab_size=32000),
    "smoke": dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2, vocab_size=512),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="a tiny model on whatever device there is, to check the script")
    parser.add_argument("--seq", type=int, default=2048)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--steps", type=int, default=30, help="measured steps, after --warmup")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--rank", type=int, default=16)
    parser.add_argument("--peak-tflops", type=float, default=None)
    args = parser.parse_args()

    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import LlamaConfig, LlamaForCausalLM

    cuda = torch.cuda.is_available()
    if not cuda and not args.smoke:
        raise SystemExit("gpu-bench: no CUDA device; run with --smoke to check the script on this host")
    device = torch.device("cuda" if cuda else "cpu")
    shape = SHAPES["smoke" if args.smoke else "1b"]
    if args.smoke:
        args.seq, args.batch, args.steps, args.warmup = min(args.seq, 128), min(args.batch, 2), min(args.steps, 5), 1

    torch.manual_seed(0)
    config = LlamaConfig(**shape, max_position_embeddings=max(args.seq, 128), attn_implementation="sdpa", torch_dtype="bfloat16")
    model = LlamaForCausalLM(config).to(device=device, dtype=torch.bfloat16)
    parameters = sum(p.numel() for p in model.parameters())
    model = get_peft_model(
        model,
        LoraConfig(r=args.rank, lora_alpha=2 * args.rank, lora_dropout=0.0, target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"], task_type="CAUSAL_LM"),
    )
    model.gradient_checkpointing_disable()
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=1e-4, fused=cuda)

    def step() -> float:
        ids = torch.randint(0, shape["vocab_size"], (args.batch, args.seq), device=device)
        loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        return float(loss.detach())

    def sync() -> None:
        if cuda:
            torch.cuda.synchronize()

    for _ in range(args.warmup):
        step()
    sync()
    times = []
    for _ in range(args.steps):
        start = time.perf_counter()
        step()
        sync()
        times.append(time.perf_counter() - start)

    tokens = args.batch * args.seq
    tokens_per_s = tokens / statistics.median(times)
    layers, hidden = shape["num_hidden_layers"], shape["hidden_size"]
    flops_per_token = 4 * parameters + 6 * layers * args.seq * hidden
    name = torch.cuda.get_device_name(0) if cuda else "cpu"
    peak = args.peak_tflops or next((v for k, v in PEAK_TFLOPS.items() if k in name.upper()), None)
    mfu = None if peak is None else tokens_per_s * flops_per_token / (peak * 1e12)
    report = {
        "device": name,
        "parameters": parameters,
        "trainable": sum(p.numel() for p in trainable),
        "seq": args.seq,
        "batch": args.batch,
        "median_step_s": round(statistics.median(times), 4),
        "tokens_per_s": round(tokens_per_s, 1),
        "model_tflops_per_s": round(tokens_per_s * flops_per_token / 1e12, 2),
        "peak_tflops": peak,
        "mfu": None if mfu is None else round(mfu, 3),
        "peak_memory_gb": round(torch.cuda.max_memory_allocated() / 1e9, 2) if cuda else None,
    }
    print(json.dumps(report, indent=2))
    print(f"RESULT gpu lora_tokens_per_s={report['tokens_per_s']} mfu={report['mfu'] if mfu is not None else 'n/a'} params={parameters}")


if __name__ == "__main__":
    main()
