// Loading and validating a LoRA adapter against its base model.
#include "lora_adapter.h"

#include "gguf.h"
#include "hparams.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace swaa {

namespace {

// A pair the graph can multiply with: A [in, r] and B [r, out] for a weight [in, out], matrices
// (ggml would broadcast higher dimensions and assert), of a type the runtime computes with, and
// a rank from 1 to the smaller side of the weight (a larger one only costs, it adapts nothing more).
Status check_pair(const std::string & base, const ggml_tensor & w, const LoraPair & p) {
    for (const ggml_tensor * t : {p.a, p.b}) {
        if (t->ne[2] != 1 || t->ne[3] != 1) {
            return error(SWAA_ERR_SHAPE_MISMATCH, std::string("adapter tensor '") + t->name + "' is not a matrix");
        }
        if (!weight_type_supported(t->type)) {
            return error(SWAA_ERR_UNSUPPORTED_TYPE, std::string("adapter tensor '") + t->name + "' has type " +
                                                        ggml_type_name(t->type) + ", which the runtime cannot compute with");
        }
    }
    const int64_t rank = p.a->ne[1];
    if (w.ne[0] != p.a->ne[0] || w.ne[1] != p.b->ne[1] || rank != p.b->ne[0]) {
        return error(SWAA_ERR_SHAPE_MISMATCH, "adapter tensor '" + base + "' does not fit the model (wrong base model?)");
    }
    if (rank < 1 || rank > std::min(w.ne[0], w.ne[1])) {
        return error(SWAA_ERR_SHAPE_MISMATCH, "adapter tensor '" + base + "' has rank " + std::to_string(rank) +
                                                  " (1.." + std::to_string(std::min(w.ne[0], w.ne[1])) + " fit the weight)");
    }
    return Status::ok();
}

}  // namespace

LoraAdapter::~LoraAdapter() = default;

const LoraPair * LoraAdapter::find(const ggml_tensor * weight) const {
    auto it = pairs_.find(weight);
    return it == pairs_.end() ? nullptr : &it->second;
}

Status LoraAdapter::load(const Model & model, const std::string & path, std::unique_ptr<LoraAdapter> & out) {
    std::unique_ptr<LoraAdapter> ad(new LoraAdapter());
    ad->model_ = &model;
    SWAA_TRY(GgufFile::open(path, "LoRA adapter", ad->file_));
    gguf_context * gguf = ad->file_->gguf();
    ggml_context * meta = ad->file_->meta();
    if (gguf_get_string(gguf, "general.type") != "adapter" || gguf_get_string(gguf, "adapter.type") != "lora") {
        return error(SWAA_ERR_BAD_METADATA, path + " is not a LoRA adapter (general.type must be 'adapter', adapter.type 'lora')");
    }
    const std::string arch = gguf_get_string(gguf, "general.architecture");
    if (!arch.empty() && arch != model.hparams.arch_name) {
        return error(SWAA_ERR_STATE_MISMATCH, "the adapter is for architecture '" + arch + "', the model is '" + model.hparams.arch_name + "'");
    }
    double alpha = 0;
    if (gguf_get_number(gguf, "adapter.lora.alpha", alpha)) ad->alpha_ = (float) alpha;
    if (!std::isfinite(ad->alpha_)) return error(SWAA_ERR_BAD_METADATA, "adapter.lora.alpha must be a finite number");

    const int64_t n = gguf_get_n_tensors(gguf);
    std::map<std::string, LoraPair> by_name;
    for (int64_t i = 0; i < n; i++) {
        const std::string name = gguf_get_tensor_name(gguf, i);
        ggml_tensor * t = ggml_get_tensor(meta, name.c_str());
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
        SWAA_TRY(check_pair(base, *w, p));
        ad->pairs_[w] = p;
    }
    if (ad->pairs_.empty()) return error(SWAA_ERR_MISSING_TENSOR, path + " adapts no tensor");

    // Each adapter tensor lives where the layer it adapts lives (mapped on the CPU, uploaded to a device).
    SWAA_TRY(ad->file_->place_tensors(model.gpu_device, [&model](const ggml_tensor * t) { return model.on_device(t); },
                                      /*use_mmap=*/true, /*repack=*/nullptr));
    out = std::move(ad);
    return Status::ok();
}

}  // namespace swaa
