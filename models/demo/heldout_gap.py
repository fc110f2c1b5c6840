"""Where the held-out gap comes from: accuracy with the train and eval pools swapped one part at a time.

The held-out split differs from training in three parts: names (with places and projects), fact
phrasings, and filler sentences. This script draws documents with each combination of train/eval pools
for the three parts and scores a checkpoint teacher-forced ("value": every value token right;
"restatement": every token of " The {attribute} of {name} is" right), so the part that costs accuracy
shows. `--attribute` adds greedy decoding for one attribute (e.g. "home town").

    python heldout_gap.py --ckpt model_last.pt --tokens 1000 --n 40
    python heldout_gap.py --gguf demo.gguf --attribute "home town"      # reads the weights back from a GGUF
"""
import argparse
import itertools
import os
import random
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import data  # noqa: E402
from eval_pt import load_model  # noqa: E402
from model import load_gguf  # noqa: E402
from train import encode_example, load_tok  # noqa: E402

def pools(names, facts, filler):
    P, E = data._pools("train"), data._pools("eval")
    if names == "eval":
        P.update(first=E["first"], last=E["last"], places=E["places"], projects=E["projects"])
    if facts == "eval":
        P["facts"] = E["facts"]
    if filler == "eval":
        P.update(filler=E["filler"], generic=E["generic"])
    return P


def draw(P, n, tokens, count, attribute=None, seed=555):
    """n examples from pools P (split argument ignored); with attribute, one question about it each."""
    real = data._pools
    data._pools = lambda split: P
    try:
        rng = random.Random(seed + tokens)
        out = []
        while len(out) < n:
            ex = data.make_example(rng, "train", tokens, 12 if attribute else 1, count)
            if attribute:
                qs = [q for q in ex["qa"] if q["attribute"] == attribute]
                if not qs:
                    continue
                ex["qa"] = qs[:1]
            out.append(ex)
        return out
    finally:
        data._pools = real


@torch.no_grad()
def teacher_forced(m, tok, exs):
    value = restate = 0
    for ex in exs:
        ids, mk = encode_example(tok, ex, max_q=1)
        x, y, mm = torch.tensor([ids[:-1]]), torch.tensor(ids[1:]), torch.tensor(mk[1:])
        sel = mm > 0
        pred = m.logits(m.hidden(x)[0][sel]).argmax(-1)
        ys, ms = y[sel], mm[sel]
        value += int((pred[ms == 3] == ys[ms == 3]).all())
        restate += int((pred[ms == 1] == ys[ms == 1]).all())
    return value / len(exs), restate / len(exs)


def main():
    ap = argparse.ArgumentParser()
    src = ap.add_mutually_exclusive_group()
    src.add_argument("--ckpt", default=os.path.join(HERE, "model_last.pt"))
    src.add_argument("--gguf")
    ap.add_argument("--tokens", type=int, default=1000)
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--attribute", help="also decode greedily questions about this attribute (e.g. 'home town')")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    m = load_gguf(a.gguf) if a.gguf else load_model(a.ckpt)[0]
    tok = load_tok()
    count = lambda s: len(tok.encode(s).ids)  # noqa: E731
    print(f"{'names':6} {'facts':6} {'filler':6}  value  restatement" + ("  greedy " + a.attribute if a.attribute else ""))
    for names, facts, filler in itertools.product(("train", "eval"), repeat=3):
        P = pools(names, facts, filler)
        v, r = teacher_forced(m, tok, draw(P, a.n, a.tokens, count))
        line = f"{names:6} {facts:6} {filler:6}  {v:5.0%}  {r:11.0%}"
        if a.attribute:
            exs = draw(P, 20, min(a.tokens, 500), count, a.attribute, seed=77)
            ok = 0
            for ex in exs:
                q = ex["qa"][0]
                ids = tok.encode(data.build_prompt(ex["document"], q["question"])).ids
                ok += f" is {q['value']}." in tok.decode(m.generate(ids, max_new=30))
            line += f"  {ok}/{len(exs)}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
