// The runtime's SWAA attention against the plain reference (reference_attention.cc): for windows,
// sinks, chunk sizes, FA-layer patterns, FA decode and question FA, the logits at every position of
// document, question and decode agree within kLogitTolerance. Prints
// "swaa: <passed>/<cases> reference cases".
#include "check.h"
#include "reference_attention.h"
#include "test_helpers.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace {

// F32 weights and an F32 KV cache: the runtime and the float64 reference differ only by float32
// rounding (ggml's F32 flash attention measured ~1e-6 relative); logits here are O(10).
constexpr double kLogitTolerance = 2e-3;

constexpr int kDocTokens = 90;
constexpr int kQuestionTokens = 10;
constexpr int kDecodeTokens = 6;
constexpr int kCtx = 128;

TinySpec reference_spec() {
    TinySpec s;
    s.arch = "qwen3";
    s.n_layer = 4;
    return s;
}

struct Fixture {
    std::string path;
    ModelPtr model;
    ReferenceModel * ref = nullptr;
    std::vector<int> tokens;
    Fixture() {
        path = tiny_model_path(reference_spec(), "swaa-ref");
        model = load_model(path);
        ref = reference_load(path);
        tokens = make_tokens(kDocTokens + kQuestionTokens + kDecodeTokens, 256, 7);
    }
    ~Fixture() { reference_free(ref); }
};

Fixture & fixture() {
    static Fixture f;
    return f;
}

// Phase of the token at position t in the fixture's sequence.
swaa_phase phase_at(int t) {
    if (t < kDocTokens) return SWAA_PHASE_DOCUMENT;
    if (t < kDocTokens + kQuestionTokens) return SWAA_PHASE_QUESTION;
    return SWAA_PHASE_DECODE;
}

// Which layers attend fully in each phase, as the recipe defines it (written out independently).
bool layer_is_fa(const swaa_recipe & r, int n_layer, int l, swaa_phase phase) {
    if (r.window == SWAA_WINDOW_NONE) return true;
    bool fa = false;
    switch (r.fa_pattern) {
        case SWAA_FA_LAYERS_NONE: fa = false; break;
        case SWAA_FA_LAYERS_ODD: fa = l % 2 == 1; break;
        case SWAA_FA_LAYERS_EVEN: fa = l % 2 == 0; break;
        case SWAA_FA_LAYERS_EVERY_N: fa = l >= r.fa_offset && (l - r.fa_offset) % r.fa_every_n == 0; break;
        case SWAA_FA_LAYERS_LIST:
            for (int k = 0; k < r.n_fa_layers; k++) fa = fa || r.fa_layers[k] == l;
            break;
    }
    (void) n_layer;
    if (fa) return true;
    if (phase == SWAA_PHASE_QUESTION) return r.question_fa;
    if (phase == SWAA_PHASE_DECODE) {
        if (r.n_fa_decode_layers > 0) {
            for (int k = 0; k < r.n_fa_decode_layers; k++) if (r.fa_decode_layers[k] == l) return true;
            return false;
        }
        return r.fa_decode;
    }
    return false;
}

struct CaseResult {
    bool ok = false;
    double max_diff = 0;
    std::string why;
};

// Runs one recipe through the runtime (chunked, cached) and the reference (dense), compares.
CaseResult run_case(const swaa_recipe & recipe, int chunk) {
    Fixture & f = fixture();
    CaseResult res;
    if (!f.model || !f.ref) { res.why = "fixture failed"; return res; }
    ContextPtr ctx = make_context(f.model.get(), recipe, kCtx, chunk);
    if (!ctx) { res.why = swaa_last_error(); return res; }
    const int n_vocab = reference_n_vocab(f.ref);
    std::vector<std::vector<float>> got;
    auto take = [&](int rows) {
        for (int r = 0; r < rows; r++) {
            const float * l = swaa_context_logits(ctx.get(), r);
            got.emplace_back(l, l + n_vocab);
        }
    };
    const std::vector<int> & t = f.tokens;
    if (swaa_context_eval(ctx.get(), t.data(), kDocTokens, SWAA_PHASE_DOCUMENT, true, nullptr, nullptr) != SWAA_OK) {
        res.why = swaa_last_error();
        return res;
    }
    take(kDocTokens);
    if (swaa_context_eval(ctx.get(), t.data() + kDocTokens, kQuestionTokens, SWAA_PHASE_QUESTION, true, nullptr, nullptr) != SWAA_OK) {
        res.why = swaa_last_error();
        return res;
    }
    take(kQuestionTokens);
    for (int i = kDocTokens + kQuestionTokens; i < (int) t.size(); i++) {
        if (swaa_context_eval(ctx.get(), &t[i], 1, SWAA_PHASE_DECODE, false, nullptr, nullptr) != SWAA_OK) {
            res.why = swaa_last_error();
            return res;
        }
        take(1);
    }
    const int n_layer = 4;
    const int W = recipe.window;
    const int k = recipe.n_sinks;
    Visibility visible = [&](int l, int i, int j) {
        if (j > i) return false;
        if (layer_is_fa(recipe, n_layer, l, phase_at(i))) return true;
        return i - j <= W || j < k;  // docs/swaa.md: j <= i and (i - j <= W or j < k)
    };
    const auto want = reference_forward(f.ref, t, visible);
    for (size_t p = 0; p < want.size(); p++) {
        for (int v = 0; v < n_vocab; v++) res.max_diff = std::max(res.max_diff, std::fabs((double) got[p][v] - want[p][v]));
    }
    if (getenv("SWAA_DEBUG_CASES")) {
        for (size_t p = 0; p < want.size(); p++) {
            double d = 0;
            for (int v = 0; v < n_vocab; v++) d = std::max(d, std::fabs((double) got[p][v] - want[p][v]));
            if (d > kLogitTolerance) { fprintf(stderr, "      first bad position %zu diff %g\n", p, d); break; }
        }
    }
    res.ok = res.max_diff <= kLogitTolerance;
    if (!res.ok) res.why = "max |logit difference| " + std::to_string(res.max_diff);
    return res;
}

std::string describe(const swaa_recipe & r, int chunk) {
    const char * patterns[] = {"none", "odd", "even", "every-n", "list"};
    char buf[200];
    snprintf(buf, sizeof(buf), "W=%d k=%d chunk=%d fa=%s%s%s%s", r.window, r.n_sinks, chunk, patterns[r.fa_pattern],
             r.fa_decode ? " fa-decode" : "", r.n_fa_decode_layers > 0 ? " fa-decode-list" : "",
             r.question_fa ? " question-fa" : "");
    return buf;
}

}  // namespace

TEST_CASE("swaa", "runtime attention equals the dense reference across recipes") {
    std::vector<std::pair<swaa_recipe, int>> cases;
    // Full attention at two chunk sizes.
    cases.push_back({recipe_full(), 16});
    cases.push_back({recipe_full(), 89});  // 90 = 89 + a 1-token last chunk
    const int windows[] = {1, 7, 64, 200};            // 200 >= every sequence length here
    const int chunks[] = {8, 9, 16, 89};               // 9 divides 90; 8 and 16 do not; 89 leaves 1 token
    const swaa_fa_layers_pattern patterns[] = {SWAA_FA_LAYERS_NONE, SWAA_FA_LAYERS_ODD, SWAA_FA_LAYERS_EVEN,
                                               SWAA_FA_LAYERS_EVERY_N, SWAA_FA_LAYERS_LIST};
    int i = 0;
    for (int W : windows) {
        const int sinks_list[] = {0, 1, 10, W + 5};    // the last is > W
        for (int k : sinks_list) {
            for (int chunk : chunks) {
                swaa_recipe r = recipe_swa(W, k, patterns[i % 5], (i / 5) % 2 == 1, (i / 10) % 2 == 1);
                r.fa_every_n = 3;
                r.fa_offset = 1;
                r.n_fa_layers = 2;
                r.fa_layers[0] = 0;
                r.fa_layers[1] = 3;
                cases.push_back({r, chunk});
                i++;
            }
        }
    }
    // Every pattern with FA decode and question FA on and off, at a small window.
    for (swaa_fa_layers_pattern p : patterns) {
        for (int fd = 0; fd < 2; fd++) {
            for (int qf = 0; qf < 2; qf++) {
                swaa_recipe r = recipe_swa(7, 1, p, fd == 1, qf == 1);
                r.fa_every_n = 2;
                r.fa_offset = 1;
                r.n_fa_layers = 1;
                r.fa_layers[0] = 2;
                cases.push_back({r, 8});
            }
        }
    }
    // FA decode as a per-layer list.
    {
        swaa_recipe r = recipe_swa(7, 1);
        r.n_fa_decode_layers = 2;
        r.fa_decode_layers[0] = 1;
        r.fa_decode_layers[1] = 2;
        cases.push_back({r, 8});
    }
    int passed = 0;
    double worst = 0;
    for (auto & c : cases) {
        CaseResult r = run_case(c.first, c.second);
        worst = std::max(worst, r.max_diff);
        if (r.ok) passed++;
        CHECK_MSG(r.ok, describe(c.first, c.second) + ": " + r.why);
    }
    printf("     max |logit difference| over all cases: %.3g (tolerance %.3g)\n", worst, kLogitTolerance);
    printf("swaa: %d/%d reference cases\n", passed, (int) cases.size());
}

TEST_CASE("swaa", "a window at least the sequence length gives exactly the tokens of full attention") {
    Fixture & f = fixture();
    REQUIRE(f.model);
    auto greedy = [&](const swaa_recipe & r) {
        ContextPtr ctx = make_context(f.model.get(), r, kCtx, 16, SWAA_KV_F16);
        std::vector<int> out;
        if (!ctx) return out;
        swaa_context_eval(ctx.get(), f.tokens.data(), kDocTokens, SWAA_PHASE_DOCUMENT, false, nullptr, nullptr);
        swaa_sampler * s = nullptr;
        swaa_sampler_create(f.model.get(), swaa_sampler_default_params(), &s);
        for (int i = 0; i < 30; i++) {
            const swaa_token t = swaa_sampler_sample(s, ctx.get());
            out.push_back(t);
            swaa_context_eval(ctx.get(), &t, 1, SWAA_PHASE_DECODE, false, nullptr, nullptr);
        }
        swaa_sampler_free(s);
        return out;
    };
    const std::vector<int> full = greedy(recipe_full());
    const std::vector<int> wide = greedy(recipe_swa(kCtx, 0));
    CHECK(full.size() == 30);
    CHECK(full == wide);
}

TEST_CASE("swaa", "key rows read per phase equal the formula (ring layers and full-cache SWA layers)") {
    Fixture & f = fixture();
    REQUIRE(f.model);
    const int W = 7, k = 3, C = 8;
    // Odd layers FA, even layers windowed with a ring (no FA decode, no question FA).
    ContextPtr ctx = make_context(f.model.get(), recipe_swa(W, k, SWAA_FA_LAYERS_ODD), kCtx, C);
    REQUIRE(ctx);
    REQUIRE(swaa_context_eval(ctx.get(), f.tokens.data(), kDocTokens, SWAA_PHASE_DOCUMENT, false, nullptr, nullptr) == SWAA_OK);
    swaa_metrics m;
    swaa_context_get_metrics(ctx.get(), &m);
    const int R = W + C;  // ring rows after the sinks
    uint64_t want = 0;
    for (int s = 0; s < kDocTokens; s += C) {
        const int n = std::min(C, kDocTokens - s);
        // FA layers 1 and 3 read every earlier row, but the last layer (3) attends only in the
        // call's final chunk: earlier chunks stop after writing its keys and values.
        const bool final_chunk = s + n == kDocTokens;
        want += (final_chunk ? 2ull : 1ull) * n * (s + n);
        want += 2ull * n * std::min(k + R, s + n);        // two ring layers read the filled ring
    }
    CHECK_MSG(m.attn_rows_document == want, std::to_string(m.attn_rows_document) + " != " + std::to_string(want));
    // KV bytes: FA layers keep n_ctx rows, ring layers k + W + C rows; F32 K and V of 2 heads x 16.
    const uint64_t row = 2 * 16 * sizeof(float);
    const uint64_t kv_want = 2 * (2ull * kCtx * row) + 2 * (2ull * (k + R) * row);
    CHECK_MSG(m.kv_bytes == kv_want, std::to_string(m.kv_bytes) + " != " + std::to_string(kv_want));
    CHECK(swaa_context_estimate_kv_bytes(f.model.get(), [&] {
              swaa_context_params p = swaa_context_default_params();
              p.n_ctx = kCtx; p.n_chunk = C; p.kv_type = SWAA_KV_F32; p.recipe = recipe_swa(W, k, SWAA_FA_LAYERS_ODD);
              return p;
          }()) == kv_want);

    // With FA decode every layer keeps the full cache; SWA layers read sinks + window segments.
    ContextPtr ctx2 = make_context(f.model.get(), recipe_swa(W, k, SWAA_FA_LAYERS_NONE, true), kCtx, C);
    REQUIRE(ctx2);
    REQUIRE(swaa_context_eval(ctx2.get(), f.tokens.data(), kDocTokens, SWAA_PHASE_DOCUMENT, false, nullptr, nullptr) == SWAA_OK);
    swaa_context_get_metrics(ctx2.get(), &m);
    want = 0;
    for (int s = 0; s < kDocTokens; s += C) {
        const int n = std::min(C, kDocTokens - s);
        const int sink_rows = std::min(k, s + n);
        const int window_begin = std::max(sink_rows, s - W);
        want += (s + n == kDocTokens ? 4ull : 3ull) * n * (sink_rows + (s + n - window_begin));
    }
    CHECK_MSG(m.attn_rows_document == want, std::to_string(m.attn_rows_document) + " != " + std::to_string(want));
    CHECK(m.kv_bytes == 4 * 2ull * kCtx * row);
    // Decode with FA decode reads every row in every layer.
    const swaa_token t = 5;
    REQUIRE(swaa_context_eval(ctx2.get(), &t, 1, SWAA_PHASE_DECODE, false, nullptr, nullptr) == SWAA_OK);
    swaa_context_get_metrics(ctx2.get(), &m);
    CHECK(m.attn_rows_decode == 4ull * (kDocTokens + 1));
}

TEST_CASE("swaa", "two questions on one cached document give the answers of two cold runs") {
    Fixture & f = fixture();
    REQUIRE(f.model);
    // A ring-cached recipe: rewinding must restore the ring rows the question overwrote.
    const swaa_recipe r = recipe_swa(7, 2, SWAA_FA_LAYERS_ODD);
    const std::vector<int> qa = make_tokens(12, 256, 100), qb = make_tokens(12, 256, 200);
    auto answer = [&](swaa_context * ctx, const std::vector<int> & q, std::vector<float> & logits) {
        swaa_context_eval(ctx, q.data(), (int) q.size(), SWAA_PHASE_QUESTION, false, nullptr, nullptr);
        const float * l = swaa_context_logits(ctx, -1);
        logits.assign(l, l + 256);
        std::vector<int> out;
        swaa_sampler * s = nullptr;
        swaa_sampler_create(f.model.get(), swaa_sampler_default_params(), &s);
        swaa_stop_reason reason;
        int32_t n = 0;
        struct Sink { std::vector<int> * out; } sink{&out};
        swaa_context_generate(ctx, s, 8, [](swaa_token t, const char *, int32_t, void * ud) {
            static_cast<Sink *>(ud)->out->push_back(t);
            return true;
        }, &sink, &reason, &n);
        swaa_sampler_free(s);
        return out;
    };
    ContextPtr warm = make_context(f.model.get(), r, kCtx, 8);
    REQUIRE(warm);
    REQUIRE(swaa_context_eval(warm.get(), f.tokens.data(), kDocTokens, SWAA_PHASE_DOCUMENT, false, nullptr, nullptr) == SWAA_OK);
    REQUIRE(swaa_context_checkpoint(warm.get()) == SWAA_OK);
    std::vector<float> la_warm, lb_warm, la_cold, lb_cold;
    const auto a_warm = answer(warm.get(), qa, la_warm);
    REQUIRE(swaa_context_rewind(warm.get()) == SWAA_OK);
    CHECK(swaa_context_n_past(warm.get()) == kDocTokens);
    const auto b_warm = answer(warm.get(), qb, lb_warm);
    for (int which = 0; which < 2; which++) {
        ContextPtr cold = make_context(f.model.get(), r, kCtx, 8);
        swaa_context_eval(cold.get(), f.tokens.data(), kDocTokens, SWAA_PHASE_DOCUMENT, false, nullptr, nullptr);
        if (which == 0) CHECK(answer(cold.get(), qa, la_cold) == a_warm);
        else CHECK(answer(cold.get(), qb, lb_cold) == b_warm);
    }
    CHECK(a_warm.size() == 8);
    CHECK(la_warm == la_cold);
    CHECK(lb_warm == lb_cold);
}

TEST_CASE("swaa", "saved document state restores into a new context with identical logits; damage is refused") {
    Fixture & f = fixture();
    REQUIRE(f.model);
    const swaa_recipe r = recipe_swa(7, 2, SWAA_FA_LAYERS_EVEN);
    const std::string path = temp_path("state.swaa");
    const std::vector<int> q = make_tokens(10, 256, 300);
    std::vector<float> want;
    {
        ContextPtr ctx = make_context(f.model.get(), r, kCtx, 8);
        REQUIRE(swaa_context_eval(ctx.get(), f.tokens.data(), kDocTokens, SWAA_PHASE_DOCUMENT, false, nullptr, nullptr) == SWAA_OK);
        REQUIRE(swaa_context_save_file(ctx.get(), path.c_str()) == SWAA_OK);
        REQUIRE(swaa_context_eval(ctx.get(), q.data(), (int) q.size(), SWAA_PHASE_QUESTION, false, nullptr, nullptr) == SWAA_OK);
        const float * l = swaa_context_logits(ctx.get(), -1);
        want.assign(l, l + 256);
    }
    ContextPtr fresh = make_context(f.model.get(), r, kCtx, 8);
    REQUIRE(swaa_context_load_file(fresh.get(), path.c_str()) == SWAA_OK);
    CHECK(swaa_context_n_past(fresh.get()) == kDocTokens);
    REQUIRE(swaa_context_eval(fresh.get(), q.data(), (int) q.size(), SWAA_PHASE_QUESTION, false, nullptr, nullptr) == SWAA_OK);
    const float * l = swaa_context_logits(fresh.get(), -1);
    CHECK(std::vector<float>(l, l + 256) == want);

    // Another recipe: mismatch.
    ContextPtr other = make_context(f.model.get(), recipe_swa(7, 2, SWAA_FA_LAYERS_ODD), kCtx, 8);
    CHECK(swaa_context_load_file(other.get(), path.c_str()) == SWAA_ERR_STATE_MISMATCH);
    // A flipped byte in the KV data: corrupt, and the context is left untouched.
    FILE * fp = fopen(path.c_str(), "r+b");
    REQUIRE(fp);
    fseek(fp, -200, SEEK_END);
    int c = fgetc(fp);
    fseek(fp, -200, SEEK_END);
    fputc(c ^ 0x5a, fp);
    fclose(fp);
    ContextPtr victim = make_context(f.model.get(), r, kCtx, 8);
    CHECK(swaa_context_load_file(victim.get(), path.c_str()) == SWAA_ERR_STATE_CORRUPT);
    CHECK(swaa_context_n_past(victim.get()) == 0);
    // Another model: mismatch.
    TinySpec other_spec = reference_spec();
    other_spec.seed = 99;
    ModelPtr other_model = load_model(tiny_model_path(other_spec, "swaa-ref-other"));
    REQUIRE(other_model);
    ContextPtr save2 = make_context(f.model.get(), r, kCtx, 8);
    swaa_context_eval(save2.get(), f.tokens.data(), 20, SWAA_PHASE_DOCUMENT, false, nullptr, nullptr);
    REQUIRE(swaa_context_save_file(save2.get(), path.c_str()) == SWAA_OK);
    ContextPtr wrong_model = make_context(other_model.get(), r, kCtx, 8);
    CHECK(swaa_context_load_file(wrong_model.get(), path.c_str()) == SWAA_ERR_STATE_MISMATCH);
    remove(path.c_str());
}
