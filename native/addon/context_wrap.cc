// NativeContext methods and the workers behind the asynchronous ones.
#include "context_wrap.h"

#include <vector>

Napi::FunctionReference * ContextWrap::constructor_ = nullptr;

namespace {

struct PrefillProgress {
    int32_t done;
    int32_t total;
    double elapsed_ms;
};

// Runs swaa_context_eval off the JS thread; progress reaches JS at most once per chunk.
class EvalWorker : public StatusWorker<Napi::AsyncProgressWorker<PrefillProgress>> {
public:
    EvalWorker(Napi::Env env, std::shared_ptr<ContextHandle> h, std::vector<swaa_token> tokens, swaa_phase phase,
               bool logits_all, Napi::Function on_progress)
        : StatusWorker(env), h_(std::move(h)), tokens_(std::move(tokens)), phase_(phase), logits_all_(logits_all) {
        if (!on_progress.IsEmpty()) progress_cb_ = Napi::Persistent(on_progress);
    }

    void Execute(const ExecutionProgress & progress) override {
        progress_ = &progress;
        swaa_status st = swaa_context_eval(h_->ctx, tokens_.data(), (int32_t) tokens_.size(), phase_, logits_all_,
                                           &EvalWorker::OnChunk, this);
        if (st != SWAA_OK) Fail(st, swaa_last_error());
    }
    void OnProgress(const PrefillProgress * data, size_t count) override {
        if (progress_cb_.IsEmpty() || count == 0) return;
        Napi::Env env = Env();
        Napi::HandleScope scope(env);
        const PrefillProgress & p = data[count - 1];
        progress_cb_.Call({Napi::Number::New(env, p.done), Napi::Number::New(env, p.total), Napi::Number::New(env, p.elapsed_ms)});
    }
    void OnOK() override { deferred_.Resolve(Env().Undefined()); }

private:
    static bool OnChunk(int32_t done, int32_t total, double ms, void * ud) {
        auto * self = static_cast<EvalWorker *>(ud);
        PrefillProgress p{done, total, ms};
        self->progress_->Send(&p, 1);
        return true;  // cancel goes through swaa_context_cancel
    }
    std::shared_ptr<ContextHandle> h_;
    std::vector<swaa_token> tokens_;
    swaa_phase phase_;
    bool logits_all_;
    Napi::FunctionReference progress_cb_;
    const ExecutionProgress * progress_ = nullptr;
};

struct TokenEvent {
    swaa_token token;
    std::string bytes;
};

// Runs swaa_context_generate off the JS thread; every token is queued to JS in order.
class GenerateWorker : public StatusWorker<Napi::AsyncProgressQueueWorker<TokenEvent>> {
public:
    GenerateWorker(Napi::Env env, std::shared_ptr<ContextHandle> h, swaa_sampler_params sp, int32_t max_tokens,
                   Napi::Function on_token)
        : StatusWorker(env), h_(std::move(h)), sp_(sp), max_tokens_(max_tokens), on_token_(Napi::Persistent(on_token)) {}

    void Execute(const ExecutionProgress & progress) override {
        progress_ = &progress;
        swaa_sampler * sampler = nullptr;
        swaa_status st = swaa_sampler_create(h_->model->model, sp_, &sampler);
        if (st != SWAA_OK) return Fail(st, swaa_last_error());
        // Prompt tokens feed the repetition penalty, as llama.cpp does.
        const int32_t n_past = swaa_context_n_past(h_->ctx);
        const swaa_token * toks = swaa_context_tokens(h_->ctx);
        const int32_t look = std::min<int32_t>(n_past, std::max<int32_t>(sp_.repeat_last_n, 0));
        for (int32_t i = n_past - look; i < n_past; i++) swaa_sampler_accept(sampler, toks[i]);
        st = swaa_context_generate(h_->ctx, sampler, max_tokens_, &GenerateWorker::OnToken, this, &reason_, nullptr);
        swaa_sampler_free(sampler);
        if (st != SWAA_OK) Fail(st, swaa_last_error());
    }
    void OnProgress(const TokenEvent * data, size_t count) override {
        Napi::Env env = Env();
        Napi::HandleScope scope(env);
        for (size_t i = 0; i < count; i++) {
            on_token_.Call({Napi::Number::New(env, data[i].token),
                            Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<const uint8_t *>(data[i].bytes.data()), data[i].bytes.size())});
        }
    }
    void OnOK() override {
        Napi::Env env = Env();
        Napi::Object r = Napi::Object::New(env);
        // Tokens come from the generation itself (the queue may still hold the last ones).
        Napi::Int32Array arr = Napi::Int32Array::New(env, generated_.size());
        for (size_t i = 0; i < generated_.size(); i++) arr[i] = generated_[i];
        r.Set("tokens", arr);
        const char * reasons[] = {"eog", "maxTokens", "cancelled", "contextFull"};
        r.Set("stopReason", reasons[reason_]);
        deferred_.Resolve(r);
    }

private:
    static bool OnToken(swaa_token token, const char * piece, int32_t len, void * ud) {
        auto * self = static_cast<GenerateWorker *>(ud);
        self->generated_.push_back(token);
        TokenEvent e{token, std::string(piece, (size_t) std::max(len, 0))};
        self->progress_->Send(&e, 1);
        return true;
    }
    std::shared_ptr<ContextHandle> h_;
    swaa_sampler_params sp_;
    int32_t max_tokens_;
    Napi::FunctionReference on_token_;
    const ExecutionProgress * progress_ = nullptr;
    std::vector<swaa_token> generated_;
    swaa_stop_reason reason_ = SWAA_STOP_MAX_TOKENS;
};

// Saves or loads the context state file off the JS thread.
class StateFileWorker : public StatusWorker<Napi::AsyncWorker> {
public:
    StateFileWorker(Napi::Env env, std::shared_ptr<ContextHandle> h, std::string path, bool save)
        : StatusWorker(env), h_(std::move(h)), path_(std::move(path)), save_(save) {}
    void Execute() override {
        swaa_status st = save_ ? swaa_context_save_file(h_->ctx, path_.c_str()) : swaa_context_load_file(h_->ctx, path_.c_str());
        if (st != SWAA_OK) Fail(st, swaa_last_error());
    }
    void OnOK() override { deferred_.Resolve(Env().Undefined()); }
private:
    std::shared_ptr<ContextHandle> h_;
    std::string path_;
    bool save_;
};

double num(const Napi::Object & o, const char * key, double fallback) {
    Napi::Value v = o.Get(key);
    if (v.IsUndefined()) return fallback;
    if (!v.IsNumber()) throw Napi::TypeError::New(o.Env(), std::string(key) + " must be a number");
    return v.As<Napi::Number>().DoubleValue();
}

}  // namespace

void ContextWrap::Init(Napi::Env env, Napi::Object exports) {
    Napi::Function f = DefineClass(env, "NativeContext", {
        InstanceMethod<&ContextWrap::Eval>("eval"),
        InstanceMethod<&ContextWrap::Generate>("generate"),
        InstanceMethod<&ContextWrap::Logits>("logits"),
        InstanceMethod<&ContextWrap::NLogits>("nLogits"),
        InstanceMethod<&ContextWrap::NPast>("nPast"),
        InstanceMethod<&ContextWrap::NCtx>("nCtx"),
        InstanceMethod<&ContextWrap::Tokens>("tokens"),
        InstanceMethod<&ContextWrap::Cancel>("cancel"),
        InstanceMethod<&ContextWrap::Clear>("clear"),
        InstanceMethod<&ContextWrap::Checkpoint>("checkpoint"),
        InstanceMethod<&ContextWrap::Rewind>("rewind"),
        InstanceMethod<&ContextWrap::CheckpointNPast>("checkpointNPast"),
        InstanceMethod<&ContextWrap::SaveFile>("saveFile"),
        InstanceMethod<&ContextWrap::LoadFile>("loadFile"),
        InstanceMethod<&ContextWrap::Metrics>("metrics"),
        InstanceMethod<&ContextWrap::ResetMetrics>("resetMetrics"),
        InstanceMethod<&ContextWrap::LayerPlan>("layerPlan"),
        InstanceMethod<&ContextWrap::SetAdapter>("setAdapter"),
        InstanceMethod<&ContextWrap::AdapterActive>("adapterActive"),
        InstanceMethod<&ContextWrap::Dispose>("dispose"),
    });
    constructor_ = new Napi::FunctionReference(Napi::Persistent(f));
    exports.Set("NativeContext", f);
}

Napi::Object ContextWrap::NewInstance(Napi::Env env, std::shared_ptr<ContextHandle> handle) {
    Napi::Object obj = constructor_->New({});
    ContextWrap::Unwrap(obj)->handle_ = std::move(handle);
    return obj;
}

ContextWrap::ContextWrap(const Napi::CallbackInfo & info) : Napi::ObjectWrap<ContextWrap>(info) {}

std::shared_ptr<ContextHandle> ContextWrap::handle(Napi::Env env) const {
    if (!handle_ || !handle_->ctx) throw runtime_error(env, SWAA_ERR_INVALID_ARGUMENT, "the context was disposed");
    return handle_;
}

Napi::Value ContextWrap::Eval(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    auto h = handle(env);
    if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
        throw Napi::TypeError::New(env, "tokens must be an Int32Array");
    }
    Napi::Int32Array arr = info[0].As<Napi::Int32Array>();
    std::vector<swaa_token> tokens(arr.Data(), arr.Data() + arr.ElementLength());
    const std::string phase_name = info[1].IsString() ? info[1].As<Napi::String>().Utf8Value() : "";
    swaa_phase phase;
    if (phase_name == "document") phase = SWAA_PHASE_DOCUMENT;
    else if (phase_name == "question") phase = SWAA_PHASE_QUESTION;
    else throw Napi::TypeError::New(env, "phase must be 'document' or 'question'");
    Napi::Function cb = info[3].IsFunction() ? info[3].As<Napi::Function>() : Napi::Function();
    auto * w = new EvalWorker(env, h, std::move(tokens), phase, info[2].ToBoolean(), cb);
    Napi::Promise p = w->deferred_.Promise();
    w->Queue();
    return p;
}

Napi::Value ContextWrap::Generate(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    auto h = handle(env);
    if (!info[0].IsObject() || !info[1].IsFunction()) throw Napi::TypeError::New(env, "generate(params, onToken)");
    Napi::Object o = info[0].As<Napi::Object>();
    swaa_sampler_params sp = swaa_sampler_default_params();
    sp.temperature = (float) num(o, "temperature", sp.temperature);
    sp.top_k = (int32_t) num(o, "topK", sp.top_k);
    sp.top_p = (float) num(o, "topP", sp.top_p);
    sp.min_p = (float) num(o, "minP", sp.min_p);
    sp.repeat_penalty = (float) num(o, "repeatPenalty", sp.repeat_penalty);
    sp.repeat_last_n = (int32_t) num(o, "repeatLastN", sp.repeat_last_n);
    sp.seed = (uint32_t) num(o, "seed", sp.seed);
    const int32_t max_tokens = (int32_t) num(o, "maxTokens", 256);
    if (o.Get("cancelled").ToBoolean()) swaa_context_cancel(h->ctx);
    auto * w = new GenerateWorker(env, h, sp, max_tokens, info[1].As<Napi::Function>());
    Napi::Promise p = w->deferred_.Promise();
    w->Queue();
    return p;
}

Napi::Value ContextWrap::Logits(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    auto h = handle(env);
    const int32_t i = info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : -1;
    const float * logits = swaa_context_logits(h->ctx, i);
    if (!logits) throw runtime_error(env, SWAA_ERR_PHASE, "no logits at row " + std::to_string(i) + " (evaluate first; rows: " +
                                                              std::to_string(swaa_context_n_logits(h->ctx)) + ")");
    const int32_t n_vocab = swaa_vocab_n_tokens(h->model->model);
    Napi::Float32Array out = Napi::Float32Array::New(env, n_vocab);
    std::copy(logits, logits + n_vocab, out.Data());
    return out;
}

Napi::Value ContextWrap::NLogits(const Napi::CallbackInfo & info) { return Napi::Number::New(info.Env(), swaa_context_n_logits(handle(info.Env())->ctx)); }
Napi::Value ContextWrap::NPast(const Napi::CallbackInfo & info) { return Napi::Number::New(info.Env(), swaa_context_n_past(handle(info.Env())->ctx)); }
Napi::Value ContextWrap::NCtx(const Napi::CallbackInfo & info) { return Napi::Number::New(info.Env(), swaa_context_n_ctx(handle(info.Env())->ctx)); }
Napi::Value ContextWrap::CheckpointNPast(const Napi::CallbackInfo & info) {
    return Napi::Number::New(info.Env(), swaa_context_checkpoint_n_past(handle(info.Env())->ctx));
}

Napi::Value ContextWrap::Tokens(const Napi::CallbackInfo & info) {
    auto h = handle(info.Env());
    const int32_t n = swaa_context_n_past(h->ctx);
    const swaa_token * t = swaa_context_tokens(h->ctx);
    Napi::Int32Array out = Napi::Int32Array::New(info.Env(), n);
    for (int32_t i = 0; i < n; i++) out[i] = t[i];
    return out;
}

Napi::Value ContextWrap::Cancel(const Napi::CallbackInfo & info) {
    if (handle_ && handle_->ctx) swaa_context_cancel(handle_->ctx);
    return info.Env().Undefined();
}

Napi::Value ContextWrap::Clear(const Napi::CallbackInfo & info) {
    swaa_status st = swaa_context_clear(handle(info.Env())->ctx);
    if (st != SWAA_OK) throw last_runtime_error(info.Env(), st);
    return info.Env().Undefined();
}

Napi::Value ContextWrap::Checkpoint(const Napi::CallbackInfo & info) {
    swaa_status st = swaa_context_checkpoint(handle(info.Env())->ctx);
    if (st != SWAA_OK) throw last_runtime_error(info.Env(), st);
    return info.Env().Undefined();
}

Napi::Value ContextWrap::Rewind(const Napi::CallbackInfo & info) {
    swaa_status st = swaa_context_rewind(handle(info.Env())->ctx);
    if (st != SWAA_OK) throw last_runtime_error(info.Env(), st);
    return info.Env().Undefined();
}

Napi::Value ContextWrap::SaveFile(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    if (!info[0].IsString()) throw Napi::TypeError::New(env, "path must be a string");
    auto * w = new StateFileWorker(env, handle(env), info[0].As<Napi::String>().Utf8Value(), true);
    Napi::Promise p = w->deferred_.Promise();
    w->Queue();
    return p;
}

Napi::Value ContextWrap::LoadFile(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    if (!info[0].IsString()) throw Napi::TypeError::New(env, "path must be a string");
    auto * w = new StateFileWorker(env, handle(env), info[0].As<Napi::String>().Utf8Value(), false);
    Napi::Promise p = w->deferred_.Promise();
    w->Queue();
    return p;
}

Napi::Value ContextWrap::Metrics(const Napi::CallbackInfo & info) {
    swaa_metrics m;
    swaa_context_get_metrics(handle(info.Env())->ctx, &m);
    return ConvertMetrics(info.Env(), m);
}

Napi::Value ContextWrap::ResetMetrics(const Napi::CallbackInfo & info) {
    swaa_context_reset_metrics(handle(info.Env())->ctx);
    return info.Env().Undefined();
}

Napi::Value ContextWrap::LayerPlan(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    swaa_layer_plan lp;
    swaa_status st = swaa_context_layer_plan(handle(env)->ctx, info[0].IsNumber() ? info[0].As<Napi::Number>().Int32Value() : -1, &lp);
    if (st != SWAA_OK) throw last_runtime_error(env, st);
    Napi::Object o = Napi::Object::New(env);
    o.Set("faPrefill", lp.fa_prefill);
    o.Set("faDecode", lp.fa_decode);
    o.Set("fullCache", lp.full_cache);
    o.Set("kvRows", lp.kv_rows);
    return o;
}

Napi::Value ContextWrap::SetAdapter(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    auto h = handle(env);
    AdapterRef adapter;
    if (info[0].IsExternal()) adapter = *info[0].As<Napi::External<AdapterRef>>().Data();
    else if (!info[0].IsNull() && !info[0].IsUndefined()) throw Napi::TypeError::New(env, "adapter must come from model.loadAdapter() or be null");
    const float scale = info[1].IsNumber() ? info[1].As<Napi::Number>().FloatValue() : 1.0f;
    swaa_status st = swaa_context_set_adapter(h->ctx, adapter ? adapter->adapter : nullptr, scale);
    if (st != SWAA_OK) throw last_runtime_error(env, st);
    h->adapter = adapter;
    return env.Undefined();
}

Napi::Value ContextWrap::AdapterActive(const Napi::CallbackInfo & info) {
    return Napi::Boolean::New(info.Env(), swaa_context_adapter_active(handle(info.Env())->ctx));
}

Napi::Value ContextWrap::Dispose(const Napi::CallbackInfo & info) {
    // A running worker holds its own reference; the native context goes when that finishes.
    if (handle_ && handle_->ctx) swaa_context_cancel(handle_->ctx);
    handle_.reset();
    return info.Env().Undefined();
}
