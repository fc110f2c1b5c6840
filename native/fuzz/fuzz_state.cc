// libFuzzer target "state": a saved document state through swaa_context_load_file into each kind of
// context the seeds were saved from, then used for a question. The harness recomputes the token
// hash and the checksum of a mutated input (when its layout allows), so mutations reach the checks
// of what the values mean instead of stopping at the checksum.
#include "fuzz_support.h"
#include "fuzz_targets.h"

#include "state_file.h"

#include <vector>

namespace {

void write_seeds(const std::string & dir) {
    swaa_model * model = fuzz_base_model();
    for (int kind = 0; kind < kFuzzContextKinds; kind++) {
        for (int n : {1, 5, 11, 30}) {
            swaa_context * ctx = nullptr;
            if (swaa_context_create(model, fuzz_context_params(kind), &ctx) != SWAA_OK) std::abort();
            std::vector<swaa_token> doc;
            for (int i = 0; i < n; i++) doc.push_back((swaa_token) ((i * 13 + 5) % swaa_vocab_n_tokens(model)));
            if (swaa_context_eval(ctx, doc.data(), n, SWAA_PHASE_DOCUMENT, false, nullptr, nullptr) != SWAA_OK) std::abort();
            swaa_context_checkpoint(ctx);
            const std::string path = dir + "/state-" + std::to_string(kind) + "-" + std::to_string(n) + ".swaastate";
            if (swaa_context_save_file(ctx, path.c_str()) != SWAA_OK) std::abort();
            swaa_context_free(ctx);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
    fuzz_init(write_seeds);
    fuzz_base_model();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t * data, size_t size) {
    fuzz_one_state(data, size);
    return 0;
}
