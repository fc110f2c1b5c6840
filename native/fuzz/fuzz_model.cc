// libFuzzer target "model": a GGUF file through swaa_model_load; when it loads, the model is used
// as the app would (tokenize, a context, an eval, a generated token, pieces and detokenize), since
// values the graph relies on fail at the first evaluation, not at load.
#include "fuzz_support.h"
#include "fuzz_targets.h"

#include <cstring>
#include <vector>

namespace {

void write_seeds(const std::string & dir) {
    for (const char * arch : {"qwen3", "qwen2", "llama"}) {
        for (const char * tok : {"no_vocab", "llama", "gpt2"}) {
            TinySpec s;
            s.arch = arch;
            s.tokenizer = tok;
            s.n_vocab = 272;
            s.n_embd = 32;  // Q8_0 rows need whole 32-value blocks
            s.n_layer = 1;
            s.n_head = 2;
            s.n_head_kv = 1;
            s.head_dim = 16;
            s.n_ff = 32;
            s.weight_type = std::strcmp(arch, "llama") == 0 ? GGML_TYPE_Q8_0 : GGML_TYPE_F16;
            s.tied = std::strcmp(arch, "qwen2") != 0;
            const std::string name = std::string(arch) + "-" + tok + ".gguf";
            write_tiny_model(s, dir + "/" + name);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
    fuzz_init(write_seeds);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t * data, size_t size) {
    fuzz_one_model(data, size);
    return 0;
}
