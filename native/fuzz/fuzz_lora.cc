// libFuzzer target "lora": a LoRA adapter through swaa_adapter_load against the base model; when it
// loads, it is attached to a windowed context and used on a prompt longer than the window (where
// SWAA applies it).
#include "fuzz_support.h"
#include "fuzz_targets.h"

#include <vector>

namespace {

void write_seeds(const std::string & dir) {
    const TinySpec & s = fuzz_base_spec();
    write_tiny_lora(s, dir + "/lora-q-v.gguf", {"blk.0.attn_q.weight", "blk.1.attn_v.weight"}, 4, 8.0f, 1);
    write_tiny_lora(s, dir + "/lora-ffn.gguf", {"blk.0.ffn_up.weight", "blk.1.ffn_down.weight", "blk.0.attn_output.weight"}, 2, 0.0f, 2);
    write_tiny_lora(s, dir + "/lora-k-gate.gguf", {"blk.1.attn_k.weight", "blk.0.ffn_gate.weight"}, 1, 1.0f, 3);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
    fuzz_init(write_seeds);
    fuzz_base_model();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t * data, size_t size) {
    fuzz_one_lora(data, size);
    return 0;
}
