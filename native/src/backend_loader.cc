// See backend_loader.h. CPU variants (libggml-cpu-<isa>): every one is opened and asked for its score
// on this CPU, and only the best is registered, as ggml's own loader does. GPU backends are
// registered when they open and initialise; one that cannot (no driver, no device) is reported, and
// the runtime goes on with the rest.
#include "backend_loader.h"

#include "status.h"

#include "ggml-backend-impl.h"  // GGML_BACKEND_API_VERSION, ggml_backend_reg::api_version
#include "ggml-backend.h"
#include "ggml.h"

#include <algorithm>
#include <filesystem>
#include <mutex>

#if defined(SWAA_BACKEND_DL)
#ifdef _WIN32
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#else
#include <dlfcn.h>
#endif
#endif

namespace fs = std::filesystem;

namespace swaa {

std::string check_backend_library(const BackendManifest & manifest, const std::string & folder, const std::string & file,
                                  const std::string & running_base) {
    const ManifestEntry * e = manifest.find(file);
    if (!e) return "not listed in the backends manifest: not part of this build";
    const std::string fp = library_fingerprint((fs::path(folder) / file).string());
    if (fp.empty()) return "cannot be read";
    if (fp != e->fingerprint) return "changed since the build staged it (fingerprint " + fp + ", expected " + e->fingerprint + ")";
    if (e->built_with != running_base) {
        return "built with another ggml (ggml-base " + e->built_with + "; this runtime runs ggml-base " + running_base +
               "): rebuild with npm run build:native";
    }
    return "";
}

#if defined(SWAA_BACKEND_DL)
namespace {

#ifdef _WIN32
using LibHandle = HMODULE;
LibHandle lib_open(const std::string & path) { return LoadLibraryA(path.c_str()); }
void * lib_sym(LibHandle h, const char * name) { return (void *) GetProcAddress(h, name); }
void lib_close(LibHandle h) { FreeLibrary(h); }
std::string lib_error() { return "error " + std::to_string(GetLastError()); }
std::string ggml_base_path() {
    HMODULE h = nullptr;
    GetModuleHandleExA(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                       (LPCSTR) (void *) &ggml_version, &h);
    char buf[4096];
    const DWORD n = h ? GetModuleFileNameA(h, buf, sizeof(buf)) : 0;
    return std::string(buf, n);
}
#else
using LibHandle = void *;
// RTLD_NOW: a library needing a ggml symbol this ggml-base lacks fails here, not mid-computation.
// RTLD_LOCAL: backends share nothing but the ggml-base they link.
LibHandle lib_open(const std::string & path) { return dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL); }
void * lib_sym(LibHandle h, const char * name) { return dlsym(h, name); }
void lib_close(LibHandle h) { dlclose(h); }
std::string lib_error() {
    const char * e = dlerror();
    return e ? e : "unknown error";
}
std::string ggml_base_path() {
    Dl_info info{};
    if (!dladdr((void *) &ggml_version, &info) || !info.dli_fname) return "";
    return info.dli_fname;
}
#endif

// Turns a loader error into what a person can act on.
std::string explain_open_failure(const std::string & file, const std::string & why) {
    if (file.find("cuda") != std::string::npos) {
#ifndef _WIN32
        // The loader names only the first missing library; the driver is what most machines lack.
        if (void * drv = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL)) {
            dlclose(drv);
        } else {
            return "CUDA not available: no NVIDIA driver on this machine (libcuda.so.1 not found)";
        }
#endif
        if (why.find("libcuda.so") != std::string::npos || why.find("nvcuda") != std::string::npos) {
            return "CUDA not available: no NVIDIA driver on this machine (" + why + ")";
        }
        if (why.find("libcudart") != std::string::npos || why.find("libcublas") != std::string::npos) {
            return "CUDA not available: the CUDA 13 runtime (cudart, cuBLAS) is not installed (" + why + ")";
        }
    }
    if (file.find("vulkan") != std::string::npos && why.find("libvulkan") != std::string::npos) {
        return "Vulkan not available: no Vulkan loader installed (libvulkan) (" + why + ")";
    }
    return "could not be opened: " + why;
}

bool is_backend_file(const std::string & name) {
    // libggml-<backend>.so / ggml-<backend>.dll; the core (ggml-base) and the registry (libggml.*) are linked, not loaded.
    const std::string stem = name.rfind("lib", 0) == 0 ? name.substr(3) : name;
    if (stem.rfind("ggml-", 0) != 0 || stem.rfind("ggml-base", 0) == 0) return false;
    return name.size() > 3 && (name.find(".so") != std::string::npos || name.find(".dll") != std::string::npos ||
                               name.find(".dylib") != std::string::npos);
}

class Loader {
public:
    BackendLoadReport report;

    void run() {
        const std::string base = ggml_base_path();
        if (base.empty()) {
            report.fatal = "cannot tell where libggml-base was loaded from";
            return;
        }
        report.folder = fs::path(base).parent_path().string();
        if (std::string(ggml_version()) != SWAA_GGML_VERSION) {
            report.fatal = "the ggml library at " + base + " is version " + ggml_version() +
                           " but this runtime was built against ggml " SWAA_GGML_VERSION ": rebuild with npm run build:native";
            return;
        }
        BackendManifest manifest;
        Status st = read_backend_manifest((fs::path(report.folder) / "manifest.tsv").string(), manifest);
        if (!st.is_ok()) {
            report.fatal = st.message;
            return;
        }
        const std::string running_base = library_fingerprint(base);
        if (running_base != manifest.ggml_base) {
            report.fatal = "the libggml-base this process runs (" + base + ", " + running_base +
                           ") is not the one the backends were staged with (" + manifest.ggml_base + ")";
            return;
        }
        std::vector<std::string> files;
        std::error_code ec;
        for (const auto & e : fs::directory_iterator(report.folder, ec)) {
            const std::string name = e.path().filename().string();
            if (e.is_regular_file(ec) && is_backend_file(name)) files.push_back(name);
        }
        std::sort(files.begin(), files.end());
        // GPU backends first: ggml lists devices in registration order and "auto" takes the first GPU.
        std::vector<std::string> cpu_variants;
        for (const std::string & f : files) {
            const std::string why = check_backend_library(manifest, report.folder, f, running_base);
            if (!why.empty()) {
                report.libraries.push_back({f, false, why});
                continue;
            }
            if (f.find("ggml-cpu") != std::string::npos) {
                cpu_variants.push_back(f);
                continue;
            }
            load_one(f);
        }
        load_best_cpu(cpu_variants);
    }

private:
    std::string path_of(const std::string & f) const { return (fs::path(report.folder) / f).string(); }

    // Registers an opened library's backend; the handle stays open for the life of the process.
    bool register_opened(const std::string & f, LibHandle h) {
        auto init = (ggml_backend_init_t) lib_sym(h, "ggml_backend_init");
        if (!init) {
            report.libraries.push_back({f, false, "is not a ggml backend (no ggml_backend_init)"});
            lib_close(h);
            return false;
        }
        ggml_backend_reg_t reg = init();
        if (!reg) {
            report.libraries.push_back({f, false, "failed to initialise"});
            return false;
        }
        if (reg->api_version != GGML_BACKEND_API_VERSION) {
            report.libraries.push_back({f, false, "speaks ggml backend API " + std::to_string(reg->api_version) + ", this runtime " +
                                                      std::to_string(GGML_BACKEND_API_VERSION)});
            return false;
        }
        ggml_backend_register(reg);
        const size_t n = ggml_backend_reg_dev_count(reg);
        std::string msg = std::string(ggml_backend_reg_name(reg)) + ": " + std::to_string(n) + (n == 1 ? " device" : " devices");
        if (n == 0 && f.find("vulkan") != std::string::npos) {
            msg += " (ggml hides CPU-type Vulkan devices such as llvmpipe unless GGML_VK_VISIBLE_DEVICES names them)";
        }
        if (n == 0 && f.find("cuda") != std::string::npos) msg += " (no NVIDIA GPU found)";
        report.libraries.push_back({f, true, msg});
        return true;
    }

    void load_one(const std::string & f) {
        LibHandle h = lib_open(path_of(f));
        if (!h) {
            report.libraries.push_back({f, false, explain_open_failure(f, lib_error())});
            return;
        }
        register_opened(f, h);
    }

    void load_best_cpu(const std::vector<std::string> & variants) {
        std::string best;
        int best_score = 0;
        LibHandle best_h = nullptr;
        for (const std::string & f : variants) {
            LibHandle h = lib_open(path_of(f));
            if (!h) {
                report.libraries.push_back({f, false, explain_open_failure(f, lib_error())});
                continue;
            }
            auto score_fn = (ggml_backend_score_t) lib_sym(h, "ggml_backend_score");
            const int score = score_fn ? score_fn() : 1;
            if (score > best_score) {
                if (best_h) {
                    lib_close(best_h);
                    report.libraries.push_back({best, false, "a better CPU variant was found"});
                }
                best = f;
                best_score = score;
                best_h = h;
            } else {
                lib_close(h);
                report.libraries.push_back({f, false, score == 0 ? "not supported by this CPU" : "a better CPU variant was found"});
            }
        }
        if (best_h) register_opened(best, best_h);
    }
};

}  // namespace

const BackendLoadReport & load_backends() {
    static BackendLoadReport report;
    static std::once_flag once;
    std::call_once(once, [] {
        Loader l;
        l.run();
        report = std::move(l.report);
        if (!report.fatal.empty()) log(3, "backends: %s", report.fatal.c_str());
        for (const BackendLibrary & b : report.libraries) log(1, "backends: %s %s: %s", b.file.c_str(), b.loaded ? "loaded" : "skipped", b.message.c_str());
    });
    return report;
}

#else  // ggml compiled in: its backends registered themselves.

const BackendLoadReport & load_backends() {
    static BackendLoadReport report;
    return report;
}

#endif

}  // namespace swaa
