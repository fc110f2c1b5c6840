// A runtime context: one token sequence, its KV cache under a resolved recipe, the scheduler that
// runs chunk graphs, the logits of the last eval, a checkpoint (document end) and the run metrics.
#pragma once

#include "attention_plan.h"
#include "graph.h"
#include "kv_cache.h"
#include "model.h"
#include "recipe.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <vector>

namespace swaa {

class Context {
public:
    ~Context();
    Context(const Context &) = delete;
    Context & operator=(const Context &) = delete;

    static Status create(Model & model, const swaa_context_params & params, std::unique_ptr<Context> & out);

    // Public entry: evaluates, then clears any cancel request.
    Status eval(const swaa_token * tokens, int32_t n, swaa_phase phase, bool logits_all,
                swaa_prefill_progress_callback progress, void * user_data);
    // The same without touching the cancel request (used inside generate).
    Status eval_keep_cancel(const swaa_token * tokens, int32_t n, swaa_phase phase, bool logits_all,
                            swaa_prefill_progress_callback progress, void * user_data);

    const float * logits(int32_t i) const;
    int32_t n_logits() const { return n_logits_; }
    int32_t n_past() const { return (int32_t) tokens_.size(); }
    int32_t n_ctx() const { return params_.n_ctx; }
    const std::vector<swaa_token> & tokens() const { return tokens_; }

    void cancel() { cancel_.store(true); }
    bool cancel_requested() const { return cancel_.load(); }
    void clear_cancel() { cancel_.store(false); }

    Status clear();
    Status checkpoint();
    Status rewind();
    int32_t checkpoint_n_past() const { return cp_n_past_; }

    Status save_file(const std::string & path) const;
    Status load_file(const std::string & path);

    void get_metrics(swaa_metrics & out) const;
    void reset_metrics();
    Status layer_plan(int32_t layer, swaa_layer_plan & out) const;

    Model & model() { return model_; }
    const ResolvedRecipe & recipe() const { return recipe_; }
    const swaa_context_params & params() const { return params_; }

    // Rows of the last-eval logits hold the sampled position; used by the sampler.
    const float * last_logits() const { return logits(-1); }

    Status set_adapter(const LoraAdapter * adapter, float scale);
    bool adapter_active() const { return adapter_active_; }

    // Counters the generate loop adds to.
    void add_decode_time(double ms) { decode_ms_ += ms; }

private:
    Context(Model & model) : model_(model) {}
    Status init(const swaa_context_params & params);
    Status reserve_compute();
    Status eval_chunk(const swaa_token * tokens, int32_t n, swaa_phase phase, bool logits_all, bool last_chunk);
    void truncate(int32_t n_past);

    Model & model_;
    swaa_context_params params_{};
    ResolvedRecipe recipe_;
    KvCache cache_;
    ggml_backend_t cpu_ = nullptr;
    ggml_backend_t gpu_ = nullptr;
    ggml_backend_sched_t sched_ = nullptr;
    std::vector<uint8_t> graph_meta_;

    std::vector<swaa_token> tokens_;
    std::vector<float> logits_;
    std::vector<ggml_fp16_t> mask_staging_;  // a mask on its way to a non-host (GPU) input tensor
    int32_t n_logits_ = 0;
    std::atomic<bool> cancel_{false};

    int32_t cp_n_past_ = -1;
    std::vector<uint8_t> cp_ring_;
    std::vector<int32_t> cp_slot_pos_;
    int32_t cp_ring_filled_ = 0;

    const LoraAdapter * adapter_ = nullptr;
    float adapter_scale_ = 1.0f;
    bool adapter_active_ = false;  // decided at a sequence's first eval

    int32_t prompt_tokens_ = 0;
    double prefill_ms_ = 0;
    int32_t decode_tokens_ = 0;
    double decode_ms_ = 0;
    uint64_t attn_rows_[3] = {0, 0, 0};
};

uint64_t peak_rss_bytes();

}  // namespace swaa
