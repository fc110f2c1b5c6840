// Token sampling through libllama's sampler chain (repetition penalty, top-k, top-p, min-p,
// temperature, seeded distribution or greedy), applied to our context's logits.
#include "api_guard.h"
#include "context.h"

#include "llama.h"

#include <memory>
#include <vector>

struct swaa_sampler {
    llama_sampler * chain = nullptr;
    std::vector<llama_token_data> candidates;
    ~swaa_sampler() {
        if (chain) llama_sampler_free(chain);
    }
};

extern "C" {

swaa_sampler_params swaa_sampler_default_params(void) {
    swaa_sampler_params p{};
    p.temperature = 0.0f;
    p.top_k = 40;
    p.top_p = 0.95f;
    p.min_p = 0.05f;
    p.repeat_penalty = 1.0f;
    p.repeat_last_n = 64;
    p.seed = 0xFFFFFFFFu;
    return p;
}

swaa_status swaa_sampler_create(const swaa_model * model, swaa_sampler_params p, swaa_sampler ** out) {
    return swaa::guarded([&] {
        if (!model || !out) return swaa::error(SWAA_ERR_INVALID_ARGUMENT, "model and out must not be NULL");
        if (p.top_k < 0 || p.top_p <= 0 || p.top_p > 1 || p.min_p < 0 || p.min_p > 1 || p.repeat_penalty <= 0 || p.repeat_last_n < 0) {
            return swaa::error(SWAA_ERR_INVALID_ARGUMENT,
                               "sampler parameters out of range (top_k >= 0, 0 < top_p <= 1, 0 <= min_p <= 1, repeat_penalty > 0)");
        }
        std::unique_ptr<swaa_sampler> s(new swaa_sampler());
        s->chain = llama_sampler_chain_init(llama_sampler_chain_default_params());
        if (p.repeat_penalty != 1.0f) {
            llama_sampler_chain_add(s->chain, llama_sampler_init_penalties(swaa_vocab_n_tokens(model), p.repeat_last_n, p.repeat_penalty, 0.0f, 0.0f));
        }
        if (p.temperature <= 0.0f) {
            llama_sampler_chain_add(s->chain, llama_sampler_init_greedy());
        } else {
            if (p.top_k > 0) llama_sampler_chain_add(s->chain, llama_sampler_init_top_k(p.top_k));
            if (p.top_p < 1.0f) llama_sampler_chain_add(s->chain, llama_sampler_init_top_p(p.top_p, 1));
            if (p.min_p > 0.0f) llama_sampler_chain_add(s->chain, llama_sampler_init_min_p(p.min_p, 1));
            llama_sampler_chain_add(s->chain, llama_sampler_init_temp(p.temperature));
            llama_sampler_chain_add(s->chain, llama_sampler_init_dist(p.seed));
        }
        *out = s.release();
        return swaa::Status::ok();
    });
}

void swaa_sampler_free(swaa_sampler * s) { swaa::guarded_void([&] { delete s; }); }

swaa_token swaa_sampler_sample(swaa_sampler * s, const swaa_context * ctx) {
    return swaa::guarded_value<swaa_token>(-1, [&]() -> swaa_token {
        const auto * c = reinterpret_cast<const swaa::Context *>(ctx);
        const float * logits = c ? c->last_logits() : nullptr;
        if (!s || !logits) {
            swaa::set_last_error("no logits to sample from: evaluate a prompt first");
            return -1;
        }
        const int32_t n_vocab = const_cast<swaa::Context *>(c)->model().hparams.n_vocab;
        s->candidates.resize(n_vocab);
        for (int32_t i = 0; i < n_vocab; i++) s->candidates[i] = llama_token_data{i, logits[i], 0.0f};
        llama_token_data_array arr{s->candidates.data(), (size_t) n_vocab, -1, false};
        llama_sampler_apply(s->chain, &arr);
        if (arr.selected < 0 || arr.selected >= (int64_t) arr.size) {
            swaa::set_last_error("the sampler selected no token");
            return -1;
        }
        const swaa_token token = arr.data[arr.selected].id;
        llama_sampler_accept(s->chain, token);
        return token;
    });
}

void swaa_sampler_accept(swaa_sampler * s, swaa_token token) {
    swaa::guarded_void([&] { if (s) llama_sampler_accept(s->chain, token); });
}

}  // extern "C"
