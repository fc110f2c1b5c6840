"""Held-out evaluation of the PyTorch model with real greedy decoding, and the cases file
for the llama.cpp parity check (verify_llamacpp.mjs).

    python eval_pt.py --lengths 500,1000,2000,4000 --n 50          # accuracy table
    python eval_pt.py --lengths 300,1000,4000 --n 7 --cases verify_cases.json

Held-out = eval split of data.py: names, places, projects, fact phrasings and filler
sentences never used in training. Document length is measured with the real tokenizer.
Exact match = generated text (up to <|endoftext|>) equals the expected answer;
value match = the expected value appears in the generated answer.
"""
import argparse
import json
import os
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import data  # noqa: E402
from model import Config, Model  # noqa: E402
from train import load_tok, EOS_ID  # noqa: E402

TOKENIZER_TESTS = [
    "Question: What is the access code of Mira Castell?\nAnswer: The access code of Mira Castell is 4821.",
    "Hello world!  Multiple   spaces,\ttabs\nand new\n\nlines 12345 $98,765.",
    "Ünïcödé naïve café — “quotes” and emoji 🎉 and 日本語 text.",
    "I'm sure they'll say it's DON'T or WON'T; x=3.14159 (approx).",
    "   leading spaces and trailing spaces   ",
]


def load_model(path):
    ck = torch.load(path, map_location="cpu", weights_only=False)
    m = Model(Config(**ck["cfg"]))
    m.load_state_dict(ck["model"])
    m.eval()
    return m, ck.get("step")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", default=os.path.join(HERE, "model_last.pt"))
    ap.add_argument("--lengths", default="500,1000,2000,4000")
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--seed", type=int, default=4321)
    ap.add_argument("--cases", help="write prompts + PyTorch greedy outputs for verify_llamacpp.mjs")
    ap.add_argument("--json", help="write the accuracy table as JSON")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--split", default="eval", choices=["eval", "train"],
                    help="eval = held-out names/templates (default); train = fresh documents drawn "
                         "from the training pools (in-distribution check)")
    ap.add_argument("--swa", type=int, default=0, help="SWAA window W for the prefill (0 = full attention)")
    ap.add_argument("--sinks", type=int, default=0, help="SWAA keep-first sink tokens k")
    ap.add_argument("--fa-layers", default="", help="comma-separated layer indices that keep full attention")
    ap.add_argument("--no-fa-decode", action="store_true", help="keep the SWA mask while decoding too")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    tok = load_tok()
    model, step = load_model(a.ckpt)
    swa = None
    if a.swa > 0:
        swa = dict(window=a.swa, sinks=a.sinks,
                   fa_layers={int(x) for x in a.fa_layers.split(",") if x.strip()})
        print(f"SWAA recipe: window {a.swa}, sinks {a.sinks}, FA layers {sorted(swa['fa_layers'])}, "
              f"FA decode {not a.no_fa_decode}")
    count = lambda s: len(tok.encode(s).ids)  # noqa: E731
    results, cases = {}, []
    for L in [int(x) for x in a.lengths.split(",")]:
        exs = data.eval_set(a.n, L, seed=a.seed, count_fn=count, split=a.split)
        em = vm = rs = fm = 0
        ntoks = []
        t0 = time.time()
        for ex in exs:
            q = ex["qa"][0]
            prompt = data.build_prompt(ex["document"], q["question"])
            ids = tok.encode(prompt).ids
            ntoks.append(len(ids))
            out = model.generate(ids, max_new=48, eos=EOS_ID, swa=swa, fa_decode=not a.no_fa_decode)
            text = tok.decode(out)
            em += int(text == q["answer"])
            vm += int(q["value"] in text)
            # restatement correct: " The {attribute} of {name} is" reproduced exactly
            rs += int(text.startswith(q["answer"].rsplit(" is ", 1)[0] + " is "))
            # format correct: " The {attribute} of " (attribute copied, right answer shape)
            fm += int(text.startswith(f" The {q['attribute']} of "))
            cases.append(dict(length=L, document=ex["document"], question=q["question"], prompt=prompt, prompt_ids=ids, expected=q["answer"],
                              pt_ids=out, pt_text=text))
        results[L] = dict(n=len(exs), exact_match=em / len(exs), value_match=vm / len(exs),
                          restatement_correct=rs / len(exs), attribute_format_correct=fm / len(exs),
                          mean_prompt_tokens=sum(ntoks) / len(ntoks), max_prompt_tokens=max(ntoks),
                          seconds=time.time() - t0)
        print(f"len {L}: prompt tokens mean {results[L]['mean_prompt_tokens']:.0f} max {max(ntoks)} | "
              f"EM {em}/{len(exs)} = {em/len(exs):.3f} | value match {vm/len(exs):.3f} | "
              f"restatement {rs/len(exs):.3f} | attr/format {fm/len(exs):.3f} | "
              f"example: {cases[-1]['pt_text']!r} (expected {q['answer']!r})", flush=True)
    if a.json:
        json.dump(dict(step=step, results=results), open(a.json, "w"), indent=2)
    if a.cases:
        tt = [dict(text=s, ids=tok.encode(s).ids) for s in TOKENIZER_TESTS]
        for c in cases[:3]:
            tt.append(dict(text=c["prompt"], ids=c["prompt_ids"]))
        json.dump(dict(step=step, tokenizer_tests=tt, cases=cases), open(a.cases, "w"))
        print(f"wrote {len(cases)} cases to {a.cases}")


if __name__ == "__main__":
    main()
