// The flat C API (swaa.h) over the C++ core. Every entry point runs inside the guard of
// api_guard.h: no exception crosses this boundary; failures become a status plus swaa_last_error().
#include "api_guard.h"
#include "context.h"
#include "lora_adapter.h"
#include "model.h"
#include "swaa.h"
#include "vocab_check.h"

#include "llama.h"

#include <cstring>

using swaa::guarded;
using swaa::guarded_value;
using swaa::guarded_void;

namespace {

// The opaque handles are the core objects themselves.
swaa::Model * M(const swaa_model * m) { return const_cast<swaa::Model *>(reinterpret_cast<const swaa::Model *>(m)); }
swaa::Context * C(const swaa_context * c) { return const_cast<swaa::Context *>(reinterpret_cast<const swaa::Context *>(c)); }

swaa::Status need(bool ok, const char * what) {
    return ok ? swaa::Status::ok() : swaa::error(SWAA_ERR_INVALID_ARGUMENT, what);
}

}  // namespace

extern "C" {

const char * swaa_version(void) {
    return guarded_value<const char *>("0.1.0", [] {
        static const std::string v = std::string("0.1.0 (ggml ") + ggml_version() + ")";
        return v.c_str();
    });
}

swaa_model_params swaa_model_default_params(void) {
    swaa_model_params p{};
    p.device = SWAA_DEVICE_AUTO;
    p.use_mmap = true;
    p.cpu_repack = true;
    p.n_gpu_layers = -1;
    p.fit_n_ctx = 4096;
    return p;
}

swaa_status swaa_model_load(const char * path, swaa_model_params params, swaa_model ** out) {
    return guarded([&] {
        SWAA_TRY(need(path && out, "path and out_model must not be NULL"));
        *out = nullptr;
        std::unique_ptr<swaa::Model> m;
        SWAA_TRY(swaa::Model::load(path, params, m));
        *out = reinterpret_cast<swaa_model *>(m.release());
        return swaa::Status::ok();
    });
}

void swaa_model_free(swaa_model * model) { guarded_void([&] { delete M(model); }); }

swaa_status swaa_model_get_info(const swaa_model * model, swaa_model_info * out) {
    return guarded([&] {
        SWAA_TRY(need(model && out, "model and out_info must not be NULL"));
        *out = M(model)->info;
        return swaa::Status::ok();
    });
}

const char * swaa_model_chat_template(const swaa_model * model) {
    return guarded_value<const char *>(nullptr, [&]() -> const char * {
        return model && M(model)->has_chat_template ? M(model)->chat_template.c_str() : nullptr;
    });
}

const char * swaa_model_hash(const swaa_model * model) {
    return guarded_value<const char *>("", [&] { return model ? M(model)->hash.c_str() : ""; });
}

int32_t swaa_vocab_n_tokens(const swaa_model * model) {
    return guarded_value<int32_t>(0, [&] { return model ? llama_vocab_n_tokens(M(model)->vocab()) : 0; });
}
swaa_token swaa_vocab_bos(const swaa_model * model) {
    return guarded_value<swaa_token>(-1, [&] { return model ? llama_vocab_bos(M(model)->vocab()) : -1; });
}
swaa_token swaa_vocab_eos(const swaa_model * model) {
    return guarded_value<swaa_token>(-1, [&] { return model ? llama_vocab_eos(M(model)->vocab()) : -1; });
}
bool swaa_vocab_is_eog(const swaa_model * model, swaa_token t) {
    return guarded_value(false, [&] { return model && llama_vocab_is_eog(M(model)->vocab(), t); });
}
bool swaa_vocab_add_bos(const swaa_model * model) {
    return guarded_value(false, [&] { return model && llama_vocab_get_add_bos(M(model)->vocab()); });
}

int32_t swaa_tokenize(const swaa_model * model, const char * text, int32_t text_len, swaa_token * tokens,
                      int32_t n_tokens_max, bool add_special, bool parse_special) {
    return guarded_value<int32_t>(INT32_MIN, [&] {
        if (!model || !text || text_len < 0 || n_tokens_max < 0 || (!tokens && n_tokens_max > 0)) {
            swaa::set_last_error("model and text must not be NULL, lengths not negative, tokens must hold n_tokens_max");
            return INT32_MIN;
        }
        // libllama asserts that a vocabulary it tokenizes with has a tokenizer.
        if (!swaa::vocabulary_has_tokenizer(M(model)->vocab())) {
            swaa::set_last_error("the model has no tokenizer");
            return INT32_MIN;
        }
        return llama_tokenize(M(model)->vocab(), text, text_len, tokens, n_tokens_max, add_special, parse_special);
    });
}

int32_t swaa_token_to_piece(const swaa_model * model, swaa_token token, char * buf, int32_t buf_len, bool render_special) {
    return guarded_value<int32_t>(0, [&] {
        if (!model || token < 0 || token >= M(model)->hparams.n_vocab || buf_len < 0 || (!buf && buf_len > 0)) return 0;
        if (!swaa::vocabulary_has_tokenizer(M(model)->vocab())) return 0;  // a model without a tokenizer (tests)
        return llama_token_to_piece(M(model)->vocab(), token, buf, buf_len, 0, render_special);
    });
}

int32_t swaa_detokenize(const swaa_model * model, const swaa_token * tokens, int32_t n_tokens, char * text,
                        int32_t text_len_max, bool render_special) {
    return guarded_value<int32_t>(INT32_MIN, [&] {
        if (!model || (!tokens && n_tokens > 0) || n_tokens < 0 || text_len_max < 0 || (!text && text_len_max > 0)) {
            swaa::set_last_error("model must not be NULL, tokens must hold n_tokens >= 0 tokens and text text_len_max bytes");
            return INT32_MIN;
        }
        if (!swaa::vocabulary_has_tokenizer(M(model)->vocab())) return 0;  // a model without a tokenizer (tests)
        if (swaa::report(M(model)->check_tokens(tokens, n_tokens)) != SWAA_OK) return INT32_MIN;
        // remove_special=false: BOS/EOS are text like any other token when render_special is set.
        return llama_detokenize(M(model)->vocab(), tokens, n_tokens, text, text_len_max, false, render_special);
    });
}

swaa_recipe swaa_recipe_default(void) {
    swaa_recipe r;
    std::memset(&r, 0, sizeof(r));
    r.window = SWAA_WINDOW_NONE;
    return r;
}

swaa_status swaa_recipe_validate(const swaa_recipe * recipe, int32_t n_layer) {
    return guarded([&] {
        SWAA_TRY(need(recipe != nullptr, "recipe must not be NULL"));
        swaa::ResolvedRecipe r;
        return swaa::resolve_recipe(*recipe, n_layer, r);
    });
}

swaa_context_params swaa_context_default_params(void) {
    swaa_context_params p{};
    p.n_ctx = 4096;
    p.n_chunk = 512;
    p.n_threads = 0;
    p.kv_type = SWAA_KV_F16;
    p.recipe = swaa_recipe_default();
    return p;
}

uint64_t swaa_context_estimate_kv_bytes(const swaa_model * model, swaa_context_params params) {
    return guarded_value<uint64_t>(0, [&]() -> uint64_t {
        if (!model) return 0;
        const swaa::HParams & hp = M(model)->hparams;
        swaa::ResolvedRecipe r;
        if (!swaa::resolve_recipe(params.recipe, hp.n_layer, r).is_ok()) return 0;
        const int32_t n_ctx = params.n_ctx > 0 ? params.n_ctx : hp.n_ctx_train;
        const ggml_type type = params.kv_type == SWAA_KV_F32 ? GGML_TYPE_F32 : GGML_TYPE_F16;
        return swaa::KvCache::estimate_bytes(r, n_ctx, std::max(1, params.n_chunk), hp.n_embd_k_gqa(), hp.n_embd_v_gqa(), type);
    });
}

swaa_status swaa_context_create(swaa_model * model, swaa_context_params params, swaa_context ** out) {
    return guarded([&] {
        SWAA_TRY(need(model && out, "model and out_ctx must not be NULL"));
        *out = nullptr;
        std::unique_ptr<swaa::Context> c;
        SWAA_TRY(swaa::Context::create(*M(model), params, c));
        *out = reinterpret_cast<swaa_context *>(c.release());
        return swaa::Status::ok();
    });
}

void swaa_context_free(swaa_context * ctx) { guarded_void([&] { delete C(ctx); }); }

swaa_status swaa_context_eval(swaa_context * ctx, const swaa_token * tokens, int32_t n_tokens, swaa_phase phase,
                              bool logits_all, swaa_prefill_progress_callback progress, void * user_data) {
    return guarded([&] {
        SWAA_TRY(need(ctx != nullptr, "ctx must not be NULL"));
        return C(ctx)->eval(tokens, n_tokens, phase, logits_all, progress, user_data);
    });
}

const float * swaa_context_logits(const swaa_context * ctx, int32_t i) {
    return guarded_value<const float *>(nullptr, [&] { return ctx ? C(ctx)->logits(i) : nullptr; });
}
int32_t swaa_context_n_logits(const swaa_context * ctx) {
    return guarded_value<int32_t>(0, [&] { return ctx ? C(ctx)->n_logits() : 0; });
}
int32_t swaa_context_n_past(const swaa_context * ctx) {
    return guarded_value<int32_t>(0, [&] { return ctx ? C(ctx)->n_past() : 0; });
}
int32_t swaa_context_n_ctx(const swaa_context * ctx) {
    return guarded_value<int32_t>(0, [&] { return ctx ? C(ctx)->n_ctx() : 0; });
}
const swaa_token * swaa_context_tokens(const swaa_context * ctx) {
    return guarded_value<const swaa_token *>(nullptr, [&] { return ctx ? C(ctx)->tokens().data() : nullptr; });
}
void swaa_context_cancel(swaa_context * ctx) {
    guarded_void([&] { if (ctx) C(ctx)->cancel(); });
}

swaa_status swaa_context_clear(swaa_context * ctx) {
    return guarded([&] {
        SWAA_TRY(need(ctx != nullptr, "ctx must not be NULL"));
        return C(ctx)->clear();
    });
}

swaa_status swaa_context_checkpoint(swaa_context * ctx) {
    return guarded([&] {
        SWAA_TRY(need(ctx != nullptr, "ctx must not be NULL"));
        return C(ctx)->checkpoint();
    });
}

swaa_status swaa_context_rewind(swaa_context * ctx) {
    return guarded([&] {
        SWAA_TRY(need(ctx != nullptr, "ctx must not be NULL"));
        return C(ctx)->rewind();
    });
}

int32_t swaa_context_checkpoint_n_past(const swaa_context * ctx) {
    return guarded_value<int32_t>(-1, [&] { return ctx ? C(ctx)->checkpoint_n_past() : -1; });
}

swaa_status swaa_context_save_file(const swaa_context * ctx, const char * path) {
    return guarded([&] {
        SWAA_TRY(need(ctx && path, "ctx and path must not be NULL"));
        return C(ctx)->save_file(path);
    });
}

swaa_status swaa_context_load_file(swaa_context * ctx, const char * path) {
    return guarded([&] {
        SWAA_TRY(need(ctx && path, "ctx and path must not be NULL"));
        return C(ctx)->load_file(path);
    });
}

void swaa_context_get_metrics(const swaa_context * ctx, swaa_metrics * out) {
    guarded_void([&] { if (ctx && out) C(ctx)->get_metrics(*out); });
}

void swaa_context_reset_metrics(swaa_context * ctx) {
    guarded_void([&] { if (ctx) C(ctx)->reset_metrics(); });
}

swaa_status swaa_context_layer_plan(const swaa_context * ctx, int32_t layer, swaa_layer_plan * out) {
    return guarded([&] {
        SWAA_TRY(need(ctx && out, "ctx and out must not be NULL"));
        return C(ctx)->layer_plan(layer, *out);
    });
}

swaa_status swaa_adapter_load(const swaa_model * model, const char * path, swaa_adapter ** out) {
    return guarded([&] {
        SWAA_TRY(need(model && path && out, "model, path and out_adapter must not be NULL"));
        *out = nullptr;
        std::unique_ptr<swaa::LoraAdapter> a;
        SWAA_TRY(swaa::LoraAdapter::load(*M(model), path, a));
        *out = reinterpret_cast<swaa_adapter *>(a.release());
        return swaa::Status::ok();
    });
}

void swaa_adapter_free(swaa_adapter * adapter) {
    guarded_void([&] { delete reinterpret_cast<swaa::LoraAdapter *>(adapter); });
}

swaa_status swaa_context_set_adapter(swaa_context * ctx, const swaa_adapter * adapter, float scale) {
    return guarded([&] {
        SWAA_TRY(need(ctx != nullptr, "ctx must not be NULL"));
        return C(ctx)->set_adapter(reinterpret_cast<const swaa::LoraAdapter *>(adapter), scale);
    });
}

bool swaa_context_adapter_active(const swaa_context * ctx) {
    return guarded_value(false, [&] { return ctx && C(ctx)->adapter_active(); });
}

}  // extern "C"
