// LoRA adapters: llama.cpp's adapter format loads, is checked against its base model, and — as in
// SWAA — applies only to prompts longer than the window, where it equals running the merged weights.
#include "check.h"
#include "test_helpers.h"

#include <algorithm>
#include <cmath>

namespace {

const std::vector<std::string> kTargets = {"blk.0.attn_q.weight", "blk.1.attn_v.weight", "blk.2.ffn_up.weight",
                                           "blk.3.attn_output.weight"};
constexpr int kRank = 4;
constexpr float kAlpha = 8.0f;
constexpr float kScale = 0.75f;
constexpr uint32_t kSeed = 42;

TinySpec base_spec() {
    TinySpec s;
    s.seed = 77;
    return s;
}

// The base model with W + scale * alpha / r * B A merged into the adapted weights.
TinySpec merged_spec() {
    TinySpec s = base_spec();
    s.transform = [](const std::string & name, std::vector<float> & w, const std::vector<int64_t> & shape) {
        if (std::find(kTargets.begin(), kTargets.end(), name) == kTargets.end()) return;
        const int64_t in = shape[0], out = shape[1];
        std::vector<float> a, b;
        lora_factors(name, in, out, kRank, kSeed, a, b);
        const float s = kScale * kAlpha / kRank;
        for (int64_t o = 0; o < out; o++) {
            for (int64_t i = 0; i < in; i++) {
                double acc = 0;
                for (int r = 0; r < kRank; r++) acc += (double) b[o * kRank + r] * a[r * in + i];
                w[o * in + i] += (float) (s * acc);
            }
        }
    };
    return s;
}

std::vector<float> last_logits(swaa_context * ctx) {
    const float * l = swaa_context_logits(ctx, -1);
    return std::vector<float>(l, l + 256);
}

double max_diff(const std::vector<float> & a, const std::vector<float> & b) {
    double d = 0;
    for (size_t i = 0; i < a.size(); i++) d = std::max(d, (double) std::fabs(a[i] - b[i]));
    return d;
}

}  // namespace

TEST_CASE("lora", "an adapter applies to prompts longer than the window and equals the merged weights") {
    ModelPtr base = load_model(tiny_model_path(base_spec(), "lora-base"));
    ModelPtr merged = load_model(tiny_model_path(merged_spec(), "lora-merged"));
    REQUIRE(base && merged);
    const std::string lora_path = temp_path("adapter.gguf");
    REQUIRE(write_tiny_lora(base_spec(), lora_path, kTargets, kRank, kAlpha, kSeed));
    swaa_adapter * adapter = nullptr;
    REQUIRE(swaa_adapter_load(base.get(), lora_path.c_str(), &adapter) == SWAA_OK);
    const swaa_recipe recipe = recipe_swa(16, 2);
    const std::vector<int> long_prompt = make_tokens(60, 256, 5), short_prompt = make_tokens(12, 256, 6);

    // Long prompt: adapter active, equal to the merged model.
    ContextPtr with = make_context(base.get(), recipe, 128, 8);
    REQUIRE(swaa_context_set_adapter(with.get(), adapter, kScale) == SWAA_OK);
    REQUIRE(swaa_context_eval(with.get(), long_prompt.data(), 60, SWAA_PHASE_DOCUMENT, false, nullptr, nullptr) == SWAA_OK);
    CHECK(swaa_context_adapter_active(with.get()));
    ContextPtr ref = make_context(merged.get(), recipe, 128, 8);
    REQUIRE(swaa_context_eval(ref.get(), long_prompt.data(), 60, SWAA_PHASE_DOCUMENT, false, nullptr, nullptr) == SWAA_OK);
    const double d = max_diff(last_logits(with.get()), last_logits(ref.get()));
    CHECK_MSG(d < 1e-3, "adapter vs merged: " + std::to_string(d));
    ContextPtr plain = make_context(base.get(), recipe, 128, 8);
    REQUIRE(swaa_context_eval(plain.get(), long_prompt.data(), 60, SWAA_PHASE_DOCUMENT, false, nullptr, nullptr) == SWAA_OK);
    CHECK_MSG(max_diff(last_logits(with.get()), last_logits(plain.get())) > 1e-2, "the adapter changed nothing");

    // Short prompt (within the window): base weights, bit for bit.
    ContextPtr short_with = make_context(base.get(), recipe, 128, 8);
    REQUIRE(swaa_context_set_adapter(short_with.get(), adapter, kScale) == SWAA_OK);
    REQUIRE(swaa_context_eval(short_with.get(), short_prompt.data(), 12, SWAA_PHASE_DOCUMENT, false, nullptr, nullptr) == SWAA_OK);
    CHECK(!swaa_context_adapter_active(short_with.get()));
    ContextPtr short_plain = make_context(base.get(), recipe, 128, 8);
    REQUIRE(swaa_context_eval(short_plain.get(), short_prompt.data(), 12, SWAA_PHASE_DOCUMENT, false, nullptr, nullptr) == SWAA_OK);
    CHECK(last_logits(short_with.get()) == last_logits(short_plain.get()));

    // Attaching after the sequence started is refused.
    CHECK(swaa_context_set_adapter(short_with.get(), adapter, kScale) == SWAA_ERR_PHASE);
    with.reset(); short_with.reset();
    swaa_adapter_free(adapter);
    remove(lora_path.c_str());
}

TEST_CASE("lora", "an adapter for another model shape or a non-adapter file is refused") {
    ModelPtr base = load_model(tiny_model_path(base_spec(), "lora-base"));
    REQUIRE(base);
    TinySpec wider = base_spec();
    wider.n_ff = 192;
    const std::string path = temp_path("wrong-adapter.gguf");
    REQUIRE(write_tiny_lora(wider, path, {"blk.2.ffn_up.weight"}, kRank, kAlpha, kSeed));
    swaa_adapter * adapter = nullptr;
    CHECK(swaa_adapter_load(base.get(), path.c_str(), &adapter) == SWAA_ERR_SHAPE_MISMATCH);
    CHECK(swaa_adapter_load(base.get(), tiny_model_path(base_spec(), "lora-base").c_str(), &adapter) == SWAA_ERR_BAD_METADATA);
    CHECK(adapter == nullptr);
    remove(path.c_str());
}
