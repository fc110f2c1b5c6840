// The C API's contract: every error path returns its specific status and message, the context
// stays usable after a cancel, and inputs are checked at the boundary.
#include "check.h"
#include "test_helpers.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

namespace {

std::string base_model() { return tiny_model_path(TinySpec{}, "api-base"); }

bool contains(const char * hay, const char * needle) { return std::strstr(hay, needle) != nullptr; }

}  // namespace

TEST_CASE("api", "a missing file is an I/O error naming the path") {
    CHECK(load_status("/nonexistent/model.gguf") == SWAA_ERR_IO);
    CHECK(contains(swaa_last_error(), "/nonexistent/model.gguf"));
}

TEST_CASE("api", "a file that is not GGUF is refused as such") {
    const std::string path = temp_path("not.gguf");
    std::ofstream(path) << "this is a text file, not a model, but long enough to be read";
    CHECK(load_status(path) == SWAA_ERR_NOT_GGUF);
    CHECK(contains(swaa_last_error(), "not a GGUF"));
    std::ofstream(path, std::ios::trunc).close();
    CHECK(load_status(path) == SWAA_ERR_NOT_GGUF);  // empty
    remove(path.c_str());
}

TEST_CASE("api", "a truncated model is refused with the tensor that does not fit") {
    std::ifstream in(base_model(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string path = temp_path("truncated.gguf");
    std::ofstream(path, std::ios::binary).write(bytes.data(), (std::streamsize) (bytes.size() * 2 / 3));
    CHECK(load_status(path) == SWAA_ERR_TRUNCATED);
    CHECK(contains(swaa_last_error(), "truncated"));
    // Cut inside the header too.
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), 100);
    CHECK(load_status(path) == SWAA_ERR_TRUNCATED);
    remove(path.c_str());
}

TEST_CASE("api", "an unknown architecture, a missing tensor and a wrong shape each have their error") {
    TinySpec s;
    s.arch = "mamba";
    CHECK(load_status(tiny_model_path(s, "api-mamba")) == SWAA_ERR_UNSUPPORTED_ARCH);
    CHECK(contains(swaa_last_error(), "mamba"));
    TinySpec missing;
    missing.drop_tensor = "blk.2.ffn_up.weight";
    CHECK(load_status(tiny_model_path(missing, "api-missing")) == SWAA_ERR_MISSING_TENSOR);
    CHECK(contains(swaa_last_error(), "blk.2.ffn_up.weight"));
    TinySpec qk;
    qk.drop_tensor = "blk.0.attn_q_norm.weight";  // qwen3 needs its q/k norms
    CHECK(load_status(tiny_model_path(qk, "api-qknorm")) == SWAA_ERR_MISSING_TENSOR);
    TinySpec shape;
    shape.bad_shape_tensor = "blk.1.attn_k.weight";
    CHECK(load_status(tiny_model_path(shape, "api-shape")) == SWAA_ERR_SHAPE_MISMATCH);
    CHECK(contains(swaa_last_error(), "blk.1.attn_k.weight"));
}

TEST_CASE("api", "every supported layout and weight type loads and reports its facts") {
    const char * archs[] = {"llama", "qwen2", "qwen3"};
    const ggml_type types[] = {GGML_TYPE_F32, GGML_TYPE_F16, GGML_TYPE_BF16, GGML_TYPE_Q8_0, GGML_TYPE_Q4_0,
                               GGML_TYPE_Q4_K, GGML_TYPE_Q5_K, GGML_TYPE_Q6_K};
    for (const char * arch : archs) {
        for (ggml_type t : types) {
            TinySpec s;
            s.arch = arch;
            s.weight_type = t;
            s.n_embd = 256;  // K-quants need rows of 256
            s.n_ff = 256;
            s.head_dim = 64;
            s.tied = std::string(arch) == "qwen3";
            const std::string key = std::string("api-") + arch + "-" + ggml_type_name(t);
            ModelPtr m = load_model(tiny_model_path(s, key));
            CHECK_MSG(m != nullptr, key);
            if (!m) continue;
            swaa_model_info info;
            REQUIRE(swaa_model_get_info(m.get(), &info) == SWAA_OK);
            CHECK(std::string(info.architecture) == arch);
            std::string want = ggml_type_name(t);
            for (char & ch : want) ch = (char) std::toupper((unsigned char) ch);
            CHECK_MSG(std::string(info.weight_type) == want, key + " reports " + info.weight_type);
            CHECK(info.n_layer == 4 && info.n_head == 4 && info.n_head_kv == 2 && info.head_dim == 64);
            CHECK(info.tied_embeddings == (std::string(arch) == "qwen3"));
            CHECK(info.file_bytes > info.weight_bytes && info.weight_bytes > 0);
            // The model computes finite logits.
            ContextPtr ctx = make_context(m.get(), recipe_full(), 64, 16, SWAA_KV_F16);
            REQUIRE(ctx);
            const std::vector<int> toks = make_tokens(20, 256, 1);
            REQUIRE(swaa_context_eval(ctx.get(), toks.data(), 20, SWAA_PHASE_DOCUMENT, false, nullptr, nullptr) == SWAA_OK);
            const float * l = swaa_context_logits(ctx.get(), -1);
            bool finite = true;
            for (int i = 0; i < 256; i++) finite = finite && std::isfinite(l[i]);
            CHECK_MSG(finite, key);
        }
    }
}

TEST_CASE("api", "invalid recipes are refused with the reason") {
    ModelPtr m = load_model(base_model());
    REQUIRE(m);
    swaa_context_params p = swaa_context_default_params();
    p.n_ctx = 64;
    swaa_context * c = nullptr;
    p.recipe = recipe_swa(-5, 0);
    CHECK(swaa_context_create(m.get(), p, &c) == SWAA_ERR_INVALID_RECIPE);
    CHECK(contains(swaa_last_error(), "window"));
    p.recipe = recipe_swa(8, -1);
    CHECK(swaa_context_create(m.get(), p, &c) == SWAA_ERR_INVALID_RECIPE);
    p.recipe = recipe_swa(8, 4, SWAA_FA_LAYERS_LIST);
    p.recipe.n_fa_layers = 1;
    p.recipe.fa_layers[0] = 99;
    CHECK(swaa_context_create(m.get(), p, &c) == SWAA_ERR_INVALID_RECIPE);
    CHECK(contains(swaa_last_error(), "99"));
    p.recipe = recipe_swa(8, 4, SWAA_FA_LAYERS_EVERY_N);
    p.recipe.fa_every_n = 0;
    CHECK(swaa_context_create(m.get(), p, &c) == SWAA_ERR_INVALID_RECIPE);
    p.recipe = recipe_full();
    p.n_chunk = 0;
    CHECK(swaa_context_create(m.get(), p, &c) == SWAA_ERR_INVALID_ARGUMENT);
    CHECK(c == nullptr);
}

TEST_CASE("api", "context overflow, decode before prefill and bad tokens are refused; the context stays intact") {
    ModelPtr m = load_model(base_model());
    REQUIRE(m);
    ContextPtr ctx = make_context(m.get(), recipe_full(), 32, 8);
    REQUIRE(ctx);
    const swaa_token t = 3;
    CHECK(swaa_context_eval(ctx.get(), &t, 1, SWAA_PHASE_DECODE, false, nullptr, nullptr) == SWAA_ERR_PHASE);
    const std::vector<int> toks = make_tokens(40, 256, 2);
    CHECK(swaa_context_eval(ctx.get(), toks.data(), 40, SWAA_PHASE_DOCUMENT, false, nullptr, nullptr) == SWAA_ERR_CONTEXT_OVERFLOW);
    CHECK(contains(swaa_last_error(), "32"));
    CHECK(swaa_context_n_past(ctx.get()) == 0);
    const swaa_token bad = 999;
    CHECK(swaa_context_eval(ctx.get(), &bad, 1, SWAA_PHASE_DOCUMENT, false, nullptr, nullptr) == SWAA_ERR_INVALID_ARGUMENT);
    CHECK(swaa_context_eval(ctx.get(), toks.data(), 30, SWAA_PHASE_DOCUMENT, false, nullptr, nullptr) == SWAA_OK);
    CHECK(swaa_context_eval(ctx.get(), toks.data(), 3, SWAA_PHASE_QUESTION, false, nullptr, nullptr) == SWAA_ERR_CONTEXT_OVERFLOW);
    CHECK(swaa_context_n_past(ctx.get()) == 30);
    CHECK(swaa_context_rewind(ctx.get()) == SWAA_ERR_PHASE);  // no checkpoint yet
}

TEST_CASE("api", "cancel is honoured within one chunk and leaves a usable context") {
    ModelPtr m = load_model(base_model());
    REQUIRE(m);
    ContextPtr ctx = make_context(m.get(), recipe_swa(8, 2), 256, 16);
    REQUIRE(ctx);
    const std::vector<int> toks = make_tokens(200, 256, 3);
    struct State { swaa_context * ctx; int calls; } st{ctx.get(), 0};
    // Cancel from another "thread" (here: the progress callback) after the second chunk.
    auto progress = [](int32_t done, int32_t, double, void * ud) {
        auto * s = static_cast<State *>(ud);
        if (++s->calls == 2) swaa_context_cancel(s->ctx);
        return true;
    };
    CHECK(swaa_context_eval(ctx.get(), toks.data(), 200, SWAA_PHASE_DOCUMENT, false, progress, &st) == SWAA_ERR_CANCELLED);
    CHECK(swaa_context_n_past(ctx.get()) == 32);  // exactly the two finished chunks
    // Usable: continue from where it stopped and it matches an uncancelled run.
    REQUIRE(swaa_context_eval(ctx.get(), toks.data() + 32, 168, SWAA_PHASE_DOCUMENT, false, nullptr, nullptr) == SWAA_OK);
    std::vector<float> a(swaa_context_logits(ctx.get(), -1), swaa_context_logits(ctx.get(), -1) + 256);
    ContextPtr ref = make_context(m.get(), recipe_swa(8, 2), 256, 16);
    REQUIRE(swaa_context_eval(ref.get(), toks.data(), 200, SWAA_PHASE_DOCUMENT, false, nullptr, nullptr) == SWAA_OK);
    std::vector<float> b(swaa_context_logits(ref.get(), -1), swaa_context_logits(ref.get(), -1) + 256);
    CHECK(a == b);
    // A cancel requested before a call starts stops it before any work.
    swaa_context_cancel(ctx.get());
    const swaa_token t = 1;
    CHECK(swaa_context_eval(ctx.get(), &t, 1, SWAA_PHASE_QUESTION, false, nullptr, nullptr) == SWAA_ERR_CANCELLED);
    CHECK(swaa_context_eval(ctx.get(), &t, 1, SWAA_PHASE_QUESTION, false, nullptr, nullptr) == SWAA_OK);
}

TEST_CASE("api", "status names and version are stable strings") {
    CHECK(std::string(swaa_status_name(SWAA_ERR_TRUNCATED)) == "SWAA_ERR_TRUNCATED");
    CHECK(std::string(swaa_status_name(SWAA_OK)) == "SWAA_OK");
    CHECK(std::string(swaa_version()).find("ggml") != std::string::npos);
}

namespace {
// Rows long enough for every block type (K-quants need multiples of 256).
TinySpec block_friendly_spec() {
    TinySpec s;
    s.n_embd = 256;
    s.n_ff = 512;
    s.head_dim = 64;
    return s;
}
}  // namespace

TEST_CASE("api", "quantize_file writes a loadable model of the requested type") {
    const std::string out = temp_path("quantized.gguf");
    const std::string in = tiny_model_path(block_friendly_spec(), "api-quant-src");
    REQUIRE(swaa_quantize_file(in.c_str(), out.c_str(), "Q4_K", 2) == SWAA_OK);
    ModelPtr m = load_model(out);
    REQUIRE(m);
    swaa_model_info info;
    swaa_model_get_info(m.get(), &info);
    CHECK_MSG(std::string(info.weight_type) == "Q4_K", info.weight_type);
    CHECK(swaa_quantize_file(in.c_str(), out.c_str(), "Q9_9", 2) == SWAA_ERR_INVALID_ARGUMENT);
    remove(out.c_str());
}

TEST_CASE("api", "quantize_file writes the same bytes with one thread and with several") {
    const std::string in = tiny_model_path(block_friendly_spec(), "api-quant-src");
    const std::string one = temp_path("quantized-1.gguf"), many = temp_path("quantized-3.gguf");
    REQUIRE(swaa_quantize_file(in.c_str(), one.c_str(), "Q5_K", 1) == SWAA_OK);
    REQUIRE(swaa_quantize_file(in.c_str(), many.c_str(), "Q5_K", 3) == SWAA_OK);
    auto slurp = [](const std::string & path) {
        std::ifstream f(path, std::ios::binary);
        return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    };
    const std::string a = slurp(one), b = slurp(many);
    CHECK(!a.empty());
    CHECK_MSG(a == b, "sizes " + std::to_string(a.size()) + " and " + std::to_string(b.size()));
    remove(one.c_str());
    remove(many.c_str());
}

TEST_CASE("api", "CPU repacking changes the weights' layout, not the logits") {
    TinySpec s = block_friendly_spec();
    s.weight_type = GGML_TYPE_Q4_0;
    s.tied = false;
    const std::string path = tiny_model_path(s, "api-repack-q4_0");
    REQUIRE(!path.empty());
    auto load = [&](bool repack) {
        swaa_model_params p = swaa_model_default_params();
        p.device = SWAA_DEVICE_CPU;
        p.cpu_repack = repack;
        swaa_model * m = nullptr;
        if (swaa_model_load(path.c_str(), p, &m) != SWAA_OK) fprintf(stderr, "    load failed: %s\n", swaa_last_error());
        return ModelPtr(m);
    };
    ModelPtr plain = load(false), packed = load(true);
    REQUIRE(plain && packed);
    swaa_model_info a, b;
    swaa_model_get_info(plain.get(), &a);
    swaa_model_get_info(packed.get(), &b);
    CHECK(a.repacked_bytes == 0);
    if (b.repacked_bytes == 0) {
        fprintf(stderr, "    note: this CPU has no repacked layout for Q4_0 (ggml repacks it on AVX2 and ARM dot-product CPUs); only the off switch was checked\n");
    } else {
        // Every matrix but the token embedding (looked up by row, never repacked).
        CHECK_MSG(b.repacked_bytes < b.weight_bytes, std::to_string(b.repacked_bytes));
    }
    const std::vector<int> toks = make_tokens(40, 256, 7);
    std::vector<float> la, lb;
    for (auto * m : {plain.get(), packed.get()}) {
        ContextPtr ctx = make_context(m, recipe_full(), 64, 16, SWAA_KV_F16);
        REQUIRE(ctx);
        REQUIRE(swaa_context_eval(ctx.get(), toks.data(), 40, SWAA_PHASE_DOCUMENT, false, nullptr, nullptr) == SWAA_OK);
        const float * l = swaa_context_logits(ctx.get(), -1);
        (m == plain.get() ? la : lb).assign(l, l + 256);
    }
    // The interleaved kernels add the same products in another order: rounding-level differences.
    double rms = 0, worst = 0;
    for (int i = 0; i < 256; i++) {
        rms += (double) la[i] * la[i];
        worst = std::max(worst, (double) std::fabs(la[i] - lb[i]));
    }
    rms = std::sqrt(rms / 256);
    CHECK_MSG(worst < 1e-2 * rms, "max |delta| " + std::to_string(worst) + " vs logit RMS " + std::to_string(rms));
    CHECK(std::max_element(la.begin(), la.end()) - la.begin() == std::max_element(lb.begin(), lb.end()) - lb.begin());
}
