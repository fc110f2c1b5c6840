// Shared harness pieces (see fuzz_support.h).
#include "fuzz_support.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

namespace {
void quiet_log(int, const char *, void *) {}
}  // namespace

void fuzz_init(void (*write_seeds)(const std::string & dir)) {
    swaa_log_set(quiet_log, nullptr);
    if (const char * dir = std::getenv("SWAA_FUZZ_WRITE_SEEDS")) {
        write_seeds(dir);
        std::exit(0);
    }
}

const std::string & fuzz_input_file(const uint8_t * data, size_t size, const char * name) {
    // /dev/shm keeps the per-input write off the disk where it exists (Linux).
    static const bool shm = std::filesystem::is_directory("/dev/shm");
    static std::string path;
    path = shm ? "/dev/shm/" + std::filesystem::path(temp_path(std::string("fuzz-") + name)).filename().string()
               : temp_path(std::string("fuzz-") + name);
    FILE * f = std::fopen(path.c_str(), "wb");
    if (!f) std::abort();
    if (size) std::fwrite(data, 1, size, f);
    std::fclose(f);
    return path;
}

const TinySpec & fuzz_base_spec() {
    static const TinySpec spec = [] {
        TinySpec s;
        s.arch = "qwen3";
        s.n_vocab = 288;
        s.n_embd = 32;
        s.n_layer = 2;
        s.n_head = 2;
        s.n_head_kv = 1;
        s.head_dim = 16;
        s.n_ff = 64;
        s.tokenizer = "llama";
        return s;
    }();
    return spec;
}

swaa_model * fuzz_base_model() {
    static swaa_model * model = [] {
        const std::string path = temp_path("fuzz-base.gguf");
        if (!write_tiny_model(fuzz_base_spec(), path)) std::abort();
        swaa_model_params p = swaa_model_default_params();
        p.device = SWAA_DEVICE_CPU;
        swaa_model * m = nullptr;
        if (swaa_model_load(path.c_str(), p, &m) != SWAA_OK) {
            std::fprintf(stderr, "fuzz base model: %s\n", swaa_last_error());
            std::abort();
        }
        return m;
    }();
    return model;
}

swaa_context_params fuzz_context_params(int which) {
    swaa_context_params p = swaa_context_default_params();
    p.n_ctx = 48;
    p.n_chunk = 4;
    p.n_threads = 1;
    p.kv_type = SWAA_KV_F16;
    p.recipe = swaa_recipe_default();
    if (which == 1) {
        p.recipe.window = 6;
        p.recipe.n_sinks = 2;
    }
    return p;
}

void fuzz_use_context(swaa_context * ctx, swaa_model * model, bool fresh) {
    const int32_t n_vocab = swaa_vocab_n_tokens(model) > 0 ? swaa_vocab_n_tokens(model) : 1;
    std::vector<swaa_token> prompt;
    for (int i = 0; i < 9; i++) prompt.push_back((swaa_token) ((i * 7 + 3) % n_vocab));
    swaa_context_eval(ctx, prompt.data(), (int32_t) prompt.size(), fresh ? SWAA_PHASE_DOCUMENT : SWAA_PHASE_QUESTION,
                      false, nullptr, nullptr);
    swaa_sampler * sampler = nullptr;
    if (swaa_sampler_create(model, swaa_sampler_default_params(), &sampler) == SWAA_OK) {
        swaa_stop_reason reason;
        int32_t n = 0;
        swaa_context_generate(ctx, sampler, 2, nullptr, nullptr, &reason, &n);
        swaa_sampler_free(sampler);
    }
    // Rewinding to the checkpoint (a restored document's end) is what the app does after each answer.
    swaa_context_rewind(ctx);
}

void fuzz_write_file(const std::string & path, const std::string & bytes) {
    std::ofstream(path, std::ios::binary).write(bytes.data(), (std::streamsize) bytes.size());
}

std::string fuzz_read_file(const std::string & path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}
