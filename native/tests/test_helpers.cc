#include "test_helpers.h"

#include <map>
#include <random>

std::string tiny_model_path(const TinySpec & spec, const std::string & key) {
    static std::map<std::string, std::string> cache;
    auto it = cache.find(key);
    if (it != cache.end()) return it->second;
    const std::string path = temp_path(key + ".gguf");
    if (!write_tiny_model(spec, path)) return "";
    cache[key] = path;
    return path;
}

swaa_status load_status(const std::string & path) {
    swaa_model_params p = swaa_model_default_params();
    p.device = SWAA_DEVICE_CPU;
    swaa_model * m = nullptr;
    const swaa_status st = swaa_model_load(path.c_str(), p, &m);
    if (m) swaa_model_free(m);
    return st;
}

ModelPtr load_model(const std::string & path) {
    swaa_model_params p = swaa_model_default_params();
    p.device = SWAA_DEVICE_CPU;
    swaa_model * m = nullptr;
    if (swaa_model_load(path.c_str(), p, &m) != SWAA_OK) {
        fprintf(stderr, "    load %s failed: %s\n", path.c_str(), swaa_last_error());
        return nullptr;
    }
    return ModelPtr(m);
}

ContextPtr make_context(swaa_model * model, const swaa_recipe & recipe, int n_ctx, int n_chunk, swaa_kv_type kv) {
    swaa_context_params cp = swaa_context_default_params();
    cp.n_ctx = n_ctx;
    cp.n_chunk = n_chunk;
    cp.n_threads = 2;
    cp.kv_type = kv;
    cp.recipe = recipe;
    swaa_context * c = nullptr;
    if (swaa_context_create(model, cp, &c) != SWAA_OK) {
        fprintf(stderr, "    context failed: %s\n", swaa_last_error());
        return nullptr;
    }
    return ContextPtr(c);
}

swaa_recipe recipe_full() { return swaa_recipe_default(); }

swaa_recipe recipe_swa(int window, int sinks, swaa_fa_layers_pattern pattern, bool fa_decode, bool question_fa) {
    swaa_recipe r = swaa_recipe_default();
    r.window = window;
    r.n_sinks = sinks;
    r.fa_pattern = pattern;
    r.fa_decode = fa_decode;
    r.question_fa = question_fa;
    return r;
}

std::vector<int> make_tokens(int n, int n_vocab, uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> d(0, n_vocab - 1);
    std::vector<int> t(n);
    for (int & x : t) x = d(rng);
    return t;
}
