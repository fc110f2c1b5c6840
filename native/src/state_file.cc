// Saving and restoring a context's state (a prefilled document) to a file.
//
// Layout (little-endian):
//   magic "SWAASTAT" | u32 format version | model hash (16 chars) | recipe block | u32 n_ctx |
//   u32 n_chunk | u32 kv type | u32 n_tokens | u64 token hash | tokens | per layer KV data | u64 checksum
// The recipe block is the resolved per-layer plan plus window and sinks, so two recipes that read
// the same way are interchangeable. The checksum (FNV-1a over everything before it) catches damage.
#include "state_file.h"

#include "context.h"
#include "fnv1a.h"

#include <cstdio>
#include <cstring>
#include <memory>

namespace swaa {

namespace {

constexpr char kMagic[8] = {'S', 'W', 'A', 'A', 'S', 'T', 'A', 'T'};
constexpr uint32_t kFormatVersion = 1;

struct FileCloser {
    void operator()(FILE * f) const { if (f) fclose(f); }
};
using FilePtr = std::unique_ptr<FILE, FileCloser>;

class Writer {
public:
    explicit Writer(FILE * f) : f_(f) {}
    void bytes(const void * p, size_t n) {
        if (ok_ && n && fwrite(p, 1, n, f_) != n) ok_ = false;
        hash_ = fnv1a(hash_, p, n);
    }
    template <typename T> void value(T v) { bytes(&v, sizeof(v)); }
    bool ok() const { return ok_; }
    uint64_t hash() const { return hash_; }
private:
    FILE * f_;
    bool ok_ = true;
    uint64_t hash_ = kFnv1aSeed;
};

class Reader {
public:
    explicit Reader(FILE * f) : f_(f) {}
    bool bytes(void * p, size_t n) {
        if (!ok_) return false;
        if (n && fread(p, 1, n, f_) != n) { ok_ = false; return false; }
        hash_ = fnv1a(hash_, p, n);
        return true;
    }
    template <typename T> bool value(T & v) { return bytes(&v, sizeof(v)); }
    bool ok() const { return ok_; }
    uint64_t hash() const { return hash_; }
private:
    FILE * f_;
    bool ok_ = true;
    uint64_t hash_ = kFnv1aSeed;
};

std::vector<uint8_t> recipe_block(const ResolvedRecipe & r) {
    std::vector<uint8_t> out;
    auto put32 = [&](int32_t v) { const uint8_t * p = reinterpret_cast<const uint8_t *>(&v); out.insert(out.end(), p, p + 4); };
    put32(r.windowed ? r.window : -1);
    put32(r.windowed ? r.sinks : 0);
    put32((int32_t) r.layers.size());
    for (const LayerAttention & l : r.layers) {
        out.push_back((uint8_t) ((l.fa_document ? 1 : 0) | (l.fa_question ? 2 : 0) | (l.fa_decode ? 4 : 0)));
    }
    return out;
}

// Byte offsets of the header fields that follow the variable-size recipe block.
constexpr size_t kRecipeSizeAt = sizeof(kMagic) + 4 + 16;
size_t n_tokens_at(size_t recipe_block_size) { return kRecipeSizeAt + 4 + recipe_block_size + 12; }

}  // namespace

bool reseal_state_bytes(std::string & b) {
    if (b.size() < kRecipeSizeAt + 4) return false;
    uint32_t rb = 0, n_tokens = 0;
    std::memcpy(&rb, b.data() + kRecipeSizeAt, 4);
    const size_t at = n_tokens_at(rb);
    if (rb > 4096 || b.size() < at + 12) return false;
    std::memcpy(&n_tokens, b.data() + at, 4);
    const size_t tokens_at = at + 12;
    if (n_tokens > (b.size() - tokens_at) / sizeof(swaa_token) || b.size() - tokens_at < 8) return false;
    const uint64_t token_hash = fnv1a(kFnv1aSeed, b.data() + tokens_at, n_tokens * sizeof(swaa_token));
    std::memcpy(&b[at + 4], &token_hash, 8);
    const uint64_t checksum = fnv1a(kFnv1aSeed, b.data(), b.size() - 8);
    std::memcpy(&b[b.size() - 8], &checksum, 8);
    return true;
}

Status Context::save_file(const std::string & path) const {
    FilePtr f(fopen(path.c_str(), "wb"));
    if (!f) return error(SWAA_ERR_IO, "cannot write " + path);
    Writer w(f.get());
    w.bytes(kMagic, sizeof(kMagic));
    w.value<uint32_t>(kFormatVersion);
    char hash[16] = {0};
    std::memcpy(hash, model_.hash.data(), std::min<size_t>(16, model_.hash.size()));
    w.bytes(hash, sizeof(hash));
    const std::vector<uint8_t> rb = recipe_block(recipe_);
    w.value<uint32_t>((uint32_t) rb.size());
    w.bytes(rb.data(), rb.size());
    w.value<uint32_t>((uint32_t) params_.n_ctx);
    w.value<uint32_t>((uint32_t) params_.n_chunk);
    w.value<uint32_t>((uint32_t) params_.kv_type);
    const uint32_t n_tokens = (uint32_t) tokens_.size();
    w.value<uint32_t>(n_tokens);
    w.value<uint64_t>(fnv1a(kFnv1aSeed, tokens_.data(), tokens_.size() * sizeof(swaa_token)));
    w.bytes(tokens_.data(), tokens_.size() * sizeof(swaa_token));
    w.value<int32_t>(cache_.ring_filled);
    w.value<uint32_t>((uint32_t) cache_.ring_slot_pos.size());
    w.bytes(cache_.ring_slot_pos.data(), cache_.ring_slot_pos.size() * sizeof(int32_t));
    std::vector<uint8_t> buf;
    for (int il = 0; il < cache_.n_layer(); il++) {
        for (ggml_tensor * t : {cache_.k(il), cache_.v(il)}) {
            // Full layers: the rows in use. Ring layers: the whole ring.
            const size_t n = cache_.is_full(il) ? t->nb[1] * n_tokens : ggml_nbytes(t);
            buf.resize(n);
            if (n) ggml_backend_tensor_get(t, buf.data(), 0, n);
            w.bytes(buf.data(), n);
        }
    }
    const uint64_t checksum = w.hash();
    w.value<uint64_t>(checksum);
    if (!w.ok()) return error(SWAA_ERR_IO, "writing " + path + " failed (disk full?)");
    return Status::ok();
}

Status Context::load_file(const std::string & path) {
    FilePtr f(fopen(path.c_str(), "rb"));
    if (!f) return error(SWAA_ERR_IO, "cannot open " + path);
    Reader r(f.get());
    auto corrupt = [&](const std::string & what) { return error(SWAA_ERR_STATE_CORRUPT, path + " is damaged: " + what); };
    char magic[8];
    if (!r.bytes(magic, sizeof(magic)) || std::memcmp(magic, kMagic, sizeof(magic)) != 0) {
        return error(SWAA_ERR_STATE_CORRUPT, path + " is not a saved SWAA state");
    }
    uint32_t version = 0;
    if (!r.value(version)) return corrupt("truncated header");
    if (version != kFormatVersion) {
        return error(SWAA_ERR_STATE_MISMATCH, path + " has state format version " + std::to_string(version) +
                                                  "; this runtime reads version " + std::to_string(kFormatVersion));
    }
    char hash[16];
    if (!r.bytes(hash, sizeof(hash))) return corrupt("truncated header");
    if (std::string(hash, 16) != model_.hash.substr(0, 16)) {
        return error(SWAA_ERR_STATE_MISMATCH, path + " was saved with another model (hash " + std::string(hash, 16) +
                                                  ", this model " + model_.hash + ")");
    }
    uint32_t rb_size = 0;
    if (!r.value(rb_size) || rb_size > 4096) return corrupt("bad recipe block");
    std::vector<uint8_t> rb(rb_size);
    if (!r.bytes(rb.data(), rb.size())) return corrupt("truncated recipe block");
    if (rb != recipe_block(recipe_)) return error(SWAA_ERR_STATE_MISMATCH, path + " was saved with another recipe");
    uint32_t n_ctx = 0, n_chunk = 0, kv_type = 0, n_tokens = 0;
    uint64_t token_hash = 0;
    if (!r.value(n_ctx) || !r.value(n_chunk) || !r.value(kv_type) || !r.value(n_tokens) || !r.value(token_hash)) {
        return corrupt("truncated header");
    }
    if ((int32_t) n_ctx != params_.n_ctx || (int32_t) n_chunk != params_.n_chunk || (int32_t) kv_type != (int32_t) params_.kv_type) {
        return error(SWAA_ERR_STATE_MISMATCH, path + " was saved from a context of " + std::to_string(n_ctx) + " tokens, chunk " +
                                                  std::to_string(n_chunk) + "; this context has " + std::to_string(params_.n_ctx) +
                                                  ", chunk " + std::to_string(params_.n_chunk) + " (or another KV type)");
    }
    if (n_tokens > n_ctx) return corrupt("more tokens than the context holds");
    std::vector<swaa_token> toks(n_tokens);
    if (!r.bytes(toks.data(), toks.size() * sizeof(swaa_token))) return corrupt("truncated token list");
    if (fnv1a(kFnv1aSeed, toks.data(), toks.size() * sizeof(swaa_token)) != token_hash) return corrupt("token hash mismatch");
    // The checksums catch damage, not a crafted file: every value read is checked for what it means.
    if (!model_.check_tokens(toks.data(), (int32_t) toks.size()).is_ok()) return corrupt("a token is outside the vocabulary");
    int32_t ring_filled = 0;
    uint32_t n_slots = 0;
    if (!r.value(ring_filled) || !r.value(n_slots) || n_slots != cache_.ring_slot_pos.size()) return corrupt("ring table mismatch");
    std::vector<int32_t> slot_pos(n_slots);
    if (!r.bytes(slot_pos.data(), slot_pos.size() * sizeof(int32_t))) return corrupt("truncated ring table");
    if (!cache_.ring_table_is_for(slot_pos, ring_filled, (int32_t) n_tokens)) {
        return corrupt("the ring table does not hold the last " + std::to_string(n_tokens) + " positions");
    }
    // Read everything into host memory first: a damaged file must not leave a half-written cache.
    std::vector<std::vector<uint8_t>> data;
    for (int il = 0; il < cache_.n_layer(); il++) {
        for (ggml_tensor * t : {cache_.k(il), cache_.v(il)}) {
            const size_t n = cache_.is_full(il) ? t->nb[1] * n_tokens : ggml_nbytes(t);
            data.emplace_back(n);
            if (!r.bytes(data.back().data(), n)) return corrupt("truncated KV data");
        }
    }
    const uint64_t expected = r.hash();
    uint64_t checksum = 0;
    if (!r.value(checksum) || checksum != expected) return corrupt("checksum mismatch");
    size_t k = 0;
    for (int il = 0; il < cache_.n_layer(); il++) {
        for (ggml_tensor * t : {cache_.k(il), cache_.v(il)}) {
            if (!data[k].empty()) ggml_backend_tensor_set(t, data[k].data(), 0, data[k].size());
            k++;
        }
    }
    tokens_ = std::move(toks);
    adapter_active_ = adapter_ && recipe_.windowed && (int32_t) tokens_.size() > recipe_.window;
    cache_.ring_slot_pos = std::move(slot_pos);
    cache_.ring_filled = ring_filled;
    n_logits_ = 0;
    logits_.clear();
    cp_n_past_ = -1;
    if (!tokens_.empty()) return checkpoint();
    return Status::ok();
}

}  // namespace swaa
