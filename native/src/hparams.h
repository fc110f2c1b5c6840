// Hyperparameters of a transformer of the llama family (llama, qwen2, qwen3), read from GGUF
// metadata and checked for sanity before any tensor is looked at.
#pragma once

#include "status.h"

#include <cstdint>
#include <string>

struct gguf_context;

namespace swaa {

// Largest vocabulary read (real ones hold up to ~260k tokens).
constexpr int32_t kMaxVocab = 1 << 24;

enum class Arch { Llama, Qwen2, Qwen3 };

enum class RopeScaling { None, Linear, Yarn };

struct HParams {
    Arch        arch = Arch::Llama;
    std::string arch_name;
    int32_t n_vocab = 0;
    int32_t n_ctx_train = 0;
    int32_t n_embd = 0;
    int32_t n_layer = 0;
    int32_t n_head = 0;
    int32_t n_head_kv = 0;
    int32_t head_dim = 0;      // key length per head
    int32_t head_dim_v = 0;    // value length per head
    int32_t n_rot = 0;         // rotated dimensions
    int32_t n_ff = 0;
    float   rms_eps = 1e-6f;
    float   rope_freq_base = 10000.0f;
    float   rope_freq_scale = 1.0f;
    RopeScaling rope_scaling = RopeScaling::None;
    int32_t rope_ctx_orig = 0; // original context for YaRN
    float   yarn_ext_factor = 0.0f;
    float   yarn_attn_factor = 1.0f;
    float   yarn_beta_fast = 32.0f;
    float   yarn_beta_slow = 1.0f;
    int     rope_mode = 0;     // GGML_ROPE_TYPE_NORMAL (llama) or GGML_ROPE_TYPE_NEOX (qwen)

    int32_t n_embd_q() const { return n_head * head_dim; }
    int32_t n_embd_k_gqa() const { return n_head_kv * head_dim; }
    int32_t n_embd_v_gqa() const { return n_head_kv * head_dim_v; }
};

// Reads and validates; n_vocab comes from the token list or the embedding (filled by the caller
// when the metadata has no vocab size).
Status read_hparams(const gguf_context * gguf, HParams & out);

// Numeric metadata of any integer or float GGUF type; false if absent or not numeric.
bool gguf_get_number(const gguf_context * gguf, const std::string & key, double & out);
std::string gguf_get_string(const gguf_context * gguf, const std::string & key);

}  // namespace swaa
