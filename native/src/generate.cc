// swaa_context_generate: the sample → report → decode loop, on the caller's thread.
#include "api_guard.h"
#include "context.h"

#include <chrono>

extern "C" swaa_status swaa_context_generate(swaa_context * ctx_handle, swaa_sampler * sampler, int32_t max_tokens,
                                             swaa_token_callback callback, void * user_data,
                                             swaa_stop_reason * out_reason, int32_t * out_n_generated) {
    return swaa::guarded_value<swaa_status>(SWAA_ERR_INTERNAL, [&] {
        auto * ctx = reinterpret_cast<swaa::Context *>(ctx_handle);
        if (!ctx || !sampler) return swaa::report(swaa::error(SWAA_ERR_INVALID_ARGUMENT, "ctx and sampler must not be NULL"));
        if (max_tokens < 0) return swaa::report(swaa::error(SWAA_ERR_INVALID_ARGUMENT, "max_tokens must be >= 0"));
        if (!ctx->last_logits()) {
            return swaa::report(swaa::error(SWAA_ERR_PHASE, "generate needs logits: prefill the prompt first"));
        }
        swaa_stop_reason reason = SWAA_STOP_MAX_TOKENS;
        int32_t n = 0;
        swaa_status status = SWAA_OK;
        const swaa_model * model = reinterpret_cast<const swaa_model *>(&ctx->model());
        char piece[256];
        try {
            while (n < max_tokens) {
                if (ctx->cancel_requested()) { reason = SWAA_STOP_CANCELLED; break; }
                const auto t0 = std::chrono::steady_clock::now();
                const swaa_token token = swaa_sampler_sample(sampler, ctx_handle);
                if (token < 0) { status = SWAA_ERR_INTERNAL; break; }
                if (swaa_vocab_is_eog(model, token)) {
                    ctx->add_decode_time(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
                    reason = SWAA_STOP_EOG;
                    break;
                }
                n++;
                int32_t len = swaa_token_to_piece(model, token, piece, (int32_t) sizeof(piece), false);
                if (len < 0) len = 0;
                if (callback && !callback(token, piece, len, user_data)) { reason = SWAA_STOP_CANCELLED; break; }
                if (n >= max_tokens) { reason = SWAA_STOP_MAX_TOKENS; break; }
                if (ctx->n_past() + 1 > ctx->n_ctx()) { reason = SWAA_STOP_CONTEXT_FULL; break; }
                swaa::Status st = ctx->eval_keep_cancel(&token, 1, SWAA_PHASE_DECODE, false, nullptr, nullptr);
                if (st.code == SWAA_ERR_CANCELLED) { reason = SWAA_STOP_CANCELLED; break; }
                if (!st.is_ok()) { status = swaa::report(st); break; }
            }
        } catch (...) {
            status = swaa::report(swaa::current_exception_status());
        }
        ctx->clear_cancel();
        if (out_reason) *out_reason = reason;
        if (out_n_generated) *out_n_generated = n;
        return status;
    });
}
