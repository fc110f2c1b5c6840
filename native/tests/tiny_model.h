// Writes small random-weight GGUF models (llama / qwen2 / qwen3 layouts, a "no_vocab" tokenizer unless asked) for
// native tests, and variants that are broken on purpose (for the error-path tests).
#pragma once

#include "ggml.h"
#include "gguf.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

struct TinySpec {
    std::string arch = "qwen3";
    int n_vocab = 256;
    int n_embd = 64;
    int n_layer = 4;
    int n_head = 4;
    int n_head_kv = 2;
    int head_dim = 16;
    int n_ff = 128;
    int n_ctx_train = 4096;
    float rope_base = 10000.0f;
    ggml_type weight_type = GGML_TYPE_F32;
    uint32_t seed = 1234;
    float scale = 0.35f;          // weight scale; large enough that logits are far from ties
    bool tied = true;
    // "no_vocab" (no tokenizer), "llama" (SentencePiece: <unk> <s> </s>, the 256 byte tokens, then
    // filler pieces; n_vocab >= 259) or "gpt2" (byte-level BPE: the 256 byte symbols, then filler).
    std::string tokenizer = "no_vocab";
    // Changes the metadata after the standard keys are set (malformed-input tests).
    std::function<void(gguf_context * g)> edit_metadata;
    // Breakage for error tests
    std::string drop_tensor;      // omit this tensor
    std::string bad_shape_tensor; // give this tensor a wrong shape
    // Changes a tensor's float data before it is written (e.g. merging a LoRA into the weights).
    std::function<void(const std::string & name, std::vector<float> & data, const std::vector<int64_t> & shape)> transform;
};

// Deterministic LoRA factors for a weight of ne = [in, out]: A holds r rows of in values, B out rows of r.
void lora_factors(const std::string & name, int64_t in, int64_t out, int rank, uint32_t seed,
                  std::vector<float> & a, std::vector<float> & b);
// Writes a LoRA adapter (llama.cpp format) adapting `targets` of a model made from spec.
bool write_tiny_lora(const TinySpec & spec, const std::string & path, const std::vector<std::string> & targets,
                     int rank, float alpha, uint32_t seed);

// Writes the model to path; returns false on failure.
bool write_tiny_model(const TinySpec & spec, const std::string & path);

// A temporary file path unique to this process.
std::string temp_path(const std::string & name);
