"""Train the demo retrieval model (Qwen3 layout) on synthetic long documents, on CPU.

    nohup python train.py --minutes 70 --eval_every 250 > train.log 2>&1 &

Resumes from ckpt.pt if present (data for step s is generated from seed+s, so a resumed
run sees the same data as an uninterrupted one). Logs loss, answer-token accuracy and a
held-out exact-match accuracy (teacher-forced: an example counts as correct iff the argmax
at every answer position, including <|endoftext|>, is the target token -- equivalent to
greedy decoding producing exactly the expected answer).
"""
import argparse
import json
import math
import os
import random
import sys
import time

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import data  # noqa: E402
from model import Config, Model  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402

EOS_ID = 0


def load_tok():
    return Tokenizer.from_file(os.path.join(HERE, "tokenizer.json"))


def encode_example(tok, ex, max_q=None):
    """ids, answer-mask. First question uses the exact app prompt format; further questions
    (training only) follow the first answer's <|endoftext|> as 'Question: ...\\nAnswer:'."""
    ids, mask = [], []
    qa = ex["qa"] if max_q is None else ex["qa"][:max_q]
    for i, q in enumerate(qa):
        p = data.build_prompt(ex["document"], q["question"]) if i == 0 else \
            f"Question: {q['question']}\nAnswer:"
        pi = tok.encode(p).ids
        ai = tok.encode(q["answer"]).ids + [EOS_ID]
        ids += pi + ai
        mask += [0] * len(pi) + [1] * len(ai)
    return ids, mask


def schedule(f, gate=None):
    """curriculum -> (min_len, max_len, lm_coef, canon_p, copy_coef). f = training fraction; gate = the
    fraction at which retrieval emerged on short documents (running answer-token accuracy > 0.85),
    None before that. Short, fact-dense documents first, with many facts phrased like the answer
    (copyable: this is where the induction/retrieval heads form); once the skill appears (or f
    reaches 0.5) the rest of the budget ramps lengths 1.1k -> 2.2k -> 4.4k tokens with the
    training phrasings only. The LM loss stays a small auxiliary term throughout (a fraction of
    prose positions), so the compute goes to answer tokens; the copy rows weigh fully while the
    skill is forming and 0.3 after."""
    if gate is None and f < 0.5:
        return 80, 400, 0.1, 0.4, 1.0
    g = gate if gate is not None else 0.5
    p = (f - g) / (1 - g)
    if p < 0.25:
        return 100, 1100, 0.1, 0.1, 0.3
    if p < 0.55:
        return 150, 2200, 0.1, 0.0, 0.3
    return 300, 4400, 0.1, 0.0, 0.3


def make_batch(tok, step, f, seed, tokens_per_step, gate=None):
    rng = random.Random(seed * 1000003 + step)
    lo, hi, lm, canon_p, copy_coef = schedule(f, gate)
    L = rng.randint(lo, hi)
    bs = max(1, tokens_per_step // L)
    nq = max(2, min(12, L // 60))  # ask about many facts per document: more answer signal per token
    seqs = []
    for _ in range(bs):
        ex = data.make_example(rng, "train", L, n_questions=nq, count_fn=lambda s: max(1, len(s) * 10 // 44),
                               canon_p=canon_p)
        seqs.append(encode_example(tok, ex))
    # Copy rows: a random token span repeated until ~256 tokens, loss on every repeat after the
    # first (mask value 2). Every such position is answerable only by looking back at "what came
    # after this token last time": the induction heads that retrieval is built from get a dense
    # signal from the first step, instead of one or two name tokens per answer.
    T_doc = max(len(s[0]) for s in seqs)
    n_vocab = tok.get_vocab_size()
    for _ in range(max(2, bs // 4)):
        span = [rng.randrange(1, n_vocab) for _ in range(rng.randint(8, 40))]
        reps = max(2, min(T_doc, 256) // len(span))
        seqs.append((span * reps, [0] * len(span) + [2] * (len(span) * (reps - 1))))
    bs = len(seqs)
    T = max(len(s[0]) for s in seqs)
    x = torch.full((bs, T), EOS_ID, dtype=torch.long)
    m = torch.zeros((bs, T))
    valid = torch.zeros((bs, T))
    for i, (ids, mk) in enumerate(seqs):
        x[i, :len(ids)] = torch.tensor(ids)
        m[i, :len(ids)] = torch.tensor(mk, dtype=torch.float)
        valid[i, :len(ids)] = 1
    return x, m, valid, lm, copy_coef, L


def build_eval(tok, n, target, seed=1234):
    count = lambda s: len(tok.encode(s).ids)  # noqa: E731
    exs = data.eval_set(n, target, seed=seed, count_fn=count)
    return [encode_example(tok, ex, max_q=1) for ex in exs]


@torch.no_grad()
def eval_em(model, evs):
    model.eval()
    ok = 0
    for ids, mk in evs:
        x = torch.tensor([ids[:-1]])
        y = torch.tensor(ids[1:])
        m = torch.tensor(mk[1:], dtype=torch.bool)
        h = model.hidden(x)[0]
        pred = model.logits(h[m]).argmax(-1)
        ok += int((pred == y[m]).all())
    model.train()
    return ok / len(evs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=1200)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--tokens_per_step", type=int, default=4096)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--eval_every", type=int, default=100)
    ap.add_argument("--ckpt", default=os.path.join(HERE, "ckpt.pt"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--minutes", type=float, default=0,
                    help="time budget: if >0 the curriculum/LR schedule follows elapsed training time "
                         "instead of step/steps and training stops when the budget is used "
                         "(the CPUs here are shared, so steps/second is not predictable)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    tok = load_tok()
    cfg = Config(vocab_size=tok.get_vocab_size())
    model = Model(cfg)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    nodecay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": nodecay, "weight_decay": 0.0}],
                            lr=a.lr, betas=(0.9, 0.95))
    step, elapsed = 0, 0.0
    gate, ema = None, 0.0
    if os.path.exists(a.ckpt):
        ck = torch.load(a.ckpt, weights_only=False)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        step, elapsed = ck["step"], ck.get("elapsed", 0.0)
        gate, ema = ck.get("gate"), ck.get("ema", 0.0)
        print(f"resumed from step {step} ({elapsed/60:.1f} min trained)", flush=True)
    print(f"params {sum(p.numel() for p in model.parameters())/1e6:.3f}M cfg {cfg.to_dict()}", flush=True)
    ev_short = build_eval(tok, 24, 300)
    ev_long = build_eval(tok, 24, 1000)
    warm = 50
    t0 = time.time() - elapsed
    ntok = 0
    hist = []
    while True:
        if a.minutes > 0:
            f = (time.time() - t0) / (a.minutes * 60)
            if f >= 1:
                break
        else:
            if step >= a.steps:
                break
            f = step / a.steps
        lr = a.lr * min(1.0, (step + 1) / warm) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * f)))
        for g in opt.param_groups:
            g["lr"] = lr
        x, m, valid, lm, copy_coef, L = make_batch(tok, step, f, a.seed, a.tokens_per_step, gate)
        h = model.hidden(x[:, :-1])
        y = x[:, 1:]
        mm = m[:, 1:]
        vv = valid[:, 1:]
        # logits only where a loss is taken: answer and copy tokens, plus a random 1/8 of the other
        # valid positions for the auxiliary LM term
        g = torch.Generator().manual_seed(a.seed * 7919 + step)
        lm_pos = (vv > 0) & (torch.rand(vv.shape, generator=g) < 0.125)
        sel = (mm > 0) | lm_pos
        lg = model.logits(h[sel])
        ce_sel = F.cross_entropy(lg, y[sel], reduction="none")
        is_ans = mm[sel] == 1
        is_copy = mm[sel] == 2
        is_lm = lm_pos[sel] & ~is_copy
        ans_loss = ce_sel[is_ans].mean()
        lm_loss = ce_sel[is_lm].mean()
        copy_loss = ce_sel[is_copy].mean()
        loss = ans_loss + lm * lm_loss + copy_coef * copy_loss
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        with torch.no_grad():
            acc = (lg[is_ans].argmax(-1) == y[sel][is_ans]).float().mean()
            copy_acc = (lg[is_copy].argmax(-1) == y[sel][is_copy]).float().mean()
        ntok += int(vv.sum())
        step += 1
        hist.append((ans_loss.item(), lm_loss.item(), acc.item(), copy_acc.item()))
        ema = 0.95 * ema + 0.05 * acc.item()
        if gate is None and f >= 0.05 and ema > 0.85:
            gate = f
            print(f"GATE: answer-token accuracy EMA {ema:.3f} > 0.85 at step {step}, f {f:.3f}: "
                  f"moving to long documents", flush=True)
        if step % 10 == 0:
            al, ll, ac, ca = [sum(v) / len(v) for v in zip(*hist)]
            hist = []
            el = time.time() - t0
            print(f"step {step} f {f:.3f} len~{L} bs {x.shape[0]} T {x.shape[1]} lr {lr:.2e} ans_loss {al:.3f} lm_loss {ll:.3f} "
                  f"ans_tok_acc {ac:.3f} copy_acc {ca:.3f} elapsed {el/60:.1f}m", flush=True)
        if step % a.eval_every == 0:
            es, el_ = eval_em(model, ev_short), eval_em(model, ev_long)
            print(f"EVAL step {step} heldout_EM@300tok {es:.3f} heldout_EM@1000tok {el_:.3f}", flush=True)
        if step % 100 == 0:
            save(model, opt, step, t0, cfg, a.ckpt, gate, ema)
    save(model, opt, step, t0, cfg, a.ckpt, gate, ema)
    es, el_ = eval_em(model, ev_short), eval_em(model, ev_long)
    print(f"EVAL step {step} heldout_EM@300tok {es:.3f} heldout_EM@1000tok {el_:.3f}", flush=True)
    print(f"done: {step} steps, {(time.time()-t0)/60:.1f} min", flush=True)


def save(model, opt, step, t0, cfg, ckpt, gate=None, ema=0.0):
    torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step,
                "elapsed": time.time() - t0, "cfg": cfg.to_dict(), "gate": gate, "ema": ema}, ckpt + ".tmp")
    os.replace(ckpt + ".tmp", ckpt)
    torch.save({"model": model.state_dict(), "cfg": cfg.to_dict(), "step": step},
               os.path.join(os.path.dirname(os.path.abspath(ckpt)), "model_last.pt"))


if __name__ == "__main__":
    main()
