// NativeContext: the JS wrapper of swaa_context. eval, generate, saveFile and loadFile run on
// worker threads and stream progress/tokens back; the rest is quick and synchronous.
#pragma once

#include "handles.h"

#include <atomic>

class ContextWrap : public Napi::ObjectWrap<ContextWrap> {
public:
    static void Init(Napi::Env env, Napi::Object exports);
    static Napi::Object NewInstance(Napi::Env env, std::shared_ptr<ContextHandle> handle);
    explicit ContextWrap(const Napi::CallbackInfo & info);

private:
    std::shared_ptr<ContextHandle> handle(Napi::Env env) const;
    Napi::Value Eval(const Napi::CallbackInfo & info);
    Napi::Value Generate(const Napi::CallbackInfo & info);
    Napi::Value Logits(const Napi::CallbackInfo & info);
    Napi::Value NLogits(const Napi::CallbackInfo & info);
    Napi::Value NPast(const Napi::CallbackInfo & info);
    Napi::Value NCtx(const Napi::CallbackInfo & info);
    Napi::Value Tokens(const Napi::CallbackInfo & info);
    Napi::Value Cancel(const Napi::CallbackInfo & info);
    Napi::Value Clear(const Napi::CallbackInfo & info);
    Napi::Value Checkpoint(const Napi::CallbackInfo & info);
    Napi::Value Rewind(const Napi::CallbackInfo & info);
    Napi::Value CheckpointNPast(const Napi::CallbackInfo & info);
    Napi::Value SaveFile(const Napi::CallbackInfo & info);
    Napi::Value LoadFile(const Napi::CallbackInfo & info);
    Napi::Value Metrics(const Napi::CallbackInfo & info);
    Napi::Value ResetMetrics(const Napi::CallbackInfo & info);
    Napi::Value LayerPlan(const Napi::CallbackInfo & info);
    Napi::Value SetAdapter(const Napi::CallbackInfo & info);
    Napi::Value AdapterActive(const Napi::CallbackInfo & info);
    Napi::Value Dispose(const Napi::CallbackInfo & info);

    std::shared_ptr<ContextHandle> handle_;
    static Napi::FunctionReference * constructor_;
};
