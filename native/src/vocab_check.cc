// Vocabulary consistency, checked where libllama would assert (see vocab_check.h).
#include "vocab_check.h"

#include "gguf.h"
#include "llama.h"

#include <cstdio>
#include <string>
#include <unordered_set>

namespace swaa {

namespace {

Status bad(const std::string & what) { return error(SWAA_ERR_TOKENIZER, "the vocabulary is inconsistent: " + what); }

// An array of `want` elements (or of int32/float32 when want is GGUF_TYPE_COUNT: scores) holding at
// least n entries, when the key is present.
Status check_array(const gguf_context * g, const char * key, gguf_type want, size_t n) {
    const int64_t id = gguf_find_key(g, key);
    if (id < 0) return Status::ok();
    if (gguf_get_kv_type(g, id) != GGUF_TYPE_ARRAY) return bad(std::string(key) + " is not an array");
    const gguf_type t = gguf_get_arr_type(g, id);
    const bool type_ok = want == GGUF_TYPE_COUNT ? (t == GGUF_TYPE_FLOAT32 || t == GGUF_TYPE_INT32) : t == want;
    if (!type_ok) return bad(std::string(key) + " has elements of the wrong type");
    if (gguf_get_arr_n(g, id) < n) {
        return bad(std::string(key) + " has " + std::to_string(gguf_get_arr_n(g, id)) + " entries for " + std::to_string(n) + " tokens");
    }
    return Status::ok();
}

}  // namespace

Status check_vocabulary_metadata(const gguf_context * g) {
    const int64_t model_id = gguf_find_key(g, "tokenizer.ggml.model");
    if (model_id < 0) return error(SWAA_ERR_TOKENIZER, "the model has no tokenizer (tokenizer.ggml.model is missing)");
    if (gguf_get_kv_type(g, model_id) != GGUF_TYPE_STRING) return bad("tokenizer.ggml.model is not a string");
    const std::string model = gguf_get_val_str(g, model_id);
    // A vocabulary without a tokenizer (test models): libllama keeps only a token count.
    if (model == "no_vocab" || model == "none") return Status::ok();
    // The tokenizers of the supported architectures: SentencePiece (llama 1/2) and byte-level BPE
    // (llama 3, qwen). Other kinds are refused: some abort in libllama when a byte token is decoded.
    const bool spm = model == "llama";
    if (!spm && model != "gpt2") {
        return error(SWAA_ERR_TOKENIZER, "tokenizer '" + model + "' is not supported (supported: llama, gpt2)");
    }

    const int64_t tokens_id = gguf_find_key(g, "tokenizer.ggml.tokens");
    if (tokens_id < 0) return bad("tokenizer.ggml.tokens is missing");
    if (gguf_get_kv_type(g, tokens_id) != GGUF_TYPE_ARRAY || gguf_get_arr_type(g, tokens_id) != GGUF_TYPE_STRING) {
        return bad("tokenizer.ggml.tokens is not an array of strings");
    }
    const size_t n = gguf_get_arr_n(g, tokens_id);
    SWAA_TRY(check_array(g, "tokenizer.ggml.scores", GGUF_TYPE_COUNT, n));
    SWAA_TRY(check_array(g, "tokenizer.ggml.token_type", GGUF_TYPE_INT32, n));
    if (!spm) {
        if (gguf_find_key(g, "tokenizer.ggml.merges") < 0) return bad("a BPE tokenizer needs tokenizer.ggml.merges");
        SWAA_TRY(check_array(g, "tokenizer.ggml.merges", GGUF_TYPE_STRING, 0));
    }

    // libllama maps text to id and asserts that both directions have the same size. It names empty
    // tokens "[EMPTY_<i>]", so that is the text compared here too.
    std::unordered_set<std::string> seen;
    seen.reserve(n);
    for (size_t i = 0; i < n; i++) {
        std::string text = gguf_get_arr_str(g, tokens_id, i);
        if (text.empty()) text = "[EMPTY_" + std::to_string(i) + "]";
        if (!seen.insert(std::move(text)).second) {
            return bad("token " + std::to_string(i) + " repeats the text of an earlier token");
        }
    }
    // SentencePiece falls back to the byte tokens <0x00>..<0xFF> for text no piece covers; libllama
    // looks them up unchecked (an exception, or an abort in older code) when one is missing.
    if (spm) {
        char byte_token[8];
        for (int b = 0; b < 256; b++) {
            snprintf(byte_token, sizeof(byte_token), "<0x%02X>", b);
            if (!seen.count(byte_token)) return bad(std::string("SentencePiece byte token ") + byte_token + " is missing");
        }
    }
    return Status::ok();
}

Status check_loaded_vocabulary(const llama_vocab * vocab) {
    if (!vocabulary_has_tokenizer(vocab)) return Status::ok();
    // libllama's tokenizers assert that these tokens exist when the vocabulary asks for them.
    if (llama_vocab_get_add_bos(vocab) && llama_vocab_bos(vocab) == LLAMA_TOKEN_NULL) {
        return bad("the tokenizer adds a BOS token but has none (or its id is outside the vocabulary)");
    }
    if (llama_vocab_get_add_eos(vocab) && llama_vocab_eos(vocab) == LLAMA_TOKEN_NULL) {
        return bad("the tokenizer adds an EOS token but has none (or its id is outside the vocabulary)");
    }
    if (llama_vocab_get_add_sep(vocab) && llama_vocab_sep(vocab) == LLAMA_TOKEN_NULL) {
        return bad("the tokenizer adds a separator token but has none (or its id is outside the vocabulary)");
    }
    return Status::ok();
}

bool vocabulary_has_tokenizer(const llama_vocab * vocab) { return llama_vocab_type(vocab) != LLAMA_VOCAB_TYPE_NONE; }

}  // namespace swaa
