"""Token ids of the demo model's training layout, written by the *training* tokenizer, for
native/tests/ts/prompt.test.ts: the app's prompt for a (document, question) pair must be these ids.

Training encodes `data.build_prompt(doc_text, question)` with Hugging Face `tokenizers` and
models/demo/tokenizer.json (train.py encode_example). This script does the same for every sample
question (models/demo/samples, trailing whitespace stripped as the app strips it) and for a few
held-out documents, and stores per pair the count, a SHA-256 of the ids and the last ids (where
the question is, so a failing test can show the difference).

    pip install tokenizers && python3 models/demo/eval/training_layout.py   # rewrites training-layout.json
"""
import hashlib
import json
import os
import random
import sys

from tokenizers import Tokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
DEMO = os.path.dirname(HERE)
sys.path.insert(0, DEMO)
import data  # noqa: E402

TAIL = 48


def entry(tok, doc_text, question, **where):
    ids = tok.encode(data.build_prompt(doc_text, question)).ids
    return dict(where, question=question, count=len(ids),
                sha256=hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest(), tail=ids[-TAIL:])


def main():
    tok = Tokenizer.from_file(os.path.join(DEMO, "tokenizer.json"))
    cases = []
    samples = json.load(open(os.path.join(DEMO, "samples", "questions.json")))
    for f in samples:
        text = open(os.path.join(DEMO, "samples", f["file"]), encoding="utf-8").read().rstrip()
        for q in f["questions"]:
            cases.append(entry(tok, text, q["question"], sample=f["file"]))
    rng = random.Random(2031)
    for length in (300, 900):
        for _ in range(2):
            ex = data.make_example(rng, "eval", length, 2, data.approx_tokens)
            for q in ex["qa"]:
                cases.append(entry(tok, ex["document"], q["question"], document=ex["document"]))
    out = os.path.join(HERE, "training-layout.json")
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(dict(about=__doc__.strip().split("\n\n")[0], tail=TAIL, cases=cases), fh, indent=1)
        fh.write("\n")
    print(f"training_layout: {len(cases)} pairs -> {os.path.relpath(out)}")


if __name__ == "__main__":
    main()
