// A loaded model: validated hyperparameters, weight tensors in a backend buffer (memory-mapped on
// the CPU backend), the vocabulary (libllama, vocabulary only) and the facts the app shows.
#pragma once

#include "hparams.h"
#include "gguf_file.h"
#include "status.h"

#include "ggml-backend.h"
#include "ggml.h"

#include <memory>
#include <string>
#include <vector>

struct gguf_context;
struct llama_model;
struct llama_vocab;

namespace swaa {

// Tensor types the runtime computes with (weights, and the factors of a LoRA adapter).
bool weight_type_supported(ggml_type type);

struct LayerWeights {
    ggml_tensor * attn_norm = nullptr;
    ggml_tensor * wq = nullptr;
    ggml_tensor * wk = nullptr;
    ggml_tensor * wv = nullptr;
    ggml_tensor * wo = nullptr;
    ggml_tensor * bq = nullptr;  // qwen2
    ggml_tensor * bk = nullptr;
    ggml_tensor * bv = nullptr;
    ggml_tensor * q_norm = nullptr;  // qwen3
    ggml_tensor * k_norm = nullptr;
    ggml_tensor * ffn_norm = nullptr;
    ggml_tensor * ffn_gate = nullptr;
    ggml_tensor * ffn_up = nullptr;
    ggml_tensor * ffn_down = nullptr;
};

struct Weights {
    ggml_tensor * tok_embd = nullptr;
    ggml_tensor * output_norm = nullptr;
    ggml_tensor * output = nullptr;      // == tok_embd when tied
    ggml_tensor * rope_freqs = nullptr;  // llama 3 frequency factors, optional
    std::vector<LayerWeights> layers;
};

class Model {
public:
    ~Model();
    Model() = default;
    Model(const Model &) = delete;
    Model & operator=(const Model &) = delete;

    static Status load(const std::string & path, const swaa_model_params & params, std::unique_ptr<Model> & out);

    HParams hparams;
    Weights weights;
    ggml_backend_dev_t gpu_device = nullptr;  // the device holding the last n_layer_device layers, or null
    int32_t n_layer_device = 0;               // layers on gpu_device (the last ones; model_offload.cc)
    int32_t first_device_layer() const { return hparams.n_layer - n_layer_device; }
    bool on_device(const ggml_tensor * t) const;  // whether a model or adapter tensor lives on gpu_device
    swaa_model_info info{};
    std::string path;
    std::string hash;
    std::string chat_template;
    bool has_chat_template = false;

    const llama_vocab * vocab() const { return vocab_; }

    // SWAA_ERR_INVALID_ARGUMENT naming the first token outside [0, n_vocab), if any.
    Status check_tokens(const int32_t * tokens, int32_t n) const;

private:
    Status load_impl(const std::string & path, const swaa_model_params & params);
    Status bind_tensors();
    Status place_weights(const swaa_model_params & params);
    Status load_vocab();
    void compute_info();

    gguf_context * gguf() const { return file_->gguf(); }
    ggml_context * meta() const { return file_->meta(); }  // tensor descriptors made by gguf

    std::unique_ptr<GgufFile> file_;       // owns the mapping, the metadata and the weights buffer
    llama_model * vocab_model_ = nullptr;
    const llama_vocab * vocab_ = nullptr;
};

}  // namespace swaa
