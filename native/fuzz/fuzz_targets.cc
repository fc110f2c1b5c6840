// The body of each fuzz target: one input, used as the app would use it. Shared by the libFuzzer
// entry points (fuzz_<target>.cc) and the native test that replays the regression corpus.
#include "fuzz_targets.h"

#include "fuzz_support.h"
#include "fnv1a.h"
#include "state_file.h"

#include <cstdlib>
#include <string>
#include <unordered_set>

void fuzz_one_model(const uint8_t * data, size_t size) {
    const std::string & path = fuzz_input_file(data, size, "model.gguf");
    swaa_model_params mp = swaa_model_default_params();
    mp.device = SWAA_DEVICE_CPU;
    swaa_model * model = nullptr;
    if (swaa_model_load(path.c_str(), mp, &model) != SWAA_OK) return;

    const char text[] = "Hello \xE2\x9C\x93 world <s>\n\x01\xFF";  // ends in bytes no piece covers
    swaa_token tokens[64];
    const int32_t n = swaa_tokenize(model, text, (int32_t) sizeof(text) - 1, tokens, 64, true, true);
    char buf[128];
    for (int32_t i = 0; i < n && i < 64; i++) swaa_token_to_piece(model, tokens[i], buf, sizeof(buf), true);
    if (n > 0) swaa_detokenize(model, tokens, n < 64 ? n : 64, buf, sizeof(buf), true);

    // The graph depends on the metadata and tensor table, not on the weights' values: a header
    // already evaluated is not evaluated again (a context costs ~100 ms under ASan, a load ~1 ms).
    swaa_model_info info;
    swaa_model_get_info(model, &info);
    const size_t header = info.weight_bytes < size ? size - info.weight_bytes : size;
    static std::unordered_set<uint64_t> evaluated;
    if (!evaluated.insert(swaa::fnv1a(swaa::kFnv1aSeed, data, header)).second) {
        swaa_model_free(model);
        return;
    }
    for (int kind = 0; kind < kFuzzContextKinds; kind++) {
        swaa_context * ctx = nullptr;
        if (swaa_context_create(model, fuzz_context_params(kind), &ctx) != SWAA_OK) continue;
        fuzz_use_context(ctx, model, true);
        swaa_context_free(ctx);
    }
    swaa_model_free(model);
}

void fuzz_one_state(const uint8_t * data, size_t size) {
    std::string bytes(reinterpret_cast<const char *>(data), size);
    swaa::reseal_state_bytes(bytes);
    const std::string & path = fuzz_input_file(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size(), "state");
    swaa_model * model = fuzz_base_model();
    for (int kind = 0; kind < kFuzzContextKinds; kind++) {
        static swaa_context * contexts[kFuzzContextKinds] = {};
        swaa_context *& ctx = contexts[kind];
        if (!ctx && swaa_context_create(model, fuzz_context_params(kind), &ctx) != SWAA_OK) std::abort();
        swaa_context_clear(ctx);
        if (swaa_context_load_file(ctx, path.c_str()) == SWAA_OK) fuzz_use_context(ctx, model, false);
    }
}

void fuzz_one_lora(const uint8_t * data, size_t size) {
    const std::string & path = fuzz_input_file(data, size, "lora.gguf");
    swaa_model * model = fuzz_base_model();
    swaa_adapter * adapter = nullptr;
    if (swaa_adapter_load(model, path.c_str(), &adapter) != SWAA_OK) return;
    // One context for every adapter (creating one costs far more than the adapter load).
    static swaa_context * ctx = nullptr;
    if (!ctx && swaa_context_create(model, fuzz_context_params(1), &ctx) != SWAA_OK) std::abort();
    swaa_context_clear(ctx);
    if (swaa_context_set_adapter(ctx, adapter, 1.0f) == SWAA_OK) fuzz_use_context(ctx, model, true);
    swaa_context_clear(ctx);
    swaa_context_set_adapter(ctx, nullptr, 1.0f);
    swaa_adapter_free(adapter);
}
