// Shared ownership of native handles between JS wrappers and in-flight workers: a worker keeps
// what it uses alive even if JS disposes the wrapper mid-call.
#pragma once

#include "swaa.h"

#include <memory>
#include <napi.h>
#include <string>

struct ModelHandle {
    swaa_model * model = nullptr;
    ~ModelHandle() { if (model) swaa_model_free(model); }
};

struct AdapterHandle {
    swaa_adapter * adapter = nullptr;
    std::shared_ptr<ModelHandle> model;  // an adapter is only valid with its model
    ~AdapterHandle() { if (adapter) swaa_adapter_free(adapter); }
};

// A JS value holding an adapter: an External owning a shared reference.
using AdapterRef = std::shared_ptr<AdapterHandle>;

struct ContextHandle {
    swaa_context * ctx = nullptr;
    std::shared_ptr<ModelHandle> model;
    AdapterRef adapter;
    ~ContextHandle() { if (ctx) swaa_context_free(ctx); }
};

// A JS Error whose `code` is the runtime's status name.
inline Napi::Error runtime_error(Napi::Env env, swaa_status status, const std::string & message) {
    Napi::Error e = Napi::Error::New(env, message);
    e.Set("code", Napi::String::New(env, swaa_status_name(status)));
    return e;
}

inline Napi::Error last_runtime_error(Napi::Env env, swaa_status status) {
    return runtime_error(env, status, swaa_last_error());
}

// Base for workers that fail with a runtime status.
template <typename Base>
class StatusWorker : public Base {
public:
    using Base::Base;
protected:
    void Fail(swaa_status status, const std::string & message) {
        status_ = status;
        this->SetError(message);
    }
    void OnError(const Napi::Error & e) override {
        Napi::Env env = this->Env();
        Napi::HandleScope scope(env);
        deferred_.Reject(runtime_error(env, status_, e.Message()).Value());
    }
public:
    Napi::Promise::Deferred deferred_ = Napi::Promise::Deferred::New(this->Env());
protected:
    swaa_status status_ = SWAA_ERR_INTERNAL;
};

Napi::Object ConvertModelInfo(Napi::Env env, const swaa_model_info & info);
Napi::Object ConvertMetrics(Napi::Env env, const swaa_metrics & m);
// Reads { contextSize, chunkSize, threads, kvType, recipe } into params; throws a TypeError on bad input.
swaa_context_params ReadContextParams(const Napi::Object & obj);
