"""`tiny:llama`: a small random Llama built locally, so tests and demos need no download."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile

# Bump when the build below changes, so stale cached models are not reused.
_BUILD_VERSION = 1

SPECIAL_TOKENS = ["<|im_start|>", "<|im_end|>", "<|endoftext|>"]

CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)

MODEL_SHAPE = {
    "hidden_size": 64,
    "intermediate_size": 128,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "max_position_embeddings": 1024,
}

VARIANTS = ("llama",)


def cache_root() -> str:
    return os.environ.get("TEMPERED_MODEL_CACHE") or os.path.join(
        os.path.expanduser("~"), ".cache", "tempered", "models"
    )


def build_tokenizer():
    """Byte-level BPE without merges: every byte is one token, so any text round-trips."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    alphabet = sorted(pre_tokenizers.ByteLevel.alphabet())
    vocab = {ch: i for i, ch in enumerate(alphabet)}
    tok = Tokenizer(models.BPE(vocab=vocab, merges=[]))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.add_special_tokens(SPECIAL_TOKENS)
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        additional_special_tokens=["<|im_start|>"],
        chat_template=CHATML_TEMPLATE,
        model_max_length=MODEL_SHAPE["max_position_embeddings"],
    )


def _build(target: str, seed: int) -> None:
    import torch
    from transformers import GenerationConfig, LlamaConfig, LlamaForCausalLM

    tokenizer = build_tokenizer()
    eos = tokenizer.convert_tokens_to_ids("<|im_end|>")
    pad = tokenizer.convert_tokens_to_ids("<|endoftext|>")
    config = LlamaConfig(
        **MODEL_SHAPE,
        vocab_size=len(tokenizer),
        bos_token_id=None,
        eos_token_id=eos,
        pad_token_id=pad,
        architectures=["LlamaForCausalLM"],
    )
    torch.manual_seed(seed)
    model = LlamaForCausalLM(config)
    model.generation_config = GenerationConfig(eos_token_id=[eos, pad], pad_token_id=pad)

    parent = os.path.dirname(target)
    os.makedirs(parent, exist_ok=True)
    # Build in a sibling temp dir and rename: readers never see a half-written model.
    tmp = tempfile.mkdtemp(prefix=".building-", dir=parent)
    try:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        os.chmod(tmp, 0o755)  # mkdtemp makes it private; the cache may be shared
        try:
            os.rename(tmp, target)
        except OSError:
            if not os.path.isdir(target):  # not a lost race with another builder
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def tiny_model_dir(variant: str, seed: int) -> str:
    """The cached model directory for this variant and seed, building it on first use."""
    key = json.dumps({"variant": variant, "shape": MODEL_SHAPE, "seed": seed, "v": _BUILD_VERSION}, sort_keys=True)
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    target = os.path.join(cache_root(), f"tiny-{variant}-{digest}")
    if not os.path.isfile(os.path.join(target, "config.json")):
        _build(target, seed)
    return target
