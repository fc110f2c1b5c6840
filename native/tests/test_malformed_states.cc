// Malformed saved states: with their hashes recomputed (a crafted file, not a damaged one), every
// ring field, slot position, token id and size out of place gives SWAA_ERR_STATE_CORRUPT, and the
// context then restores the good state and answers exactly as before.
#include "check.h"
#include "test_helpers.h"

#include "state_file.h"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

namespace {

constexpr int kVocab = 300, kCtx = 32, kChunk = 4, kDoc = 13;

std::string read_all(const std::string & path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_all(const std::string & path, const std::string & b) {
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(b.data(), (std::streamsize) b.size());
}

// Field offsets of state_file.cc's layout, for crafting: magic 8 | version 4 | model hash 16 |
// recipe block size 4 | recipe block | n_ctx, n_chunk, kv type, n_tokens (4 each) | token hash 8 |
// tokens | ring_filled 4 | slot count 4 | slots | KV data | checksum 8.
struct Layout {
    size_t n_tokens_at, tokens_at, ring_filled_at, slots_at;
    explicit Layout(const std::string & b) {
        uint32_t rb = 0, n = 0;
        std::memcpy(&rb, b.data() + 28, 4);
        n_tokens_at = 32 + rb + 12;
        std::memcpy(&n, b.data() + n_tokens_at, 4);
        tokens_at = n_tokens_at + 12;
        ring_filled_at = tokens_at + 4 * (size_t) n;
        slots_at = ring_filled_at + 8;
    }
};

void set_i32(std::string & b, size_t at, int32_t v) { std::memcpy(&b[at], &v, 4); }
int32_t get_i32(const std::string & b, size_t at) {
    int32_t v;
    std::memcpy(&v, b.data() + at, 4);
    return v;
}

struct Fixture {
    ModelPtr model = load_model(tiny_model_path([] {
        TinySpec s;
        s.n_vocab = kVocab;
        s.n_layer = 2;
        return s;
    }(), "states-model"));
    std::vector<int> doc = make_tokens(kDoc, kVocab, 21), question = make_tokens(3, kVocab, 22);
    std::string good;        // a state saved after the document
    std::vector<float> want; // the logits of the question after it
    ContextPtr ctx() { return make_context(model.get(), recipe_swa(4, 1), kCtx, kChunk); }
    std::vector<float> ask(swaa_context * c) {
        if (swaa_context_eval(c, question.data(), (int32_t) question.size(), SWAA_PHASE_QUESTION, false, nullptr, nullptr) != SWAA_OK) return {};
        const float * l = swaa_context_logits(c, -1);
        return std::vector<float>(l, l + kVocab);
    }
    Fixture() {
        if (!model) return;
        ContextPtr c = ctx();
        swaa_context_eval(c.get(), doc.data(), kDoc, SWAA_PHASE_DOCUMENT, false, nullptr, nullptr);
        swaa_context_checkpoint(c.get());
        const std::string path = temp_path("state-good");
        swaa_context_save_file(c.get(), path.c_str());
        good = read_all(path);
        remove(path.c_str());
        want = ask(c.get());
    }
};

// Loads a crafted variant (hashes resealed unless told) into a context, expects `code`, then checks
// the same context restores the good state and answers as the original did.
void expect_refused(Fixture & f, const char * what, const std::function<void(std::string &, const Layout &)> & edit,
                    swaa_status code = SWAA_ERR_STATE_CORRUPT, bool reseal = true) {
    std::string b = f.good;
    edit(b, Layout(f.good));
    if (reseal) swaa::reseal_state_bytes(b);
    const std::string path = temp_path("state-crafted");
    write_all(path, b);
    ContextPtr c = f.ctx();
    REQUIRE(c);
    const swaa_status st = swaa_context_load_file(c.get(), path.c_str());
    CHECK_MSG(st == code, std::string(what) + ": " + swaa_status_name(st) + " " + swaa_last_error());
    if (code != SWAA_OK) CHECK_MSG(swaa_context_n_past(c.get()) == 0, what);
    write_all(path, f.good);
    REQUIRE(swaa_context_load_file(c.get(), path.c_str()) == SWAA_OK);
    CHECK_MSG(f.ask(c.get()) == f.want, what);
    remove(path.c_str());
}

}  // namespace

TEST_CASE("malformed-states", "the state fixture restores and answers like the context it was saved from") {
    Fixture f;
    REQUIRE(f.model && !f.good.empty() && !f.want.empty());
    std::string b = f.good;
    CHECK(swaa::reseal_state_bytes(b));
    CHECK(b == f.good);  // resealing an intact state changes nothing
    expect_refused(f, "intact", [](std::string &, const Layout &) {}, SWAA_OK);
}

TEST_CASE("malformed-states", "ring fields and slot positions out of place are corrupt") {
    Fixture f;
    REQUIRE(f.model && !f.good.empty());
    expect_refused(f, "ring_filled too large", [](std::string & b, const Layout & l) { set_i32(b, l.ring_filled_at, 1000); });
    expect_refused(f, "ring_filled negative", [](std::string & b, const Layout & l) { set_i32(b, l.ring_filled_at, -1); });
    expect_refused(f, "ring_filled one short", [](std::string & b, const Layout & l) { set_i32(b, l.ring_filled_at, get_i32(b, l.ring_filled_at) - 1); });
    expect_refused(f, "slot past the context", [](std::string & b, const Layout & l) { set_i32(b, l.slots_at + 4 * 2, 9999); });
    expect_refused(f, "slot negative", [](std::string & b, const Layout & l) { set_i32(b, l.slots_at + 4 * 3, -7); });
    expect_refused(f, "slots swapped", [](std::string & b, const Layout & l) {
        const int32_t a = get_i32(b, l.slots_at + 4 * 2), c = get_i32(b, l.slots_at + 4 * 3);
        set_i32(b, l.slots_at + 4 * 2, c);
        set_i32(b, l.slots_at + 4 * 3, a);
    });
    expect_refused(f, "sink slot emptied", [](std::string & b, const Layout & l) { set_i32(b, l.slots_at, -1); });
    expect_refused(f, "slot count", [](std::string & b, const Layout & l) { set_i32(b, l.ring_filled_at + 4, 3); });
}

TEST_CASE("malformed-states", "token ids outside the vocabulary and inconsistent sizes are corrupt") {
    Fixture f;
    REQUIRE(f.model && !f.good.empty());
    expect_refused(f, "token = n_vocab", [](std::string & b, const Layout & l) { set_i32(b, l.tokens_at + 8, kVocab); });
    expect_refused(f, "token negative", [](std::string & b, const Layout & l) { set_i32(b, l.tokens_at, -1); });
    expect_refused(f, "more tokens than the context", [](std::string & b, const Layout & l) { set_i32(b, l.n_tokens_at, kCtx + 1); });
    expect_refused(f, "one token fewer", [](std::string & b, const Layout & l) {
        set_i32(b, l.n_tokens_at, kDoc - 1);
        b.erase(l.tokens_at + 4 * (kDoc - 1), 4);  // a consistent shorter token list; the ring table says 13
    });
    expect_refused(f, "recipe block size huge", [](std::string & b, const Layout &) { set_i32(b, 28, 1 << 30); });
    expect_refused(f, "KV data short", [](std::string & b, const Layout &) { b.erase(b.size() - 100, 50); });
    for (size_t cut : {size_t(0), size_t(7), size_t(40), f.good.size() / 2, f.good.size() - 1}) {
        expect_refused(f, "truncated", [&](std::string & b, const Layout &) { b.resize(cut); }, SWAA_ERR_STATE_CORRUPT, false);
    }
    expect_refused(f, "a flipped byte without resealing", [](std::string & b, const Layout &) { b[b.size() / 2] ^= 0x40; },
                   SWAA_ERR_STATE_CORRUPT, false);
}
