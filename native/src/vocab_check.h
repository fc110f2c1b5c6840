// The vocabulary checks that come before and after libllama loads it. libllama's vocabulary code
// aborts the process (GGML_ASSERT) on some inconsistencies instead of failing: duplicate token
// texts at load, a tokenizer without its byte tokens or an "add BOS" without a BOS token when text
// is tokenized, tokenizer kinds whose byte decoding aborts. Everything it would choke on is refused
// here first, as SWAA_ERR_TOKENIZER.
#pragma once

#include "status.h"

#include <cstdint>

struct gguf_context;
struct llama_vocab;

namespace swaa {

// Before libllama sees the file: tokenizer kind, array types and lengths, unique token texts, and
// the byte tokens a SentencePiece ("llama") tokenizer falls back to.
Status check_vocabulary_metadata(const gguf_context * gguf);

// After libllama loaded it: the special tokens its tokenizer asserts on exist.
Status check_loaded_vocabulary(const llama_vocab * vocab);

// Whether the vocabulary can tokenize at all (test models carry none).
bool vocabulary_has_tokenizer(const llama_vocab * vocab);

}  // namespace swaa
