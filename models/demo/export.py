"""Export the trained PyTorch model + tokenizer to models/demo/demo.gguf (arch "qwen3").

    python export.py [--ckpt model_last.pt] [--out demo.gguf] [--ctx 8192]

2-D weights are written as F16, norm weights as F32. Output embedding is tied (no
output.weight; llama.cpp's qwen3 loader falls back to token_embd). q/k rows are written
unchanged: llama.cpp's qwen3 uses NEOX RoPE exactly like HF Qwen3 (no permutation).
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import gguf

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from model import GGUF_BLOCK_TENSORS, GGUF_TENSORS_TOP, Config  # noqa: E402

# Renders the fixed prompt format from the app's one user message, "{document}\n\nQuestion: {question}"
# (native/addon/prompt.ts builds it): Document:\n{message}\nAnswer:  -- the layout data.build_prompt trains on.
# An earlier template took the document from the messages before the last one, so the app's single
# message rendered as "Document:\n\n\nQuestion: {document}..." and half the sample answers were wrong.
CHAT_TEMPLATE = "{{- 'Document:\\n' ~ messages[-1]['content'] ~ '\\nAnswer:' -}}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default=os.path.join(HERE, "model_last.pt"))
    ap.add_argument("--out", default=os.path.join(HERE, "demo.gguf"))
    ap.add_argument("--ctx", type=int, default=8192)
    ap.add_argument("--name", default="swaa-desk demo retrieval model (qwen3 layout, 1.3M)")
    a = ap.parse_args()
    ck = torch.load(a.ckpt, map_location="cpu", weights_only=False)
    cfg = Config(**ck["cfg"])
    sd = ck["model"]
    tj = json.load(open(os.path.join(HERE, "tokenizer.json")))

    w = gguf.GGUFWriter(a.out, "qwen3")
    w.add_name(a.name)
    w.add_description("Tiny synthetic-data retrieval model for demos/tests; not a general assistant. "
                      "See models/demo/MODEL_CARD.md")
    w.add_context_length(a.ctx)
    w.add_embedding_length(cfg.d_model)
    w.add_block_count(cfg.n_layer)
    w.add_feed_forward_length(cfg.ffn)
    w.add_head_count(cfg.n_head)
    w.add_head_count_kv(cfg.n_kv_head)
    w.add_key_length(cfg.head_dim)
    w.add_value_length(cfg.head_dim)
    w.add_rope_freq_base(cfg.rope_base)
    w.add_layer_norm_rms_eps(cfg.eps)
    w.add_file_type(gguf.LlamaFileType.MOSTLY_F16)

    # tokenizer
    vocab = tj["model"]["vocab"]
    n = len(vocab)
    assert n == cfg.vocab_size, (n, cfg.vocab_size)
    tokens = [None] * n
    for t, i in vocab.items():
        tokens[i] = t
    special = {d["id"]: d["content"] for d in tj["added_tokens"]}
    for i, c in special.items():
        tokens[i] = c
    types = [gguf.TokenType.CONTROL if i in special else gguf.TokenType.NORMAL for i in range(n)]
    merges = [m if isinstance(m, str) else " ".join(m) for m in tj["model"]["merges"]]
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("qwen2")
    w.add_token_list(tokens)
    w.add_token_types(types)
    w.add_token_merges(merges)
    eos = tokens.index("<|endoftext|>")
    w.add_bos_token_id(eos)
    w.add_eos_token_id(eos)
    w.add_pad_token_id(eos)
    w.add_add_bos_token(False)
    w.add_add_eos_token(False)
    w.add_chat_template(CHAT_TEMPLATE)

    def f16(t):
        return t.detach().float().numpy().astype(np.float16)

    def f32(t):
        return t.detach().float().numpy().astype(np.float32)

    # matrices F16, norm weights (1-D) F32
    def add(name, t):
        w.add_tensor(name, f16(t) if t.dim() >= 2 else f32(t))

    add(GGUF_TENSORS_TOP["embed.weight"], sd["embed.weight"])
    for i in range(cfg.n_layer):
        for p, g in GGUF_BLOCK_TENSORS.items():
            add(f"blk.{i}.{g}.weight", sd[f"blocks.{i}.{p}.weight"])
    add(GGUF_TENSORS_TOP["norm.weight"], sd["norm.weight"])

    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    print(f"wrote {a.out} ({os.path.getsize(a.out)/1e6:.2f} MB) from step {ck.get('step')}")


if __name__ == "__main__":
    main()
