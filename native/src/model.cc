// Loading a GGUF: header check, metadata, tensor table validation (presence, type, shape, bounds),
// weight placement (mmap on CPU, upload on GPU), vocabulary, and model facts.
#include "model.h"

#include "fnv1a.h"
#include "runtime_init.h"
#include "vocab_check.h"

#include "ggml-cpu.h"
#include "gguf.h"
#include "llama.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>
#include <mutex>

namespace swaa {

bool weight_type_supported(ggml_type t) {
    switch (t) {
        case GGML_TYPE_F32: case GGML_TYPE_F16: case GGML_TYPE_BF16:
        case GGML_TYPE_Q4_0: case GGML_TYPE_Q4_1: case GGML_TYPE_Q5_0: case GGML_TYPE_Q5_1: case GGML_TYPE_Q8_0:
        case GGML_TYPE_Q2_K: case GGML_TYPE_Q3_K: case GGML_TYPE_Q4_K: case GGML_TYPE_Q5_K: case GGML_TYPE_Q6_K:
        case GGML_TYPE_IQ4_NL: case GGML_TYPE_IQ4_XS:
            return true;
        default:
            return false;
    }
}

namespace {

std::string shape_str(const int64_t * ne, int n) {
    std::string s = "[";
    for (int i = 0; i < n; i++) s += (i ? ", " : "") + std::to_string(ne[i]);
    return s + "]";
}

// general.file_type values of llama.cpp's llama_ftype enum that people meet.
const char * file_type_name(int ft, const char * fallback) {
    switch (ft) {
        case 0: return "ALL_F32";
        case 1: return "MOSTLY_F16";
        case 2: return "MOSTLY_Q4_0";
        case 3: return "MOSTLY_Q4_1";
        case 7: return "MOSTLY_Q8_0";
        case 8: return "MOSTLY_Q5_0";
        case 9: return "MOSTLY_Q5_1";
        case 10: return "MOSTLY_Q2_K";
        case 11: return "MOSTLY_Q3_K_S";
        case 12: return "MOSTLY_Q3_K_M";
        case 13: return "MOSTLY_Q3_K_L";
        case 14: return "MOSTLY_Q4_K_S";
        case 15: return "MOSTLY_Q4_K_M";
        case 16: return "MOSTLY_Q5_K_S";
        case 17: return "MOSTLY_Q5_K_M";
        case 18: return "MOSTLY_Q6_K";
        case 32: return "MOSTLY_BF16";
        default: return fallback;
    }
}

}  // namespace

Model::~Model() {
    if (vocab_model_) llama_model_free(vocab_model_);
}

Status Model::load(const std::string & path, const swaa_model_params & params, std::unique_ptr<Model> & out) {
    runtime_init();
    std::unique_ptr<Model> m(new Model());
    clear_ggml_error();
    SWAA_TRY(m->load_impl(path, params));
    out = std::move(m);
    return Status::ok();
}

Status Model::load_impl(const std::string & p, const swaa_model_params & params) {
    path = p;
    SWAA_TRY(GgufFile::open(path, "model", file_));
    SWAA_TRY(read_hparams(gguf(), hparams));
    if (params.progress && !params.progress(0.02f, params.progress_user_data)) {
        return error(SWAA_ERR_CANCELLED, "model load cancelled");
    }
    SWAA_TRY(bind_tensors());
    SWAA_TRY(place_weights(params));
    SWAA_TRY(load_vocab());
    compute_info();
    if (params.progress) params.progress(1.0f, params.progress_user_data);
    return Status::ok();
}

Status Model::bind_tensors() {
    const HParams & hp = hparams;
    auto get = [&](const std::string & name, std::vector<int64_t> shape, bool required, ggml_tensor *& out) -> Status {
        ggml_tensor * t = ggml_get_tensor(meta(), name.c_str());
        if (!t) {
            if (required) return error(SWAA_ERR_MISSING_TENSOR, "tensor '" + name + "' is missing");
            out = nullptr;
            return Status::ok();
        }
        const int nd = ggml_n_dims(t);
        bool ok = (int) shape.size() >= nd;
        for (size_t d = 0; ok && d < shape.size(); d++) ok = t->ne[d] == shape[d];
        for (int d = (int) shape.size(); ok && d < GGML_MAX_DIMS; d++) ok = t->ne[d] == 1;
        if (!ok) {
            return error(SWAA_ERR_SHAPE_MISMATCH, "tensor '" + name + "' has shape " + shape_str(t->ne, std::max(nd, 1)) +
                                                      ", expected " + shape_str(shape.data(), (int) shape.size()));
        }
        if (!weight_type_supported(t->type)) {
            return error(SWAA_ERR_UNSUPPORTED_TYPE, "tensor '" + name + "' has type " + ggml_type_name(t->type) +
                                                        ", which the runtime cannot compute with");
        }
        if (shape.size() == 1 && t->type != GGML_TYPE_F32) {
            return error(SWAA_ERR_UNSUPPORTED_TYPE, "tensor '" + name + "' (a norm or bias) must be F32, not " +
                                                        ggml_type_name(t->type));
        }
        out = t;
        return Status::ok();
    };

    if (hp.n_vocab <= 0) {
        ggml_tensor * emb = ggml_get_tensor(meta(), "token_embd.weight");
        if (!emb) return error(SWAA_ERR_MISSING_TENSOR, "tensor 'token_embd.weight' is missing");
        hparams.n_vocab = (int32_t) emb->ne[1];
    }
    Weights & w = weights;
    SWAA_TRY(get("token_embd.weight", {hp.n_embd, hp.n_vocab}, true, w.tok_embd));
    SWAA_TRY(get("output_norm.weight", {hp.n_embd}, true, w.output_norm));
    SWAA_TRY(get("output.weight", {hp.n_embd, hp.n_vocab}, false, w.output));
    if (!w.output) w.output = w.tok_embd;
    SWAA_TRY(get("rope_freqs.weight", {hp.n_rot / 2}, false, w.rope_freqs));
    w.layers.resize(hp.n_layer);
    for (int il = 0; il < hp.n_layer; il++) {
        LayerWeights & l = w.layers[il];
        const std::string b = "blk." + std::to_string(il) + ".";
        SWAA_TRY(get(b + "attn_norm.weight", {hp.n_embd}, true, l.attn_norm));
        SWAA_TRY(get(b + "attn_q.weight", {hp.n_embd, hp.n_embd_q()}, true, l.wq));
        SWAA_TRY(get(b + "attn_k.weight", {hp.n_embd, hp.n_embd_k_gqa()}, true, l.wk));
        SWAA_TRY(get(b + "attn_v.weight", {hp.n_embd, hp.n_embd_v_gqa()}, true, l.wv));
        SWAA_TRY(get(b + "attn_output.weight", {hp.n_embd_q(), hp.n_embd}, true, l.wo));
        const bool bias_required = hp.arch == Arch::Qwen2;
        SWAA_TRY(get(b + "attn_q.bias", {hp.n_embd_q()}, bias_required, l.bq));
        SWAA_TRY(get(b + "attn_k.bias", {hp.n_embd_k_gqa()}, bias_required, l.bk));
        SWAA_TRY(get(b + "attn_v.bias", {hp.n_embd_v_gqa()}, bias_required, l.bv));
        const bool qk_norm = hp.arch == Arch::Qwen3;
        SWAA_TRY(get(b + "attn_q_norm.weight", {hp.head_dim}, qk_norm, l.q_norm));
        SWAA_TRY(get(b + "attn_k_norm.weight", {hp.head_dim}, qk_norm, l.k_norm));
        SWAA_TRY(get(b + "ffn_norm.weight", {hp.n_embd}, true, l.ffn_norm));
        SWAA_TRY(get(b + "ffn_gate.weight", {hp.n_embd, hp.n_ff}, true, l.ffn_gate));
        SWAA_TRY(get(b + "ffn_up.weight", {hp.n_embd, hp.n_ff}, true, l.ffn_up));
        SWAA_TRY(get(b + "ffn_down.weight", {hp.n_ff, hp.n_embd}, true, l.ffn_down));
    }
    return Status::ok();
}

// Model::place_weights: model_offload.cc.

Status Model::load_vocab() {
    const int64_t tpl = gguf_find_key(gguf(), "tokenizer.chat_template");
    if (tpl >= 0 && gguf_get_kv_type(gguf(), tpl) == GGUF_TYPE_STRING) {
        chat_template = gguf_get_val_str(gguf(), tpl);
        has_chat_template = true;
    }
    SWAA_TRY(check_vocabulary_metadata(gguf()));
    llama_model_params mp = llama_model_default_params();
    mp.vocab_only = true;
    clear_ggml_error();
    vocab_model_ = llama_model_load_from_file(path.c_str(), mp);
    if (!vocab_model_) {
        const std::string why = last_ggml_error();
        return error(SWAA_ERR_TOKENIZER, "the vocabulary could not be loaded" + (why.empty() ? "" : ": " + why));
    }
    vocab_ = llama_model_get_vocab(vocab_model_);
    SWAA_TRY(check_loaded_vocabulary(vocab_));
    if (llama_vocab_n_tokens(vocab_) != hparams.n_vocab) {
        return error(SWAA_ERR_SHAPE_MISMATCH, "the tokenizer has " + std::to_string(llama_vocab_n_tokens(vocab_)) +
                                                  " tokens but the embedding has " + std::to_string(hparams.n_vocab));
    }
    return Status::ok();
}

void Model::compute_info() {
    swaa_model_info & i = info;
    std::memset(&i, 0, sizeof(i));
    snprintf(i.architecture, sizeof(i.architecture), "%s", hparams.arch_name.c_str());
    snprintf(i.name, sizeof(i.name), "%s", gguf_get_string(gguf(), "general.name").c_str());
    std::map<ggml_type, size_t> bytes_by_type;
    const int64_t n_tensors = gguf_get_n_tensors(gguf());
    for (int64_t t = 0; t < n_tensors; t++) {
        ggml_tensor * tensor = ggml_get_tensor(meta(), gguf_get_tensor_name(gguf(), t));
        i.n_params += (uint64_t) ggml_nelements(tensor);
        i.weight_bytes += ggml_nbytes(tensor);
        if (ggml_n_dims(tensor) >= 2) bytes_by_type[tensor->type] += ggml_nbytes(tensor);
    }
    ggml_type main_type = GGML_TYPE_F32;
    size_t best = 0;
    for (auto & kv : bytes_by_type) {
        if (kv.second > best) {
            best = kv.second;
            main_type = kv.first;
        }
    }
    // Upper case as people write it ("Q4_K", "BF16"); ggml's names are mixed case.
    std::string type_name = ggml_type_name(main_type);
    for (char & c : type_name) c = (char) std::toupper((unsigned char) c);
    snprintf(i.weight_type, sizeof(i.weight_type), "%s", type_name.c_str());
    double ft = 0;
    if (gguf_get_number(gguf(), "general.file_type", ft)) {
        snprintf(i.file_type, sizeof(i.file_type), "%s", file_type_name(static_cast<int>(ft), i.weight_type));
    } else {
        snprintf(i.file_type, sizeof(i.file_type), "%s", i.weight_type);
    }
    snprintf(i.backend, sizeof(i.backend), "%s", gpu_device ? ggml_backend_dev_name(gpu_device) : "CPU");
    i.n_layer_device = n_layer_device;
    i.device_weight_bytes = file_->device_bytes();
    i.host_weight_bytes = file_->host_bytes();
    i.file_bytes = file_->file().size();
    i.repacked_bytes = file_->repacked_bytes();
    i.n_vocab = hparams.n_vocab;
    i.n_ctx_train = hparams.n_ctx_train;
    i.n_embd = hparams.n_embd;
    i.n_layer = hparams.n_layer;
    i.n_head = hparams.n_head;
    i.n_head_kv = hparams.n_head_kv;
    i.head_dim = hparams.head_dim;
    i.n_ff = hparams.n_ff;
    i.rope_freq_base = hparams.rope_freq_base;
    i.rope_freq_scale = hparams.rope_freq_scale;
    i.tied_embeddings = weights.output == weights.tok_embd;

    // Identity for saved states: the metadata + tensor table bytes, the size, and samples of the data.
    uint64_t h = kFnv1aSeed;
    const size_t meta_bytes = std::min(file_->file().size(), gguf_get_data_offset(gguf()));
    h = fnv1a(h, file_->file().data(), meta_bytes);
    const size_t sample = std::min<size_t>(1 << 16, file_->file().size() - meta_bytes);
    h = fnv1a(h, file_->file().data() + meta_bytes, sample);
    h = fnv1a(h, file_->file().data() + file_->file().size() - sample, sample);
    const uint64_t size = file_->file().size();
    h = fnv1a(h, &size, sizeof(size));
    char buf[32];
    snprintf(buf, sizeof(buf), "%016llx", (unsigned long long) h);
    hash = buf;
}

Status Model::check_tokens(const int32_t * tokens, int32_t n) const {
    for (int32_t i = 0; i < n; i++) {
        if (tokens[i] < 0 || tokens[i] >= hparams.n_vocab) {
            return error(SWAA_ERR_INVALID_ARGUMENT, "token " + std::to_string(tokens[i]) + " at index " + std::to_string(i) +
                                                        " is outside the vocabulary (0.." + std::to_string(hparams.n_vocab - 1) + ")");
        }
    }
    return Status::ok();
}

}  // namespace swaa
