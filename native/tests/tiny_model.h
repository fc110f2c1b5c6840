// Writes small random-weight GGUF models (llama / qwen2 / qwen3 layouts, "no_vocab" tokenizer) for
// native tests, and variants that are broken on purpose (for the error-path tests).
#pragma once

#include "ggml.h"

#include <cstdint>
#include <string>

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
    // Breakage for error tests
    std::string drop_tensor;      // omit this tensor
    std::string bad_shape_tensor; // give this tensor a wrong shape
};

// Writes the model to path; returns false on failure.
bool write_tiny_model(const TinySpec & spec, const std::string & path);

// A temporary file path unique to this process.
std::string temp_path(const std::string & name);
