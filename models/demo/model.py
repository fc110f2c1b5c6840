"""Tiny Qwen3-layout transformer (PyTorch), matching llama.cpp's `qwen3` graph.

- RMSNorm pre-norm (eps 1e-6), no biases
- q/k/v/o projections, per-head RMSNorm on q and k (applied before RoPE, as Qwen3)
- RoPE NEOX style (rotate halves) with large base
- GQA: query head h uses KV head h // (n_head / n_head_kv)
- SwiGLU MLP: down(silu(gate(x)) * up(x))
- tied input/output embeddings
"""
import math
from dataclasses import dataclass, asdict

import torch
import torch.nn as nn
import torch.nn.functional as F


# llama.cpp's qwen3 tensor names: PyTorch parameter name -> GGUF name (blocks.{i}.X -> blk.{i}.Y), in the
# order export.py writes them; export.py and heldout_gap.py (which reads a GGUF back) share it.
GGUF_TENSORS_TOP = {"embed.weight": "token_embd.weight", "norm.weight": "output_norm.weight"}
GGUF_BLOCK_TENSORS = {"attn_norm": "attn_norm", "q": "attn_q", "k": "attn_k", "v": "attn_v", "q_norm": "attn_q_norm",
                      "k_norm": "attn_k_norm", "o": "attn_output", "ffn_norm": "ffn_norm", "gate": "ffn_gate",
                      "up": "ffn_up", "down": "ffn_down"}


@dataclass
class Config:
    vocab_size: int = 4096
    d_model: int = 256
    n_layer: int = 4
    n_head: int = 4
    n_kv_head: int = 2
    head_dim: int = 64
    ffn: int = 768
    rope_base: float = 1e6
    eps: float = 1e-6
    max_ctx: int = 8192

    def to_dict(self):
        return asdict(self)


class RMSNorm(nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rope_cache(hd, T, base, device, offset=0):
    inv = 1.0 / (base ** (torch.arange(0, hd, 2, dtype=torch.float64, device=device) / hd))
    pos = torch.arange(offset, offset + T, dtype=torch.float64, device=device)
    ang = torch.outer(pos, inv)
    ang = torch.cat([ang, ang], -1)
    return ang.cos().float(), ang.sin().float()


def apply_rope(x, cos, sin):  # x: B,H,T,hd ; NEOX / HF rotate_half
    h = x.shape[-1] // 2
    x1, x2 = x[..., :h], x[..., h:]
    rot = torch.cat([-x2, x1], -1)
    return x * cos + rot * sin


class Block(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.c = c
        self.attn_norm = RMSNorm(c.d_model, c.eps)
        self.q = nn.Linear(c.d_model, c.n_head * c.head_dim, bias=False)
        self.k = nn.Linear(c.d_model, c.n_kv_head * c.head_dim, bias=False)
        self.v = nn.Linear(c.d_model, c.n_kv_head * c.head_dim, bias=False)
        self.o = nn.Linear(c.n_head * c.head_dim, c.d_model, bias=False)
        self.q_norm = RMSNorm(c.head_dim, c.eps)
        self.k_norm = RMSNorm(c.head_dim, c.eps)
        self.ffn_norm = RMSNorm(c.d_model, c.eps)
        self.gate = nn.Linear(c.d_model, c.ffn, bias=False)
        self.up = nn.Linear(c.d_model, c.ffn, bias=False)
        self.down = nn.Linear(c.ffn, c.d_model, bias=False)

    def forward(self, x, cos, sin, kv=None, mask=None):
        c = self.c
        B, T, _ = x.shape
        h = self.attn_norm(x)
        q = self.q_norm(self.q(h).view(B, T, c.n_head, c.head_dim)).transpose(1, 2)
        k = self.k_norm(self.k(h).view(B, T, c.n_kv_head, c.head_dim)).transpose(1, 2)
        v = self.v(h).view(B, T, c.n_kv_head, c.head_dim).transpose(1, 2)
        q = apply_rope(q, cos, sin)
        k = apply_rope(k, cos, sin)
        if kv is not None:  # incremental decoding cache (list [k, v])
            if kv[0] is not None:
                k = torch.cat([kv[0], k], 2)
                v = torch.cat([kv[1], v], 2)
            kv[0], kv[1] = k, v
        rep = c.n_head // c.n_kv_head
        k = k.repeat_interleave(rep, 1)
        v = v.repeat_interleave(rep, 1)
        if mask is not None:  # explicit boolean mask (True = may attend), shape (T, S)
            a = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        else:
            if kv is not None and k.shape[2] != T and T > 1:
                raise NotImplementedError("chunked prefill with cache")
            a = F.scaled_dot_product_attention(q, k, v, is_causal=T > 1)
        x = x + self.o(a.transpose(1, 2).reshape(B, T, -1))
        h = self.ffn_norm(x)
        return x + self.down(F.silu(self.gate(h)) * self.up(h))


class Model(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.c = c
        self.embed = nn.Embedding(c.vocab_size, c.d_model)
        self.blocks = nn.ModuleList([Block(c) for _ in range(c.n_layer)])
        self.norm = RMSNorm(c.d_model, c.eps)
        self.apply(self._init)
        for b in self.blocks:
            nn.init.normal_(b.o.weight, std=0.02 / math.sqrt(2 * c.n_layer))
            nn.init.normal_(b.down.weight, std=0.02 / math.sqrt(2 * c.n_layer))

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)

    def hidden(self, idx, cache=None, offset=0, swa=None):
        """swa: None (full causal attention) or dict(window=W, sinks=k, fa_layers=set of layer
        indices that keep full attention). SWAA mask (vLLM form): query i may attend key j iff
        j <= i and (i - j <= W or j < k); RoPE positions stay absolute."""
        B, T = idx.shape
        cos, sin = rope_cache(self.c.head_dim, T, self.c.rope_base, idx.device, offset)
        x = self.embed(idx)
        swa_mask = None
        if swa is not None:
            i = torch.arange(offset, offset + T)[:, None]
            j = torch.arange(0, offset + T)[None, :]
            swa_mask = (j <= i) & ((i - j <= swa["window"]) | (j < swa["sinks"]))
        for li, b in enumerate(self.blocks):
            m = None
            if swa_mask is not None and li not in swa.get("fa_layers", ()):
                m = swa_mask
            x = b(x, cos, sin, None if cache is None else cache[li], m)
        return self.norm(x)

    def logits(self, h):
        return h @ self.embed.weight.t()

    def forward(self, idx):
        return self.logits(self.hidden(idx))

    @torch.no_grad()
    def generate(self, ids, max_new=40, eos=0, swa=None, fa_decode=True):
        """Greedy decoding with a KV cache. ids: list[int]. Returns new token ids (without eos).
        swa: optional SWAA recipe for the prefill (see hidden()); fa_decode=True gives generated
        tokens full attention (SWAA "FA decode"), False keeps the SWA mask while decoding too."""
        cache = [[None, None] for _ in self.blocks]
        x = torch.tensor([ids])
        h = self.hidden(x, cache, 0, swa)
        pos = len(ids)
        out = []
        for _ in range(max_new):
            nxt = int(self.logits(h[:, -1]).argmax(-1))
            if nxt == eos:
                break
            out.append(nxt)
            h = self.hidden(torch.tensor([[nxt]]), cache, pos, None if fa_decode else swa)
            pos += 1
        return out


def load_gguf(path):
    """The demo model's weights read back from its GGUF (F16/F32 tensors, names as export.py writes them)."""
    import numpy as np
    from gguf import GGUFReader  # here, not at the top: training never needs the gguf package
    r = GGUFReader(path)
    T = {t.name: torch.tensor(np.array(t.data).astype(np.float32)) for t in r.tensors}
    emb = T["token_embd.weight"]
    n_layer = sum(1 for k in T if k.endswith("attn_q.weight"))
    hd = T["blk.0.attn_q_norm.weight"].numel()
    cfg = Config(vocab_size=emb.shape[0], d_model=emb.shape[1], n_layer=n_layer,
                 ffn=T["blk.0.ffn_up.weight"].shape[0], n_head=T["blk.0.attn_q.weight"].shape[0] // hd,
                 n_kv_head=T["blk.0.attn_k.weight"].shape[0] // hd, head_dim=hd)
    m = Model(cfg)
    names = dict(GGUF_TENSORS_TOP)
    for i in range(n_layer):
        names.update({f"blocks.{i}.{p}.weight": f"blk.{i}.{g}.weight" for p, g in GGUF_BLOCK_TENSORS.items()})
    sd = m.state_dict()
    m.load_state_dict({k: T[names[k]].reshape(sd[k].shape) for k in sd})
    m.eval()
    return m
