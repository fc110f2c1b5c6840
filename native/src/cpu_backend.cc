// See cpu_backend.h.
#include "cpu_backend.h"

#include "backend_loader.h"

namespace swaa {

ggml_backend_dev_t cpu_device() { return ggml_backend_dev_by_type(GGML_BACKEND_DEVICE_TYPE_CPU); }

Status start_cpu_backend(int n_threads, ggml_backend_t & out) {
    out = nullptr;
    ggml_backend_dev_t dev = cpu_device();
    if (!dev) {
        const BackendLoadReport & r = load_backends();
        std::string why = r.fatal;
        for (const BackendLibrary & b : r.libraries) {
            if (b.file.find("ggml-cpu") != std::string::npos && why.empty()) why = b.file + " " + b.message;
        }
        return error(SWAA_ERR_BACKEND, "no CPU backend is loaded" + (why.empty() ? std::string(" (none found in ") + r.folder + ")" : ": " + why));
    }
    out = ggml_backend_dev_init(dev, nullptr);
    if (!out) return error(SWAA_ERR_BACKEND, "the CPU backend failed to start");
    set_cpu_threads(out, n_threads);
    return Status::ok();
}

void set_cpu_threads(ggml_backend_t cpu, int n_threads) {
    ggml_backend_dev_t dev = ggml_backend_get_device(cpu);
    ggml_backend_reg_t reg = dev ? ggml_backend_dev_backend_reg(dev) : nullptr;
    auto fn = reg ? (ggml_backend_set_n_threads_t) ggml_backend_reg_get_proc_address(reg, "ggml_backend_set_n_threads") : nullptr;
    if (fn) fn(cpu, n_threads);
}

}  // namespace swaa
