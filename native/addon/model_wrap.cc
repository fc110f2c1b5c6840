// NativeModel methods. Everything here is quick (no file or graph work), so it runs on the JS thread.
#include "model_wrap.h"

#include "context_wrap.h"

#include <vector>

Napi::FunctionReference * ModelWrap::constructor_ = nullptr;

void ModelWrap::Init(Napi::Env env, Napi::Object exports) {
    Napi::Function f = DefineClass(env, "NativeModel", {
        InstanceMethod<&ModelWrap::Info>("info"),
        InstanceMethod<&ModelWrap::Hash>("hash"),
        InstanceMethod<&ModelWrap::ChatTemplate>("chatTemplate"),
        InstanceMethod<&ModelWrap::Bos>("bos"),
        InstanceMethod<&ModelWrap::Eos>("eos"),
        InstanceMethod<&ModelWrap::AddBos>("addBos"),
        InstanceMethod<&ModelWrap::IsEog>("isEog"),
        InstanceMethod<&ModelWrap::Tokenize>("tokenize"),
        InstanceMethod<&ModelWrap::TokenToPiece>("tokenToPiece"),
        InstanceMethod<&ModelWrap::Detokenize>("detokenize"),
        InstanceMethod<&ModelWrap::EstimateKvBytes>("estimateKvBytes"),
        InstanceMethod<&ModelWrap::CreateContext>("createContext"),
        InstanceMethod<&ModelWrap::LoadAdapter>("loadAdapter"),
        InstanceMethod<&ModelWrap::Dispose>("dispose"),
    });
    constructor_ = new Napi::FunctionReference(Napi::Persistent(f));
    exports.Set("NativeModel", f);
}

Napi::Object ModelWrap::NewInstance(Napi::Env env, std::shared_ptr<ModelHandle> handle) {
    Napi::Object obj = constructor_->New({});
    ModelWrap::Unwrap(obj)->handle_ = std::move(handle);
    return obj;
}

ModelWrap::ModelWrap(const Napi::CallbackInfo & info) : Napi::ObjectWrap<ModelWrap>(info) {}

swaa_model * ModelWrap::model(Napi::Env env) const {
    if (!handle_ || !handle_->model) throw runtime_error(env, SWAA_ERR_INVALID_ARGUMENT, "the model was disposed");
    return handle_->model;
}

Napi::Value ModelWrap::Info(const Napi::CallbackInfo & info) {
    swaa_model_info mi;
    swaa_status st = swaa_model_get_info(model(info.Env()), &mi);
    if (st != SWAA_OK) throw last_runtime_error(info.Env(), st);
    return ConvertModelInfo(info.Env(), mi);
}

Napi::Value ModelWrap::Hash(const Napi::CallbackInfo & info) {
    return Napi::String::New(info.Env(), swaa_model_hash(model(info.Env())));
}

Napi::Value ModelWrap::ChatTemplate(const Napi::CallbackInfo & info) {
    const char * t = swaa_model_chat_template(model(info.Env()));
    return t ? Napi::String::New(info.Env(), t) : info.Env().Null();
}

Napi::Value ModelWrap::Bos(const Napi::CallbackInfo & info) { return Napi::Number::New(info.Env(), swaa_vocab_bos(model(info.Env()))); }
Napi::Value ModelWrap::Eos(const Napi::CallbackInfo & info) { return Napi::Number::New(info.Env(), swaa_vocab_eos(model(info.Env()))); }
Napi::Value ModelWrap::AddBos(const Napi::CallbackInfo & info) { return Napi::Boolean::New(info.Env(), swaa_vocab_add_bos(model(info.Env()))); }

Napi::Value ModelWrap::IsEog(const Napi::CallbackInfo & info) {
    if (!info[0].IsNumber()) throw Napi::TypeError::New(info.Env(), "token must be a number");
    return Napi::Boolean::New(info.Env(), swaa_vocab_is_eog(model(info.Env()), info[0].As<Napi::Number>().Int32Value()));
}

Napi::Value ModelWrap::Tokenize(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    if (!info[0].IsString()) throw Napi::TypeError::New(env, "text must be a string");
    const std::string text = info[0].As<Napi::String>().Utf8Value();
    const bool add_special = info[1].ToBoolean();
    const bool parse_special = info[2].ToBoolean();
    swaa_model * m = model(env);
    std::vector<swaa_token> tokens(text.size() + 8);
    int32_t n = swaa_tokenize(m, text.data(), (int32_t) text.size(), tokens.data(), (int32_t) tokens.size(), add_special, parse_special);
    if (n < 0 && n != INT32_MIN) {
        tokens.resize(-n);
        n = swaa_tokenize(m, text.data(), (int32_t) text.size(), tokens.data(), (int32_t) tokens.size(), add_special, parse_special);
    }
    if (n < 0) throw runtime_error(env, SWAA_ERR_TOKENIZER, "tokenization failed");
    Napi::Int32Array out = Napi::Int32Array::New(env, n);
    for (int32_t i = 0; i < n; i++) out[i] = tokens[i];
    return out;
}

Napi::Value ModelWrap::TokenToPiece(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    if (!info[0].IsNumber()) throw Napi::TypeError::New(env, "token must be a number");
    const int32_t token = info[0].As<Napi::Number>().Int32Value();
    swaa_model * m = model(env);
    if (token < 0 || token >= swaa_vocab_n_tokens(m)) {
        throw runtime_error(env, SWAA_ERR_INVALID_ARGUMENT, "token " + std::to_string(token) + " is outside the vocabulary");
    }
    std::vector<char> buf(64);
    int32_t n = swaa_token_to_piece(m, token, buf.data(), (int32_t) buf.size(), info[1].ToBoolean());
    if (n < 0) {
        buf.resize(-n);
        n = swaa_token_to_piece(m, token, buf.data(), (int32_t) buf.size(), info[1].ToBoolean());
    }
    return Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<const uint8_t *>(buf.data()), (size_t) std::max(n, 0));
}

Napi::Value ModelWrap::Detokenize(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    if (!info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_int32_array) {
        throw Napi::TypeError::New(env, "tokens must be an Int32Array");
    }
    Napi::Int32Array tokens = info[0].As<Napi::Int32Array>();
    const bool render_special = info[1].ToBoolean();
    swaa_model * m = model(env);
    const int32_t n_tokens = (int32_t) tokens.ElementLength();
    std::vector<char> text((size_t) n_tokens * 8 + 16);
    int32_t n = swaa_detokenize(m, tokens.Data(), n_tokens, text.data(), (int32_t) text.size(), render_special);
    if (n < 0 && n != INT32_MIN) {
        text.resize((size_t) -n);
        n = swaa_detokenize(m, tokens.Data(), n_tokens, text.data(), (int32_t) text.size(), render_special);
    }
    if (n < 0) throw last_runtime_error(env, SWAA_ERR_INVALID_ARGUMENT);
    return Napi::String::New(env, text.data(), (size_t) n);
}

Napi::Value ModelWrap::EstimateKvBytes(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    if (!info[0].IsObject()) throw Napi::TypeError::New(env, "params must be an object");
    swaa_context_params p = ReadContextParams(info[0].As<Napi::Object>());
    swaa_model_info mi;
    swaa_model_get_info(model(env), &mi);
    swaa_status st = swaa_recipe_validate(&p.recipe, mi.n_layer);
    if (st != SWAA_OK) throw last_runtime_error(env, st);
    return Napi::Number::New(env, (double) swaa_context_estimate_kv_bytes(model(env), p));
}

Napi::Value ModelWrap::CreateContext(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    if (!info[0].IsObject()) throw Napi::TypeError::New(env, "params must be an object");
    swaa_context_params p = ReadContextParams(info[0].As<Napi::Object>());
    swaa_context * ctx = nullptr;
    swaa_status st = swaa_context_create(model(env), p, &ctx);
    if (st != SWAA_OK) throw last_runtime_error(env, st);
    auto handle = std::make_shared<ContextHandle>();
    handle->ctx = ctx;
    handle->model = handle_;
    return ContextWrap::NewInstance(env, handle);
}

Napi::Value ModelWrap::LoadAdapter(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    if (!info[0].IsString()) throw Napi::TypeError::New(env, "path must be a string");
    swaa_adapter * a = nullptr;
    swaa_status st = swaa_adapter_load(model(env), info[0].As<Napi::String>().Utf8Value().c_str(), &a);
    if (st != SWAA_OK) throw last_runtime_error(env, st);
    auto * ref = new AdapterRef(std::make_shared<AdapterHandle>());
    (*ref)->adapter = a;
    (*ref)->model = handle_;
    return Napi::External<AdapterRef>::New(env, ref, [](Napi::Env, AdapterRef * r) { delete r; });
}

Napi::Value ModelWrap::Dispose(const Napi::CallbackInfo & info) {
    // Contexts keep the model alive until they are disposed too.
    handle_.reset();
    return info.Env().Undefined();
}
