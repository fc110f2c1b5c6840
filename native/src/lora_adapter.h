// A LoRA adapter in llama.cpp's GGUF adapter format (general.type = "adapter", adapter.type =
// "lora", adapter.lora.alpha; tensors "<weight>.lora_a" [in, r] and "<weight>.lora_b" [r, out]).
// The graph adds scale * B(A x) to every adapted matmul; SWAA applies its SWA-adapted LoRA only to
// sequences whose prompt is longer than the window.
#pragma once

#include "gguf_file.h"
#include "model.h"
#include "status.h"

#include <map>
#include <memory>
#include <string>

namespace swaa {

struct LoraPair {
    ggml_tensor * a = nullptr;
    ggml_tensor * b = nullptr;
};

class LoraAdapter {
public:
    ~LoraAdapter();
    LoraAdapter() = default;
    LoraAdapter(const LoraAdapter &) = delete;
    LoraAdapter & operator=(const LoraAdapter &) = delete;

    static Status load(const Model & model, const std::string & path, std::unique_ptr<LoraAdapter> & out);

    // The pair adapting a model weight, or null.
    const LoraPair * find(const ggml_tensor * weight) const;
    float alpha() const { return alpha_; }
    size_t n_pairs() const { return pairs_.size(); }
    const Model * model() const { return model_; }

private:
    const Model * model_ = nullptr;
    std::unique_ptr<GgufFile> file_;  // the mapping, metadata and the buffer holding the A/B tensors
    float alpha_ = 0.0f;
    std::map<const ggml_tensor *, LoraPair> pairs_;
};

}  // namespace swaa
