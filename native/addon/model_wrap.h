// NativeModel: the JS wrapper of swaa_model (info, vocabulary, contexts).
#pragma once

#include "handles.h"

class ModelWrap : public Napi::ObjectWrap<ModelWrap> {
public:
    static void Init(Napi::Env env, Napi::Object exports);
    static Napi::Object NewInstance(Napi::Env env, std::shared_ptr<ModelHandle> handle);
    explicit ModelWrap(const Napi::CallbackInfo & info);

    std::shared_ptr<ModelHandle> handle() const { return handle_; }

private:
    swaa_model * model(Napi::Env env) const;
    Napi::Value Info(const Napi::CallbackInfo & info);
    Napi::Value Hash(const Napi::CallbackInfo & info);
    Napi::Value ChatTemplate(const Napi::CallbackInfo & info);
    Napi::Value Bos(const Napi::CallbackInfo & info);
    Napi::Value Eos(const Napi::CallbackInfo & info);
    Napi::Value AddBos(const Napi::CallbackInfo & info);
    Napi::Value IsEog(const Napi::CallbackInfo & info);
    Napi::Value Tokenize(const Napi::CallbackInfo & info);
    Napi::Value TokenToPiece(const Napi::CallbackInfo & info);
    Napi::Value Detokenize(const Napi::CallbackInfo & info);
    Napi::Value EstimateKvBytes(const Napi::CallbackInfo & info);
    Napi::Value CreateContext(const Napi::CallbackInfo & info);
    Napi::Value LoadAdapter(const Napi::CallbackInfo & info);
    Napi::Value Dispose(const Napi::CallbackInfo & info);

    std::shared_ptr<ModelHandle> handle_;
    static Napi::FunctionReference * constructor_;
};
