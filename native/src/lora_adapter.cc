// Loading and validating a LoRA adapter against its base model.
#include "lora_adapter.h"

#include "ggml-cpu.h"
#include "gguf.h"
#include "hparams.h"

#include <cstring>

namespace swaa {

LoraAdapter::~LoraAdapter() {
    if (buf_) ggml_backend_buffer_free(buf_);
    if (meta_) ggml_free(meta_);
    if (gguf_) gguf_free(gguf_);
}

const LoraPair * LoraAdapter::find(const ggml_tensor * weight) const {
    auto it = pairs_.find(weight);
    return it == pairs_.end() ? nullptr : &it->second;
}

Status LoraAdapter::load(const Model & model, const std::string & path, std::unique_ptr<LoraAdapter> & out) {
    std::unique_ptr<LoraAdapter> ad(new LoraAdapter());
    ad->model_ = &model;
    SWAA_TRY(MappedFile::open(path, ad->file_));
    const MappedFile & f = *ad->file_;
    if (f.size() < 24 || std::memcmp(f.data(), "GGUF", 4) != 0) return error(SWAA_ERR_NOT_GGUF, path + " is not a GGUF adapter");
    gguf_init_params gp{};
    gp.no_alloc = true;
    gp.ctx = &ad->meta_;
    ad->gguf_ = gguf_init_from_buffer(f.data(), f.size(), gp);
    if (!ad->gguf_) return error(SWAA_ERR_TRUNCATED, path + ": the adapter's header is truncated or malformed");
    if (gguf_get_string(ad->gguf_, "general.type") != "adapter" || gguf_get_string(ad->gguf_, "adapter.type") != "lora") {
        return error(SWAA_ERR_BAD_METADATA, path + " is not a LoRA adapter (general.type must be 'adapter', adapter.type 'lora')");
    }
    const std::string arch = gguf_get_string(ad->gguf_, "general.architecture");
    if (!arch.empty() && arch != model.hparams.arch_name) {
        return error(SWAA_ERR_STATE_MISMATCH, "the adapter is for architecture '" + arch + "', the model is '" + model.hparams.arch_name + "'");
    }
    double alpha = 0;
    if (gguf_get_number(ad->gguf_, "adapter.lora.alpha", alpha)) ad->alpha_ = (float) alpha;

    const size_t data_offset = gguf_get_data_offset(ad->gguf_);
    const int64_t n = gguf_get_n_tensors(ad->gguf_);
    std::map<std::string, LoraPair> by_name;
    for (int64_t i = 0; i < n; i++) {
        const std::string name = gguf_get_tensor_name(ad->gguf_, i);
        if (data_offset + gguf_get_tensor_offset(ad->gguf_, i) + gguf_get_tensor_size(ad->gguf_, i) > f.size()) {
            return error(SWAA_ERR_TRUNCATED, path + " is truncated at tensor '" + name + "'");
        }
        ggml_tensor * t = ggml_get_tensor(ad->meta_, name.c_str());
        const auto ends = [&](const char * suffix) {
            const size_t l = std::strlen(suffix);
            return name.size() > l && name.compare(name.size() - l, l, suffix) == 0;
        };
        if (ends(".lora_a")) by_name[name.substr(0, name.size() - 7)].a = t;
        else if (ends(".lora_b")) by_name[name.substr(0, name.size() - 7)].b = t;
        else return error(SWAA_ERR_BAD_METADATA, "unexpected tensor '" + name + "' in a LoRA adapter");
    }
    // Resolve every pair to the model weight it adapts, checking shapes as llama.cpp does.
    for (auto & kv : by_name) {
        const std::string & base = kv.first;
        const LoraPair & p = kv.second;
        if (!p.a || !p.b) return error(SWAA_ERR_MISSING_TENSOR, "adapter tensor '" + base + "' lacks its lora_a or lora_b half");
        const ggml_tensor * w = nullptr;
        for (const LayerWeights & l : model.weights.layers) {
            for (const ggml_tensor * cand : {l.wq, l.wk, l.wv, l.wo, l.ffn_gate, l.ffn_up, l.ffn_down}) {
                if (cand && base == cand->name) w = cand;
            }
        }
        if (!w) return error(SWAA_ERR_MISSING_TENSOR, "the adapter adapts '" + base + "', which the model does not have (or the runtime does not adapt)");
        if (w->ne[0] != p.a->ne[0] || w->ne[1] != p.b->ne[1] || p.a->ne[1] != p.b->ne[0]) {
            return error(SWAA_ERR_SHAPE_MISMATCH, "adapter tensor '" + base + "' does not fit the model (wrong base model?)");
        }
        ad->pairs_[w] = p;
    }
    if (ad->pairs_.empty()) return error(SWAA_ERR_MISSING_TENSOR, path + " adapts no tensor");

    const uint8_t * base = f.data() + data_offset;
    if (!model.gpu_device) {
        ad->buf_ = ggml_backend_cpu_buffer_from_ptr(const_cast<uint8_t *>(base), f.size() - data_offset);
        for (int64_t i = 0; i < n; i++) {
            ggml_tensor * t = ggml_get_tensor(ad->meta_, gguf_get_tensor_name(ad->gguf_, i));
            ggml_backend_tensor_alloc(ad->buf_, t, const_cast<uint8_t *>(base + gguf_get_tensor_offset(ad->gguf_, i)));
        }
    } else {
        ad->buf_ = ggml_backend_alloc_ctx_tensors_from_buft(ad->meta_, ggml_backend_dev_buffer_type(model.gpu_device));
        if (!ad->buf_) return error(SWAA_ERR_OUT_OF_MEMORY, "not enough device memory for the adapter");
        for (int64_t i = 0; i < n; i++) {
            ggml_tensor * t = ggml_get_tensor(ad->meta_, gguf_get_tensor_name(ad->gguf_, i));
            ggml_backend_tensor_set(t, base + gguf_get_tensor_offset(ad->gguf_, i), 0, ggml_nbytes(t));
        }
    }
    out = std::move(ad);
    return Status::ok();
}

}  // namespace swaa
