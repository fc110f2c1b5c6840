"""Train the demo's byte-level BPE tokenizer (HF `tokenizers`).

Pre-tokenization is exactly Qwen2's: a Split on the Qwen2 regex (digits are split one
by one, which helps copying numbers) followed by ByteLevel(add_prefix_space=False,
use_regex=False). llama.cpp reproduces this with tokenizer.ggml.model="gpt2" and
tokenizer.ggml.pre="qwen2".

Special tokens (ids 0..2, GGUF token type 3 = control):
  0 <|endoftext|>  (EOS / EOG / padding)
  1 <|im_start|>
  2 <|im_end|>

Usage: python tokenizer.py [--vocab 4096] [--out tokenizer.json]
"""
import argparse
import os
import random
import sys

from tokenizers import Tokenizer, Regex, models, pre_tokenizers, decoders, trainers

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data  # noqa: E402

QWEN2_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
                 r"|\s*[\r\n]+|\s+(?!\S)|\s+")
SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]


def corpus_iter(n_docs=3000, seed=7):
    rng = random.Random(seed)
    for _ in range(n_docs):
        ex = data.make_example(rng, "train", rng.choice([200, 400, 800]), n_questions=3)
        yield ex["document"]
        for q in ex["qa"]:
            yield data.build_prompt("", q["question"]) + q["answer"]
    # generic English (the Python language reference shipped with CPython, pydoc_data) so that
    # words outside the synthetic pools do not fall back to single bytes; the trained
    # tokenizer.json is committed, so this only matters when re-training the tokenizer.
    from pydoc_data.topics import topics
    for k in sorted(topics):
        yield topics[k]
    yield ("The quick brown fox jumps over the lazy dog. What is the name of the person? "
           "Who is responsible for the report? When did the meeting start? How much was paid? ")


def build(vocab_size=4096):
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(QWEN2_PATTERN), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel(add_prefix_space=False, trim_offsets=False, use_regex=False)
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=SPECIALS, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), min_frequency=2)
    tok.train_from_iterator(corpus_iter(), trainer=trainer)
    return tok


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--vocab", type=int, default=4096)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "tokenizer.json"))
    a = ap.parse_args()
    t = build(a.vocab)
    t.save(a.out)
    print("vocab", t.get_vocab_size(), "->", a.out)
    s = "Question: What is the access code of Mira Castell?\nAnswer: The access code of Mira Castell is 4821."
    e = t.encode(s)
    print(len(e.ids), e.tokens)
    assert t.decode(e.ids) == s
