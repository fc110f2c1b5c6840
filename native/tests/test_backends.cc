// Backend libraries and offload: the loader's checks (manifest, fingerprint, ggml-base identity),
// what the running process loaded, the device listing, and the automatic layer fit.
#include "check.h"

#include "backend_loader.h"
#include "backend_manifest.h"
#include "offload_plan.h"
#include "swaa.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace fs = std::filesystem;

namespace {

void write_file(const fs::path & p, const std::string & bytes) {
    std::ofstream f(p, std::ios::binary);
    f << bytes;
}

// A scratch folder removed at scope exit.
struct TempDir {
    fs::path path;
    TempDir() {
        path = fs::temp_directory_path() / ("swaa-backends-" + std::to_string(std::rand()));
        fs::create_directories(path);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

}  // namespace

TEST_CASE("backends", "a library is refused unless the manifest lists it unchanged and built with the running ggml-base") {
    TempDir dir;
    write_file(dir.path / "libggml-foo.so", std::string(200000, 'a'));
    const std::string fp = swaa::library_fingerprint((dir.path / "libggml-foo.so").string());
    REQUIRE(fp.size() == 16);
    const std::string base = "0123456789abcdef";
    swaa::BackendManifest m;
    REQUIRE(swaa::parse_backend_manifest("# comment\nggml-base\t" + base + "\tv0.5.0\nlibggml-foo.so\t" + fp + "\t" + base + "\tpkg@v0.5.0\n", m).is_ok());
    CHECK(swaa::check_backend_library(m, dir.path.string(), "libggml-foo.so", base).empty());
    // Not listed.
    write_file(dir.path / "libggml-bar.so", "x");
    CHECK(swaa::check_backend_library(m, dir.path.string(), "libggml-bar.so", base).find("not listed") != std::string::npos);
    // Built with another ggml-base than the one this process runs.
    CHECK(swaa::check_backend_library(m, dir.path.string(), "libggml-foo.so", "fedcba9876543210").find("another ggml") != std::string::npos);
    // Changed after staging: one byte in the middle sample.
    std::string changed(200000, 'a');
    changed[100000] = 'b';
    write_file(dir.path / "libggml-foo.so", changed);
    CHECK(swaa::check_backend_library(m, dir.path.string(), "libggml-foo.so", base).find("changed since") != std::string::npos);
}

TEST_CASE("backends", "a damaged manifest is an error naming the line; one without ggml-base is refused") {
    swaa::BackendManifest m;
    swaa::Status st = swaa::parse_backend_manifest("ggml-base\t0123456789abcdef\tv1\nlibggml-x.so\tnot-hex\t0123456789abcdef\ts\n", m);
    CHECK(!st.is_ok() && st.message.find("line 2") != std::string::npos);
    CHECK(!swaa::parse_backend_manifest("libggml-x.so\t0123456789abcdef\t0123456789abcdef\ts\n", m).is_ok());
    CHECK(!swaa::parse_backend_manifest("ggml-base\t0123456789abcdef\tv1\n../evil.so\t0123456789abcdef\t0123456789abcdef\ts\n", m).is_ok());
}

TEST_CASE("backends", "the process loads one CPU variant from its own folder and lists the CPU device") {
    REQUIRE(swaa_device_count() >= 1);
    bool cpu = false;
    for (int32_t i = 0; i < swaa_device_count(); i++) {
        swaa_device_info d;
        REQUIRE(swaa_device_get(i, &d) == SWAA_OK);
        if (d.type == SWAA_DEVICE_TYPE_CPU) cpu = std::string(d.name) == "CPU" && d.memory_total > 0;
    }
    CHECK(cpu);
    swaa_device_info d;
    CHECK(swaa_device_get(swaa_device_count(), &d) == SWAA_ERR_INVALID_ARGUMENT);
#if defined(SWAA_BACKEND_DL)
    CHECK(std::string(swaa_backends_error()).empty());
    CHECK(!std::string(swaa_backends_folder()).empty());
    int cpu_loaded = 0;
    for (int32_t i = 0; i < swaa_backend_library_count(); i++) {
        swaa_backend_library b;
        REQUIRE(swaa_backend_library_get(i, &b) == SWAA_OK);
        if (std::string(b.file).find("ggml-cpu") != std::string::npos && b.loaded) cpu_loaded++;
        CHECK_MSG(b.message[0] != 0, b.file);  // every library says what happened to it
    }
    CHECK(cpu_loaded == 1);
#endif
}

TEST_CASE("backends", "a device name that does not exist is refused, naming the devices there are") {
    swaa_model_params p = swaa_model_default_params();
    p.device_name = "NoSuchGPU7";
    ggml_backend_dev_t dev = nullptr;
    swaa::Status st = swaa::choose_device(p, dev);
    CHECK(st.code == SWAA_ERR_BACKEND && st.message.find("CPU") != std::string::npos);
    p.device_name = "CPU";
    CHECK(swaa::choose_device(p, dev).is_ok() && dev == nullptr);
}

TEST_CASE("offload", "the automatic fit takes the most last layers that fit; a request is clamped") {
    swaa::OffloadNeeds n;
    n.layer_bytes = {100, 100, 100, 100};
    n.output_bytes = 50;
    n.compute_bytes = 30;
    n.margin_bytes = 20;
    CHECK(swaa::fit_device_layers(n, 1000, -1) == 4);
    CHECK(swaa::fit_device_layers(n, 100 + 250, -1) == 2);  // 100 fixed + two layers
    CHECK(swaa::fit_device_layers(n, 99, -1) == 0);         // not even the output fits
    CHECK(swaa::fit_device_layers(n, 0, 3) == 3);           // asked for: not fitted
    CHECK(swaa::fit_device_layers(n, 0, 9) == 4);
    CHECK(swaa::tensor_on_device("blk.3.attn_q.weight", 2, 4));
    CHECK(!swaa::tensor_on_device("blk.1.attn_q.weight", 2, 4));
    CHECK(!swaa::tensor_on_device("token_embd.weight", 0, 4));
    CHECK(swaa::tensor_on_device("output.weight", 3, 4));
    CHECK(!swaa::tensor_on_device("output.weight", 4, 4));
}
