// Malformed models: each metadata value the graph or libllama relies on, the header counts, the
// alignment and truncation give their specific error (never an abort), and the runtime keeps
// working afterwards. Variants are written from a tiny model with one thing changed.
#include "check.h"
#include "test_helpers.h"

#include "gguf.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

namespace {

TinySpec small(const char * tokenizer = "no_vocab") {
    TinySpec s;
    s.n_vocab = 300;
    s.n_layer = 2;
    s.tokenizer = tokenizer;
    return s;
}

// Loads a variant of a small model whose metadata `edit` changes.
swaa_status load_edited(const std::string & key, std::function<void(gguf_context *)> edit, const char * tokenizer = "no_vocab") {
    TinySpec s = small(tokenizer);
    s.edit_metadata = std::move(edit);
    const std::string path = temp_path("malformed-" + key + ".gguf");
    if (!write_tiny_model(s, path)) return SWAA_ERR_IO;
    const swaa_status st = load_status(path);
    remove(path.c_str());
    return st;
}

bool mentions(const char * needle) { return std::strstr(swaa_last_error(), needle) != nullptr; }

void set_tokens(gguf_context * g, const std::vector<std::string> & tokens) {
    std::vector<const char *> p;
    for (const std::string & t : tokens) p.push_back(t.c_str());
    gguf_set_arr_str(g, "tokenizer.ggml.tokens", p.data(), p.size());
}

std::vector<std::string> tokens_of(gguf_context * g) {
    const int64_t id = gguf_find_key(g, "tokenizer.ggml.tokens");
    std::vector<std::string> out;
    for (size_t i = 0; i < gguf_get_arr_n(g, id); i++) out.push_back(gguf_get_arr_str(g, id, i));
    return out;
}

// The runtime still loads and evaluates a good model after a refusal.
void check_still_works() {
    ModelPtr m = load_model(tiny_model_path(small("llama"), "malformed-good"));
    REQUIRE(m);
    ContextPtr c = make_context(m.get(), recipe_swa(4, 1), 32, 4);
    REQUIRE(c);
    const std::vector<int> t = make_tokens(10, 300, 3);
    CHECK(swaa_context_eval(c.get(), t.data(), (int32_t) t.size(), SWAA_PHASE_DOCUMENT, false, nullptr, nullptr) == SWAA_OK);
}

std::string read_all(const std::string & path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void put(std::string & out, const void * p, size_t n) { out.append(static_cast<const char *>(p), n); }

}  // namespace

TEST_CASE("malformed-models", "rope dimension counts that are odd or exceed the head size are bad metadata") {
    // The qwen3 tiny model has head size 16; 15 used to load and abort at the first evaluation.
    CHECK(load_edited("rope-odd", [](gguf_context * g) { gguf_set_val_u32(g, "qwen3.rope.dimension_count", 15); }) == SWAA_ERR_BAD_METADATA);
    CHECK(mentions("odd"));
    CHECK(load_edited("rope-big", [](gguf_context * g) { gguf_set_val_u32(g, "qwen3.rope.dimension_count", 18); }) == SWAA_ERR_BAD_METADATA);
    CHECK(load_edited("rope-even", [](gguf_context * g) { gguf_set_val_u32(g, "qwen3.rope.dimension_count", 8); }) == SWAA_OK);
    check_still_works();
}

TEST_CASE("malformed-models", "head sizes, head counts, layer counts and context sizes out of range are bad metadata") {
    CHECK(load_edited("kv-div", [](gguf_context * g) { gguf_set_val_u32(g, "qwen3.attention.head_count_kv", 3); }) == SWAA_ERR_BAD_METADATA);
    CHECK(load_edited("kv-more", [](gguf_context * g) { gguf_set_val_u32(g, "qwen3.attention.head_count_kv", 8); }) == SWAA_ERR_BAD_METADATA);
    CHECK(load_edited("embd-div", [](gguf_context * g) {
              gguf_remove_key(g, "qwen3.attention.key_length");
              gguf_set_val_u32(g, "qwen3.attention.head_count", 5);
              gguf_set_val_u32(g, "qwen3.attention.head_count_kv", 5);
          }) == SWAA_ERR_BAD_METADATA);
    CHECK(mentions("attention.key_length is not given"));
    CHECK(load_edited("head-0", [](gguf_context * g) { gguf_set_val_u32(g, "qwen3.attention.key_length", 0); }) == SWAA_ERR_BAD_METADATA);
    CHECK(load_edited("layers-0", [](gguf_context * g) { gguf_set_val_u32(g, "qwen3.block_count", 0); }) == SWAA_ERR_BAD_METADATA);
    CHECK(load_edited("layers-many", [](gguf_context * g) { gguf_set_val_u32(g, "qwen3.block_count", SWAA_MAX_LAYERS + 1); }) == SWAA_ERR_BAD_METADATA);
    CHECK(load_edited("ctx-0", [](gguf_context * g) { gguf_set_val_u32(g, "qwen3.context_length", 0); }) == SWAA_ERR_BAD_METADATA);
    CHECK(load_edited("ctx-neg", [](gguf_context * g) { gguf_set_val_i32(g, "qwen3.context_length", -5); }) == SWAA_ERR_BAD_METADATA);
    CHECK(load_edited("layers-str", [](gguf_context * g) { gguf_set_val_str(g, "qwen3.block_count", "2"); }) == SWAA_ERR_BAD_METADATA);
    const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
    CHECK(load_edited("base-inf", [&](gguf_context * g) { gguf_set_val_f32(g, "qwen3.rope.freq_base", inf); }) == SWAA_ERR_BAD_METADATA);
    CHECK(load_edited("eps-nan", [&](gguf_context * g) { gguf_set_val_f32(g, "qwen3.attention.layer_norm_rms_epsilon", nan); }) == SWAA_ERR_BAD_METADATA);
    CHECK(load_edited("yarn-nan", [&](gguf_context * g) {
              gguf_set_val_str(g, "qwen3.rope.scaling.type", "yarn");
              gguf_set_val_f32(g, "qwen3.rope.scaling.factor", 4.0f);
              gguf_set_val_f32(g, "qwen3.rope.scaling.yarn_beta_fast", nan);
          }) == SWAA_ERR_BAD_METADATA);
    CHECK(load_edited("scale-neg", [&](gguf_context * g) {
              gguf_set_val_str(g, "qwen3.rope.scaling.type", "linear");
              gguf_set_val_f32(g, "qwen3.rope.scaling.factor", -2.0f);
          }) == SWAA_ERR_BAD_METADATA);
    check_still_works();
}

TEST_CASE("malformed-models", "a legal but unusual general.alignment loads and computes what the usual one does") {
    // ggml's writer always pads to 32 bytes, whatever general.alignment says: the variants are
    // re-laid out here so that their data starts where a reader of that alignment looks for it.
    TinySpec s = small("llama");
    uint32_t alignment = 32;
    s.edit_metadata = [&](gguf_context * g) { gguf_set_val_u32(g, "general.alignment", alignment); };
    std::vector<float> want;
    for (uint32_t a : {32u, 1u, 8u, 16u}) {
        alignment = a;
        const std::string path = temp_path("align-" + std::to_string(a) + ".gguf");
        REQUIRE(write_tiny_model(s, path));
        gguf_init_params gp{};
        gp.no_alloc = true;
        gguf_context * g = gguf_init_from_file(path.c_str(), gp);
        REQUIRE(g);
        const size_t data_at = gguf_get_data_offset(g);  // where a reader of this alignment expects data
        gguf_free(g);
        const std::string written = read_all(path);
        const std::string relaid = written.substr(0, data_at) + written.substr(GGML_PAD(data_at, 32));
        std::ofstream(path, std::ios::binary | std::ios::trunc).write(relaid.data(), (std::streamsize) relaid.size());

        ModelPtr m = load_model(path);
        CHECK_MSG(m != nullptr, "alignment " + std::to_string(a));
        remove(path.c_str());
        if (!m) continue;
        ContextPtr c = make_context(m.get(), recipe_full(), 16, 4);
        REQUIRE(c);
        const std::vector<int> t = make_tokens(6, 300, 9);
        REQUIRE(swaa_context_eval(c.get(), t.data(), (int32_t) t.size(), SWAA_PHASE_DOCUMENT, false, nullptr, nullptr) == SWAA_OK);
        const float * logits = swaa_context_logits(c.get(), -1);
        REQUIRE(logits);
        if (want.empty()) want.assign(logits, logits + 300);
        else CHECK_MSG(std::memcmp(want.data(), logits, 300 * sizeof(float)) == 0, "alignment " + std::to_string(a));
    }
    // Zero or not a power of two: ggml's parser refuses the header.
    TinySpec with_key = small();
    with_key.edit_metadata = [](gguf_context * g) { gguf_set_val_u32(g, "general.alignment", 32); };
    const std::string good = read_all(tiny_model_path(with_key, "malformed-align-src"));
    const size_t key = good.find("general.alignment");
    REQUIRE(key != std::string::npos);
    for (uint32_t bad : {0u, 3u, 48u}) {
        std::string b = good;
        std::memcpy(&b[key + std::strlen("general.alignment") + 4], &bad, 4);  // after the u32 type tag
        const std::string path = temp_path("align-bad.gguf");
        std::ofstream(path, std::ios::binary | std::ios::trunc).write(b.data(), (std::streamsize) b.size());
        CHECK_MSG(load_status(path) == SWAA_ERR_TRUNCATED, "alignment " + std::to_string(bad));
        remove(path.c_str());
    }
}

TEST_CASE("malformed-models", "vocabularies libllama would abort on are refused as tokenizer errors") {
    CHECK(load_edited("dup-token", [](gguf_context * g) {
              std::vector<std::string> t = tokens_of(g);
              t[200] = t[100];
              set_tokens(g, t);
          }, "llama") == SWAA_ERR_TOKENIZER);
    CHECK(mentions("repeats"));
    CHECK(load_edited("dup-empty", [](gguf_context * g) {
              // libllama renames an empty token to "[EMPTY_<i>]": a token with that text collides.
              std::vector<std::string> t = tokens_of(g);
              t[280] = "";
              t[281] = "[EMPTY_280]";
              set_tokens(g, t);
          }, "gpt2") == SWAA_ERR_TOKENIZER);
    CHECK(load_edited("spm-no-bytes", [](gguf_context * g) {
              std::vector<std::string> t = tokens_of(g);
              t[3 + 0x41] = "A-piece";  // <0x41> is gone
              set_tokens(g, t);
          }, "llama") == SWAA_ERR_TOKENIZER);
    CHECK(mentions("<0x41>"));
    CHECK(load_edited("bert", [](gguf_context * g) { gguf_set_val_str(g, "tokenizer.ggml.model", "bert"); }, "llama") == SWAA_ERR_TOKENIZER);
    CHECK(load_edited("tokens-int", [](gguf_context * g) {
              std::vector<int32_t> ids(300, 7);
              gguf_set_arr_data(g, "tokenizer.ggml.tokens", GGUF_TYPE_INT32, ids.data(), ids.size());
          }, "llama") == SWAA_ERR_TOKENIZER);
    CHECK(load_edited("scores-short", [](gguf_context * g) {
              std::vector<float> s(10, 0.0f);
              gguf_set_arr_data(g, "tokenizer.ggml.scores", GGUF_TYPE_FLOAT32, s.data(), s.size());
          }, "llama") == SWAA_ERR_TOKENIZER);
    CHECK(load_edited("types-float", [](gguf_context * g) {
              std::vector<float> s(300, 1.0f);
              gguf_set_arr_data(g, "tokenizer.ggml.token_type", GGUF_TYPE_FLOAT32, s.data(), s.size());
          }, "llama") == SWAA_ERR_TOKENIZER);
    CHECK(load_edited("no-merges", [](gguf_context * g) { gguf_remove_key(g, "tokenizer.ggml.merges"); }, "gpt2") == SWAA_ERR_TOKENIZER);
    {
        // A BPE vocabulary of 8 tokens: libllama's default BOS id (11) falls outside it and is
        // dropped, yet the file asks for a BOS on every tokenization (an assert in libllama).
        TinySpec s = small("gpt2");
        s.n_vocab = 8;
        s.edit_metadata = [](gguf_context * g) { gguf_set_val_bool(g, "tokenizer.ggml.add_bos_token", true); };
        const std::string path = temp_path("bos-missing.gguf");
        REQUIRE(write_tiny_model(s, path));
        CHECK(load_status(path) == SWAA_ERR_TOKENIZER);
        CHECK(mentions("BOS"));
        remove(path.c_str());
    }
    CHECK(load_edited("model-int", [](gguf_context * g) { gguf_set_val_u32(g, "tokenizer.ggml.model", 1); }) == SWAA_ERR_TOKENIZER);
    check_still_works();
}

TEST_CASE("malformed-models", "tokenizing text no piece covers never throws across the C API") {
    for (const char * tok : {"llama", "gpt2"}) {
        ModelPtr m = load_model(tiny_model_path(small(tok), std::string("malformed-tok-") + tok));
        REQUIRE(m);
        const char text[] = "caf\xC3\xA9 \xE2\x9C\x93 <s> \x01\xFF\xFE tail";  // includes invalid UTF-8
        swaa_token tokens[128];
        const int32_t n = swaa_tokenize(m.get(), text, (int32_t) sizeof(text) - 1, tokens, 128, true, true);
        CHECK(n > 0 || n == INT32_MIN);
        for (int32_t i = 0; i < n; i++) CHECK(tokens[i] >= 0 && tokens[i] < 300);
        char buf[256];
        if (n > 0) CHECK(swaa_detokenize(m.get(), tokens, n, buf, sizeof(buf), true) != INT32_MIN);
    }
    ModelPtr none = load_model(tiny_model_path(small(), "malformed-novocab"));
    REQUIRE(none);
    swaa_token t[4];
    CHECK(swaa_tokenize(none.get(), "abc", 3, t, 4, false, false) == INT32_MIN);
    CHECK(mentions("no tokenizer"));
    // Entry points given no model answer with their failure value instead of dereferencing it.
    CHECK(swaa_vocab_n_tokens(nullptr) == 0);
    CHECK(swaa_vocab_bos(nullptr) == -1);
    CHECK(!swaa_vocab_is_eog(nullptr, 0));
}

TEST_CASE("malformed-models", "a header declaring 80k tensors or keys is refused from its counts") {
    // A real tensor table of 80,000 one-element tensors (ggml's parser checks names pairwise).
    std::string b("GGUF", 4);
    const uint32_t version = 3;
    const int64_t n_tensors = 80000, n_kv = 0;
    put(b, &version, 4);
    put(b, &n_tensors, 8);
    put(b, &n_kv, 8);
    for (int64_t i = 0; i < n_tensors; i++) {
        const std::string name = "t" + std::to_string(i);
        const uint64_t len = name.size(), ne = 8, offset = (uint64_t) i * 32;
        const uint32_t n_dims = 1, type = GGML_TYPE_F32;
        put(b, &len, 8);
        put(b, name.data(), name.size());
        put(b, &n_dims, 4);
        put(b, &ne, 8);
        put(b, &type, 4);
        put(b, &offset, 8);
    }
    b.resize((b.size() + 31) / 32 * 32 + (size_t) n_tensors * 32, '\0');
    const std::string path = temp_path("80k-tensors.gguf");
    std::ofstream(path, std::ios::binary).write(b.data(), (std::streamsize) b.size());
    CHECK(load_status(path) == SWAA_ERR_BAD_METADATA);
    CHECK(mentions("80000 tensors"));
    // The same counts in the key field.
    std::memcpy(&b[8], &n_kv, 8);
    std::memcpy(&b[16], &n_tensors, 8);
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(b.data(), (std::streamsize) b.size());
    CHECK(load_status(path) == SWAA_ERR_BAD_METADATA);
    CHECK(mentions("metadata keys"));
    const int64_t negative = -1;
    std::memcpy(&b[8], &negative, 8);
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(b.data(), (std::streamsize) b.size());
    CHECK(load_status(path) == SWAA_ERR_BAD_METADATA);
    remove(path.c_str());
    check_still_works();
}

TEST_CASE("malformed-models", "a model cut anywhere is refused, never half loaded") {
    const std::string whole = read_all(tiny_model_path(small("gpt2"), "malformed-cut-src"));
    REQUIRE(whole.size() > 4096);
    const std::string path = temp_path("cut.gguf");
    int refused = 0, cuts = 0;
    for (size_t cut : {size_t(0), size_t(3), size_t(23), size_t(24), size_t(40), size_t(100), size_t(1000), size_t(3000),
                       whole.size() / 4, whole.size() / 2, whole.size() - 33, whole.size() - 1}) {
        std::ofstream(path, std::ios::binary | std::ios::trunc).write(whole.data(), (std::streamsize) cut);
        const swaa_status st = load_status(path);
        cuts++;
        refused += st == SWAA_ERR_TRUNCATED || st == SWAA_ERR_NOT_GGUF;
        CHECK_MSG(st == SWAA_ERR_TRUNCATED || st == SWAA_ERR_NOT_GGUF, "cut at " + std::to_string(cut) + ": " + swaa_status_name(st));
    }
    CHECK(refused == cuts);
    remove(path.c_str());
    check_still_works();
}
