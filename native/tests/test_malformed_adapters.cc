// Malformed LoRA adapters: wrong type, higher dimensions, a rank that does not match or fit, a bad
// alpha or file type each give their specific error; a good adapter still loads and applies after.
#include "check.h"
#include "test_helpers.h"

#include "gguf.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

namespace {

TinySpec base_spec() {
    TinySpec s;
    s.n_layer = 2;
    return s;  // n_embd 64: blk.0.attn_q.weight is [64, 64]
}

struct Factor {
    std::array<int64_t, 4> ne;
    ggml_type type = GGML_TYPE_F32;
};

// Writes an adapter with one pair for blk.0.attn_q.weight.
bool write_adapter(const std::string & path, const Factor & a, const Factor & b, float alpha = 8.0f,
                   const char * general_type = "adapter") {
    gguf_context * g = gguf_init_empty();
    gguf_set_val_str(g, "general.architecture", "qwen3");
    gguf_set_val_str(g, "general.type", general_type);
    gguf_set_val_str(g, "adapter.type", "lora");
    gguf_set_val_f32(g, "adapter.lora.alpha", alpha);
    ggml_init_params ip{};
    ip.mem_size = ggml_tensor_overhead() * 4;
    ip.no_alloc = true;
    ggml_context * ctx = ggml_init(ip);
    std::vector<std::vector<uint8_t>> data;
    int k = 0;
    for (const Factor * f : {&a, &b}) {
        ggml_tensor * t = ggml_new_tensor(ctx, f->type, 4, f->ne.data());
        ggml_set_name(t, k++ == 0 ? "blk.0.attn_q.weight.lora_a" : "blk.0.attn_q.weight.lora_b");
        data.emplace_back(std::max<size_t>(ggml_nbytes(t), 1), 0);  // gguf wants data even for an empty tensor
        if (f->type == GGML_TYPE_F32) {
            float * x = reinterpret_cast<float *>(data.back().data());
            for (size_t i = 0; i < ggml_nbytes(t) / 4; i++) x[i] = 0.01f * (float) (i % 7);
        }
        gguf_add_tensor(g, t);
        gguf_set_tensor_data(g, t->name, data.back().data());
    }
    const bool ok = gguf_write_to_file(g, path.c_str(), false);
    gguf_free(g);
    ggml_free(ctx);
    return ok;
}

swaa_status load_adapter(swaa_model * m, const Factor & a, const Factor & b, float alpha = 8.0f, const char * general_type = "adapter") {
    const std::string path = temp_path("adapter-crafted.gguf");
    if (!write_adapter(path, a, b, alpha, general_type)) return SWAA_ERR_IO;
    swaa_adapter * ad = nullptr;
    const swaa_status st = swaa_adapter_load(m, path.c_str(), &ad);
    if (ad) swaa_adapter_free(ad);
    remove(path.c_str());
    return st;
}

}  // namespace

TEST_CASE("malformed-adapters", "each malformed pair gives its error and a good adapter still applies") {
    ModelPtr m = load_model(tiny_model_path(base_spec(), "adapters-model"));
    REQUIRE(m);
    const Factor a{{64, 4, 1, 1}}, b{{4, 64, 1, 1}};
    CHECK(load_adapter(m.get(), a, b) == SWAA_OK);
    CHECK(load_adapter(m.get(), Factor{{64, 4, 2, 1}}, b) == SWAA_ERR_SHAPE_MISMATCH);        // 3-D A
    CHECK(std::strstr(swaa_last_error(), "not a matrix") != nullptr);
    CHECK(load_adapter(m.get(), a, Factor{{4, 64, 1, 3}}) == SWAA_ERR_SHAPE_MISMATCH);        // 4-D B
    CHECK(load_adapter(m.get(), Factor{{64, 4, 1, 1}, GGML_TYPE_I32}, b) == SWAA_ERR_UNSUPPORTED_TYPE);
    CHECK(load_adapter(m.get(), a, Factor{{4, 64, 1, 1}, GGML_TYPE_F64}) == SWAA_ERR_UNSUPPORTED_TYPE);
    CHECK(load_adapter(m.get(), a, Factor{{3, 64, 1, 1}}) == SWAA_ERR_SHAPE_MISMATCH);        // ranks differ
    CHECK(load_adapter(m.get(), Factor{{32, 4, 1, 1}}, b) == SWAA_ERR_SHAPE_MISMATCH);        // input size
    CHECK(load_adapter(m.get(), a, Factor{{4, 65, 1, 1}}) == SWAA_ERR_SHAPE_MISMATCH);        // output size
    CHECK(load_adapter(m.get(), Factor{{64, 65, 1, 1}}, Factor{{65, 64, 1, 1}}) == SWAA_ERR_SHAPE_MISMATCH);  // rank > 64
    CHECK(std::strstr(swaa_last_error(), "rank 65") != nullptr);
    CHECK(load_adapter(m.get(), Factor{{64, 0, 1, 1}}, Factor{{0, 64, 1, 1}}) != SWAA_OK);   // rank 0
    CHECK(load_adapter(m.get(), a, b, std::numeric_limits<float>::quiet_NaN()) == SWAA_ERR_BAD_METADATA);
    CHECK(load_adapter(m.get(), a, b, std::numeric_limits<float>::infinity()) == SWAA_ERR_BAD_METADATA);
    CHECK(load_adapter(m.get(), a, b, 8.0f, "model") == SWAA_ERR_BAD_METADATA);

    // Still working: a good adapter loads, attaches and changes the logits of a long prompt.
    const std::string path = temp_path("adapter-good.gguf");
    REQUIRE(write_adapter(path, a, b));
    swaa_adapter * ad = nullptr;
    REQUIRE(swaa_adapter_load(m.get(), path.c_str(), &ad) == SWAA_OK);
    const std::vector<int> t = make_tokens(12, 256, 5);
    std::vector<float> logits[2];
    for (int with = 0; with < 2; with++) {
        ContextPtr c = make_context(m.get(), recipe_swa(4, 1), 32, 4);
        REQUIRE(c);
        if (with) REQUIRE(swaa_context_set_adapter(c.get(), ad, 1.0f) == SWAA_OK);
        REQUIRE(swaa_context_eval(c.get(), t.data(), (int32_t) t.size(), SWAA_PHASE_DOCUMENT, false, nullptr, nullptr) == SWAA_OK);
        logits[with].assign(swaa_context_logits(c.get(), -1), swaa_context_logits(c.get(), -1) + 256);
    }
    CHECK(logits[0] != logits[1]);
    swaa_adapter_free(ad);
    remove(path.c_str());
}
