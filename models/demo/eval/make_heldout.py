"""Held-out QA set for `npm run eval` (models/demo/eval/run.ts), written as JSONL.

Imports the demo model's own generator (models/demo/data.py, read only) and draws examples from
its 'eval' split: first names, last names, places, projects, fact phrasings and filler sentences
that never occur in training. Document length is measured with the demo tokenizer
(tokenizer.json) exactly like models/demo/eval_pt.py, and with the same seeding
(`data.eval_set(n, L, seed)`), so with the default seed the first examples of each length are the
ones eval_pt.py scores on the PyTorch side (a cross-check of the native runtime).

Each line: {length, index, document, questions: [{question, answer, value, name, attribute,
fact, fact_char_start, fact_char_end}], theme}. fact_char_* locate the asked fact's sentence in
`document` (character offsets); run.ts turns them into token positions with the runtime's
tokenizer.

    python3 models/demo/eval/make_heldout.py --lengths 500,1000,2000,4000 --n 40 --questions 2 --out x.jsonl
"""
import argparse
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEMO = os.path.dirname(HERE)
sys.path.insert(0, DEMO)
import data  # noqa: E402

ATTR_KEY = {phrase: key for key, (phrase, _kind) in data.ATTRS.items()}


def token_counter():
    try:
        from tokenizers import Tokenizer
    except ImportError:  # fall back to the generator's own estimate (chars / 4)
        print("make_heldout: python 'tokenizers' missing, lengths are chars/4 estimates", file=sys.stderr)
        return data.approx_tokens
    tok = Tokenizer.from_file(os.path.join(DEMO, "tokenizer.json"))
    return lambda s: len(tok.encode(s).ids)


def locate_fact(document, q, split="eval"):
    """The asked fact's sentence, found by rendering every template of the split for its attribute."""
    key = ATTR_KEY[q["attribute"]]
    hits = []
    for t in (data.FACT_EVAL if split == "eval" else data.FACT_TRAIN)[key]:
        s = t.format(n=q["name"], v=q["value"])
        i = document.find(s)
        if i >= 0:
            hits.append((i, s))
    if not hits:
        raise RuntimeError(f"fact not found for {q['question']!r} = {q['value']!r}")
    i, s = min(hits)
    return s, i, i + len(s)


def make_set(lengths, n, questions, seed, count, split="eval"):
    out = []
    for L in lengths:
        # the same generator calls as data.eval_set (eval_pt.py): question 1 of each document is
        # eval_pt's example; more questions per document do not change the documents
        rng = random.Random(seed * 100003 + L + (0 if split == "eval" else 7))
        exs = [data.make_example(rng, split, L, questions, count) for _ in range(n)]
        for idx, ex in enumerate(exs):
            qs = []
            for q in ex["qa"]:
                fact, a, b = locate_fact(ex["document"], q, split)
                qs.append(dict(question=q["question"], answer=q["answer"], value=q["value"], name=q["name"],
                               attribute=q["attribute"], fact=fact, fact_char_start=a, fact_char_end=b))
            out.append(dict(length=L, index=idx, theme=ex["theme"], document=ex["document"], questions=qs))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lengths", default="500,1000,2000,4000")
    ap.add_argument("--n", type=int, default=40, help="documents per length")
    ap.add_argument("--questions", type=int, default=1, help="questions per document (1 = eval_pt.py's set)")
    ap.add_argument("--seed", type=int, default=4321)
    ap.add_argument("--split", default="eval", choices=["eval", "train"],
                    help="eval = held-out pools (default); train = the training pools (fresh documents, seen names)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    lengths = [int(x) for x in a.lengths.split(",") if x.strip()]
    rows = make_set(lengths, a.n, a.questions, a.seed, token_counter(), a.split)
    with open(a.out, "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
    print(f"make_heldout: {len(rows)} documents, {sum(len(r['questions']) for r in rows)} questions -> {a.out}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
