// Module entry of swaa.node: version, loadModel (async, with progress), quantizeFile, and the
// NativeModel / NativeContext classes.
#include "context_wrap.h"
#include "handles.h"
#include "model_wrap.h"

#include <atomic>

namespace {

class LoadModelWorker : public StatusWorker<Napi::AsyncProgressWorker<float>> {
public:
    LoadModelWorker(Napi::Env env, std::string path, swaa_model_params params, std::string device_name, Napi::Function on_progress)
        : StatusWorker(env), path_(std::move(path)), params_(params), device_name_(std::move(device_name)) {
        if (!on_progress.IsEmpty()) progress_cb_ = Napi::Persistent(on_progress);
        params_.device_name = device_name_.empty() ? nullptr : device_name_.c_str();  // lives as long as the worker
    }
    void Execute(const ExecutionProgress & progress) override {
        progress_ = &progress;
        params_.progress = &LoadModelWorker::OnLoadProgress;
        params_.progress_user_data = this;
        swaa_model * m = nullptr;
        swaa_status st = swaa_model_load(path_.c_str(), params_, &m);
        if (st != SWAA_OK) return Fail(st, swaa_last_error());
        handle_ = std::make_shared<ModelHandle>();
        handle_->model = m;
    }
    void OnProgress(const float * data, size_t count) override {
        if (progress_cb_.IsEmpty() || count == 0) return;
        Napi::Env env = Env();
        Napi::HandleScope scope(env);
        Napi::Value keep = progress_cb_.Call({Napi::Number::New(env, data[count - 1])});
        if (keep.IsBoolean() && !keep.As<Napi::Boolean>().Value()) aborted_.store(true);
    }
    void OnOK() override { deferred_.Resolve(ModelWrap::NewInstance(Env(), handle_)); }

private:
    static bool OnLoadProgress(float p, void * ud) {
        auto * self = static_cast<LoadModelWorker *>(ud);
        self->progress_->Send(&p, 1);
        return !self->aborted_.load();
    }
    std::string path_;
    swaa_model_params params_;
    std::string device_name_;
    Napi::FunctionReference progress_cb_;
    const ExecutionProgress * progress_ = nullptr;
    std::atomic<bool> aborted_{false};
    std::shared_ptr<ModelHandle> handle_;
};

class QuantizeWorker : public StatusWorker<Napi::AsyncWorker> {
public:
    QuantizeWorker(Napi::Env env, std::string in, std::string out, std::string type, int threads)
        : StatusWorker(env), in_(std::move(in)), out_(std::move(out)), type_(std::move(type)), threads_(threads) {}
    void Execute() override {
        swaa_status st = swaa_quantize_file(in_.c_str(), out_.c_str(), type_.c_str(), threads_);
        if (st != SWAA_OK) Fail(st, swaa_last_error());
    }
    void OnOK() override { deferred_.Resolve(Env().Undefined()); }
private:
    std::string in_, out_, type_;
    int threads_;
};

Napi::Value Version(const Napi::CallbackInfo & info) { return Napi::String::New(info.Env(), swaa_version()); }

Napi::Value LoadModel(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    if (!info[0].IsString()) throw Napi::TypeError::New(env, "path must be a string");
    swaa_model_params params = swaa_model_default_params();
    std::string device_name;
    if (info[1].IsObject()) {
        Napi::Object o = info[1].As<Napi::Object>();
        const std::string device = o.Get("device").IsString() ? o.Get("device").As<Napi::String>().Utf8Value() : "auto";
        if (device == "auto") params.device = SWAA_DEVICE_AUTO;
        else if (device == "cpu") params.device = SWAA_DEVICE_CPU;
        else if (device == "gpu") params.device = SWAA_DEVICE_GPU;
        else if (!device.empty() && device.size() < 64) device_name = device;  // a device name ("Vulkan0"); the runtime checks it
        else throw Napi::TypeError::New(env, "device must be 'auto', 'cpu', 'gpu' or a device name");
        if (o.Get("gpuLayers").IsNumber()) params.n_gpu_layers = o.Get("gpuLayers").As<Napi::Number>().Int32Value();
        if (o.Get("fitContext").IsNumber()) params.fit_n_ctx = o.Get("fitContext").As<Napi::Number>().Int32Value();
        if (o.Get("useMmap").IsBoolean()) params.use_mmap = o.Get("useMmap").As<Napi::Boolean>().Value();
        if (o.Get("cpuRepack").IsBoolean()) params.cpu_repack = o.Get("cpuRepack").As<Napi::Boolean>().Value();
    }
    Napi::Function cb = info[2].IsFunction() ? info[2].As<Napi::Function>() : Napi::Function();
    auto * w = new LoadModelWorker(env, info[0].As<Napi::String>().Utf8Value(), params, std::move(device_name), cb);
    Napi::Promise p = w->deferred_.Promise();
    w->Queue();
    return p;
}

Napi::Value QuantizeFile(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    if (!info[0].IsString() || !info[1].IsString() || !info[2].IsString()) {
        throw Napi::TypeError::New(env, "quantizeFile(inPath, outPath, type, threads)");
    }
    auto * w = new QuantizeWorker(env, info[0].As<Napi::String>(), info[1].As<Napi::String>(), info[2].As<Napi::String>(),
                                  info[3].IsNumber() ? info[3].As<Napi::Number>().Int32Value() : 0);
    Napi::Promise p = w->deferred_.Promise();
    w->Queue();
    return p;
}

// Devices the loaded backends offer, with their memory now (quick: no worker thread).
Napi::Value Devices(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    const int32_t n = swaa_device_count();
    Napi::Array out = Napi::Array::New(env);
    static const char * kTypes[] = {"cpu", "gpu", "igpu", "accel"};
    for (int32_t i = 0; i < n; i++) {
        swaa_device_info d;
        if (swaa_device_get(i, &d) != SWAA_OK) continue;
        Napi::Object o = Napi::Object::New(env);
        o.Set("name", d.name);
        o.Set("description", d.description);
        o.Set("backend", d.backend);
        o.Set("type", kTypes[(int) d.type < 4 ? (int) d.type : 3]);
        o.Set("memoryFree", (double) d.memory_free);
        o.Set("memoryTotal", (double) d.memory_total);
        out.Set(out.Length(), o);
    }
    return out;
}

// Backend libraries considered at start: loaded, or refused and why.
Napi::Value BackendLibraries(const Napi::CallbackInfo & info) {
    Napi::Env env = info.Env();
    Napi::Object out = Napi::Object::New(env);
    out.Set("folder", swaa_backends_folder());
    out.Set("error", swaa_backends_error());
    Napi::Array libs = Napi::Array::New(env);
    const int32_t n = swaa_backend_library_count();
    for (int32_t i = 0; i < n; i++) {
        swaa_backend_library b;
        if (swaa_backend_library_get(i, &b) != SWAA_OK) continue;
        Napi::Object o = Napi::Object::New(env);
        o.Set("file", b.file);
        o.Set("loaded", b.loaded);
        o.Set("message", b.message);
        libs.Set(libs.Length(), o);
    }
    out.Set("libraries", libs);
    return out;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
    exports.Set("version", Napi::Function::New(env, Version));
    exports.Set("devices", Napi::Function::New(env, Devices));
    exports.Set("backendLibraries", Napi::Function::New(env, BackendLibraries));
    exports.Set("loadModel", Napi::Function::New(env, LoadModel));
    exports.Set("quantizeFile", Napi::Function::New(env, QuantizeFile));
    ModelWrap::Init(env, exports);
    ContextWrap::Init(env, exports);
    return exports;
}

}  // namespace

NODE_API_MODULE(swaa, Init)
