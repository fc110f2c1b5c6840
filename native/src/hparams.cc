// Reading llama/qwen2/qwen3 hyperparameters from GGUF metadata.
#include "hparams.h"

#include "ggml.h"
#include "gguf.h"

#include <cmath>

namespace swaa {

bool gguf_get_number(const gguf_context * gguf, const std::string & key, double & out) {
    const int64_t id = gguf_find_key(gguf, key.c_str());
    if (id < 0) return false;
    switch (gguf_get_kv_type(gguf, id)) {
        case GGUF_TYPE_UINT8: out = gguf_get_val_u8(gguf, id); return true;
        case GGUF_TYPE_INT8: out = gguf_get_val_i8(gguf, id); return true;
        case GGUF_TYPE_UINT16: out = gguf_get_val_u16(gguf, id); return true;
        case GGUF_TYPE_INT16: out = gguf_get_val_i16(gguf, id); return true;
        case GGUF_TYPE_UINT32: out = gguf_get_val_u32(gguf, id); return true;
        case GGUF_TYPE_INT32: out = gguf_get_val_i32(gguf, id); return true;
        case GGUF_TYPE_UINT64: out = (double) gguf_get_val_u64(gguf, id); return true;
        case GGUF_TYPE_INT64: out = (double) gguf_get_val_i64(gguf, id); return true;
        case GGUF_TYPE_FLOAT32: out = gguf_get_val_f32(gguf, id); return true;
        case GGUF_TYPE_FLOAT64: out = gguf_get_val_f64(gguf, id); return true;
        case GGUF_TYPE_BOOL: out = gguf_get_val_bool(gguf, id) ? 1 : 0; return true;
        default: return false;
    }
}

std::string gguf_get_string(const gguf_context * gguf, const std::string & key) {
    const int64_t id = gguf_find_key(gguf, key.c_str());
    if (id < 0 || gguf_get_kv_type(gguf, id) != GGUF_TYPE_STRING) return "";
    return gguf_get_val_str(gguf, id);
}

namespace {

Status require_int(const gguf_context * g, const std::string & key, int32_t min, int32_t max, int32_t & out) {
    double v = 0;
    if (!gguf_get_number(g, key, v)) return error(SWAA_ERR_BAD_METADATA, "metadata key " + key + " is missing");
    if (v != std::floor(v) || v < min || v > max) {
        return error(SWAA_ERR_BAD_METADATA, "metadata " + key + " = " + std::to_string(v) + " is out of range [" +
                                                std::to_string(min) + ", " + std::to_string(max) + "]");
    }
    out = (int32_t) v;
    return Status::ok();
}

Status optional_int(const gguf_context * g, const std::string & key, int32_t min, int32_t max, int32_t & out) {
    double v = 0;
    if (!gguf_get_number(g, key, v)) return Status::ok();
    return require_int(g, key, min, max, out);
}

}  // namespace

Status read_hparams(const gguf_context * g, HParams & hp) {
    const std::string arch = gguf_get_string(g, "general.architecture");
    if (arch.empty()) return error(SWAA_ERR_BAD_METADATA, "general.architecture is missing");
    hp.arch_name = arch;
    if (arch == "llama") {
        hp.arch = Arch::Llama;
    } else if (arch == "qwen2") {
        hp.arch = Arch::Qwen2;
    } else if (arch == "qwen3") {
        hp.arch = Arch::Qwen3;
    } else {
        return error(SWAA_ERR_UNSUPPORTED_ARCH,
                     "architecture '" + arch + "' is not supported (supported: llama, qwen2, qwen3)");
    }
    double experts = 0;
    if (gguf_get_number(g, arch + ".expert_count", experts) && experts > 0) {
        return error(SWAA_ERR_UNSUPPORTED_ARCH, "mixture-of-experts models (" + arch + ".expert_count = " +
                                                    std::to_string((int) experts) + ") are not supported yet");
    }
    const std::string p = arch + ".";
    SWAA_TRY(require_int(g, p + "embedding_length", 1, 1 << 16, hp.n_embd));
    SWAA_TRY(require_int(g, p + "block_count", 1, SWAA_MAX_LAYERS, hp.n_layer));
    SWAA_TRY(require_int(g, p + "feed_forward_length", 1, 1 << 18, hp.n_ff));
    SWAA_TRY(require_int(g, p + "attention.head_count", 1, 1024, hp.n_head));
    hp.n_ctx_train = 2048;
    SWAA_TRY(optional_int(g, p + "context_length", 1, 1 << 24, hp.n_ctx_train));
    hp.n_head_kv = hp.n_head;
    SWAA_TRY(optional_int(g, p + "attention.head_count_kv", 1, hp.n_head, hp.n_head_kv));
    if (hp.n_head % hp.n_head_kv != 0) {
        return error(SWAA_ERR_BAD_METADATA, "head_count " + std::to_string(hp.n_head) +
                                                " is not a multiple of head_count_kv " + std::to_string(hp.n_head_kv));
    }
    const bool explicit_head_dim = gguf_find_key(g, (p + "attention.key_length").c_str()) >= 0;
    if (!explicit_head_dim && hp.n_embd % hp.n_head != 0) {
        return error(SWAA_ERR_BAD_METADATA, "embedding_length " + std::to_string(hp.n_embd) + " is not a multiple of head_count " +
                                                std::to_string(hp.n_head) + " and attention.key_length is not given");
    }
    hp.head_dim = hp.n_embd / hp.n_head;
    SWAA_TRY(optional_int(g, p + "attention.key_length", 1, 1024, hp.head_dim));
    hp.head_dim_v = hp.head_dim;
    SWAA_TRY(optional_int(g, p + "attention.value_length", 1, 1024, hp.head_dim_v));
    if (hp.head_dim_v != hp.head_dim) {
        return error(SWAA_ERR_BAD_METADATA, "different key and value head sizes are not supported");
    }
    hp.n_rot = hp.head_dim;
    SWAA_TRY(optional_int(g, p + "rope.dimension_count", 2, hp.head_dim, hp.n_rot));
    // ggml's rope rotates pairs of dimensions and asserts an even count at the first evaluation.
    if (hp.n_rot % 2 != 0) {
        return error(SWAA_ERR_BAD_METADATA, "rope dimension count " + std::to_string(hp.n_rot) +
                                                " is odd (rope rotates pairs of dimensions; the head size is " +
                                                std::to_string(hp.head_dim) + ")");
    }
    double v = 0;
    if (gguf_get_number(g, p + "attention.layer_norm_rms_epsilon", v)) hp.rms_eps = (float) v;
    if (!(hp.rms_eps > 0 && hp.rms_eps < 1)) return error(SWAA_ERR_BAD_METADATA, "rms epsilon out of range");
    if (gguf_get_number(g, p + "rope.freq_base", v)) hp.rope_freq_base = (float) v;
    if (!(hp.rope_freq_base > 0) || !std::isfinite(hp.rope_freq_base)) {
        return error(SWAA_ERR_BAD_METADATA, "rope.freq_base must be a positive finite number");
    }

    const std::string scaling = gguf_get_string(g, p + "rope.scaling.type");
    double factor = 0;
    gguf_get_number(g, p + "rope.scaling.factor", factor);
    if (factor == 0 && gguf_get_number(g, p + "rope.scale_linear", v)) {
        factor = v;
        hp.rope_scaling = RopeScaling::Linear;
    }
    if (scaling == "linear") hp.rope_scaling = RopeScaling::Linear;
    if (scaling == "yarn") hp.rope_scaling = RopeScaling::Yarn;
    if (!scaling.empty() && scaling != "none" && scaling != "linear" && scaling != "yarn") {
        return error(SWAA_ERR_BAD_METADATA, "rope scaling '" + scaling + "' is not supported");
    }
    if (!std::isfinite(factor) || factor < 0) return error(SWAA_ERR_BAD_METADATA, "rope scaling factor must be a finite non-negative number");
    if (hp.rope_scaling != RopeScaling::None && factor > 0) hp.rope_freq_scale = (float) (1.0 / factor);
    if (!(hp.rope_freq_scale > 0) || !std::isfinite(hp.rope_freq_scale)) {
        return error(SWAA_ERR_BAD_METADATA, "rope scaling factor " + std::to_string(factor) + " is out of range");
    }
    hp.rope_ctx_orig = hp.n_ctx_train;
    SWAA_TRY(optional_int(g, p + "rope.scaling.original_context_length", 1, 1 << 24, hp.rope_ctx_orig));
    if (hp.rope_scaling == RopeScaling::Yarn) {
        hp.yarn_ext_factor = 1.0f;
        // llama.cpp's YaRN magnitude correction
        hp.yarn_attn_factor = 1.0f;
        if (gguf_get_number(g, p + "rope.scaling.yarn_beta_fast", v)) hp.yarn_beta_fast = (float) v;
        if (gguf_get_number(g, p + "rope.scaling.yarn_beta_slow", v)) hp.yarn_beta_slow = (float) v;
        // ggml turns the betas into dimension indices (float to int): they must be finite.
        if (!std::isfinite(hp.yarn_beta_fast) || !std::isfinite(hp.yarn_beta_slow)) {
            return error(SWAA_ERR_BAD_METADATA, "YaRN beta values must be finite numbers");
        }
    }
    hp.rope_mode = hp.arch == Arch::Llama ? GGML_ROPE_TYPE_NORMAL : GGML_ROPE_TYPE_NEOX;

    const int64_t tokens = gguf_find_key(g, "tokenizer.ggml.tokens");
    if (tokens >= 0 && gguf_get_kv_type(g, tokens) == GGUF_TYPE_ARRAY) {
        const size_t n = gguf_get_arr_n(g, tokens);
        if (n < 1 || n > kMaxVocab) {
            return error(SWAA_ERR_BAD_METADATA, "tokenizer.ggml.tokens holds " + std::to_string(n) + " tokens (1.." +
                                                    std::to_string(kMaxVocab) + " are supported)");
        }
        hp.n_vocab = (int32_t) n;
    }
    SWAA_TRY(optional_int(g, p + "vocab_size", 1, kMaxVocab, hp.n_vocab));
    return Status::ok();
}

}  // namespace swaa
