// Random tiny GGUF writer for native tests (gguf API from ggml; weights quantized by ggml).
#include "tiny_model.h"

#include "gguf.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <memory>
#include <random>
#include <vector>

#ifdef _WIN32
#include <process.h>
#define getpid _getpid
#else
#include <unistd.h>
#endif

std::string temp_path(const std::string & name) {
    const char * dir = std::getenv("TMPDIR");
    return std::string(dir ? dir : "/tmp") + "/swaa-native-" + std::to_string((long) getpid()) + "-" + name;
}

namespace {

std::string utf8(uint32_t cp) {
    std::string out;
    if (cp < 0x80) {
        out += (char) cp;
    } else if (cp < 0x800) {
        out += (char) (0xC0 | (cp >> 6));
        out += (char) (0x80 | (cp & 0x3F));
    } else {
        out += (char) (0xE0 | (cp >> 12));
        out += (char) (0x80 | ((cp >> 6) & 0x3F));
        out += (char) (0x80 | (cp & 0x3F));
    }
    return out;
}

void set_str_array(gguf_context * g, const char * key, const std::vector<std::string> & v) {
    std::vector<const char *> p;
    for (const std::string & x : v) p.push_back(x.c_str());
    gguf_set_arr_str(g, key, p.data(), (int) p.size());
}

void write_tiny_vocab(gguf_context * g, const TinySpec & s) {
    gguf_set_val_str(g, "tokenizer.ggml.model", s.tokenizer.c_str());
    if (s.tokenizer == "no_vocab") return;
    std::vector<std::string> tokens;
    std::vector<int32_t> types;  // llama.cpp's token types: 1 normal, 3 control, 6 byte
    if (s.tokenizer == "llama") {
        for (const char * c : {"<unk>", "<s>", "</s>"}) tokens.push_back(c), types.push_back(3);
        char buf[8];
        for (int b = 0; b < 256; b++) {
            snprintf(buf, sizeof(buf), "<0x%02X>", b);
            tokens.push_back(buf), types.push_back(6);
        }
    } else {
        // GPT-2's byte-to-symbol table: printable bytes stand for themselves, the rest for U+0100...
        int next = 256;
        for (int b = 0; b < 256; b++) {
            const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
            tokens.push_back(utf8(printable ? b : next++)), types.push_back(1);
        }
        set_str_array(g, "tokenizer.ggml.merges", {"a b", "\xC4\xA0 t"});
    }
    for (int i = 0; (int) tokens.size() < s.n_vocab; i++) tokens.push_back("piece" + std::to_string(i)), types.push_back(1);
    tokens.resize(s.n_vocab);
    types.resize(s.n_vocab);
    std::vector<float> scores(tokens.size(), 0.0f);
    set_str_array(g, "tokenizer.ggml.tokens", tokens);
    gguf_set_arr_data(g, "tokenizer.ggml.scores", GGUF_TYPE_FLOAT32, scores.data(), scores.size());
    gguf_set_arr_data(g, "tokenizer.ggml.token_type", GGUF_TYPE_INT32, types.data(), types.size());
    if (s.tokenizer == "llama") {
        gguf_set_val_u32(g, "tokenizer.ggml.bos_token_id", 1);
        gguf_set_val_u32(g, "tokenizer.ggml.eos_token_id", 2);
    }
}

}  // namespace

bool write_tiny_model(const TinySpec & s, const std::string & path) {
    gguf_context * g = gguf_init_empty();
    const std::string a = s.arch;
    gguf_set_val_str(g, "general.architecture", a.c_str());
    gguf_set_val_str(g, "general.name", "tiny-test");
    gguf_set_val_u32(g, (a + ".context_length").c_str(), s.n_ctx_train);
    gguf_set_val_u32(g, (a + ".embedding_length").c_str(), s.n_embd);
    gguf_set_val_u32(g, (a + ".block_count").c_str(), s.n_layer);
    gguf_set_val_u32(g, (a + ".feed_forward_length").c_str(), s.n_ff);
    gguf_set_val_u32(g, (a + ".attention.head_count").c_str(), s.n_head);
    gguf_set_val_u32(g, (a + ".attention.head_count_kv").c_str(), s.n_head_kv);
    gguf_set_val_u32(g, (a + ".attention.key_length").c_str(), s.head_dim);
    gguf_set_val_u32(g, (a + ".attention.value_length").c_str(), s.head_dim);
    gguf_set_val_f32(g, (a + ".attention.layer_norm_rms_epsilon").c_str(), 1e-6f);
    gguf_set_val_f32(g, (a + ".rope.freq_base").c_str(), s.rope_base);
    gguf_set_val_u32(g, (a + ".vocab_size").c_str(), s.n_vocab);
    write_tiny_vocab(g, s);
    if (s.edit_metadata) s.edit_metadata(g);

    struct T {
        std::string name;
        std::vector<int64_t> shape;
        bool norm;
    };
    std::vector<T> tensors;
    const int q = s.n_head * s.head_dim, kv = s.n_head_kv * s.head_dim;
    tensors.push_back({"token_embd.weight", {s.n_embd, s.n_vocab}, false});
    tensors.push_back({"output_norm.weight", {s.n_embd}, true});
    if (!s.tied) tensors.push_back({"output.weight", {s.n_embd, s.n_vocab}, false});
    for (int il = 0; il < s.n_layer; il++) {
        const std::string b = "blk." + std::to_string(il) + ".";
        tensors.push_back({b + "attn_norm.weight", {s.n_embd}, true});
        tensors.push_back({b + "attn_q.weight", {s.n_embd, q}, false});
        tensors.push_back({b + "attn_k.weight", {s.n_embd, kv}, false});
        tensors.push_back({b + "attn_v.weight", {s.n_embd, kv}, false});
        tensors.push_back({b + "attn_output.weight", {q, s.n_embd}, false});
        if (a == "qwen2") {
            tensors.push_back({b + "attn_q.bias", {q}, true});
            tensors.push_back({b + "attn_k.bias", {kv}, true});
            tensors.push_back({b + "attn_v.bias", {kv}, true});
        }
        if (a == "qwen3") {
            tensors.push_back({b + "attn_q_norm.weight", {s.head_dim}, true});
            tensors.push_back({b + "attn_k_norm.weight", {s.head_dim}, true});
        }
        tensors.push_back({b + "ffn_norm.weight", {s.n_embd}, true});
        tensors.push_back({b + "ffn_gate.weight", {s.n_embd, s.n_ff}, false});
        tensors.push_back({b + "ffn_up.weight", {s.n_embd, s.n_ff}, false});
        tensors.push_back({b + "ffn_down.weight", {s.n_ff, s.n_embd}, false});
    }

    ggml_init_params ip{};
    ip.mem_size = ggml_tensor_overhead() * (tensors.size() + 4);
    ip.no_alloc = true;
    ggml_context * ctx = ggml_init(ip);
    std::mt19937 rng(s.seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<std::vector<uint8_t>> data;
    data.reserve(tensors.size());
    for (T & t : tensors) {
        if (t.name == s.drop_tensor) continue;
        std::vector<int64_t> shape = t.shape;
        if (t.name == s.bad_shape_tensor) shape[0] += 1;
        int64_t n = 1;
        for (int64_t d : shape) n *= d;
        std::vector<float> f(n);
        for (float & x : f) {
            // Norm weights near 1; matrices scaled by 1/sqrt(fan-in) times the spec's scale, except the
            // embedding, which carries the scale directly so logits are well separated.
            if (t.norm && t.name.find("bias") == std::string::npos) x = 1.0f + 0.1f * normal(rng);
            else if (t.norm) x = 0.1f * normal(rng);
            else if (t.name == "token_embd.weight" || t.name == "output.weight") x = 1.5f * normal(rng);
            else x = s.scale * normal(rng) * 3.0f / std::sqrt((float) shape[0]);
        }
        if (s.transform) s.transform(t.name, f, shape);
        const ggml_type type = t.norm ? GGML_TYPE_F32 : s.weight_type;
        ggml_tensor * tensor = ggml_new_tensor(ctx, type, (int) shape.size(), shape.data());
        ggml_set_name(tensor, t.name.c_str());
        data.emplace_back(ggml_nbytes(tensor));
        if (type == GGML_TYPE_F32) {
            std::memcpy(data.back().data(), f.data(), f.size() * sizeof(float));
        } else {
            ggml_quantize_chunk(type, f.data(), data.back().data(), 0, n / shape[0], shape[0], nullptr);
        }
        gguf_add_tensor(g, tensor);
        gguf_set_tensor_data(g, t.name.c_str(), data.back().data());
    }
    const bool ok = gguf_write_to_file(g, path.c_str(), false);
    gguf_free(g);
    ggml_free(ctx);
    return ok;
}

void lora_factors(const std::string & name, int64_t in, int64_t out, int rank, uint32_t seed, std::vector<float> & a,
                  std::vector<float> & b) {
    std::seed_seq seq(name.begin(), name.end());
    std::vector<uint32_t> k(1);
    seq.generate(k.begin(), k.end());
    std::mt19937 rng(seed ^ k[0]);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    a.resize((size_t) rank * in);
    b.resize((size_t) out * rank);
    for (float & x : a) x = normal(rng) / std::sqrt((float) in);
    for (float & x : b) x = 0.5f * normal(rng) / std::sqrt((float) rank);
}

bool write_tiny_lora(const TinySpec & s, const std::string & path, const std::vector<std::string> & targets, int rank,
                     float alpha, uint32_t seed) {
    gguf_context * g = gguf_init_empty();
    gguf_set_val_str(g, "general.architecture", s.arch.c_str());
    gguf_set_val_str(g, "general.type", "adapter");
    gguf_set_val_str(g, "adapter.type", "lora");
    gguf_set_val_f32(g, "adapter.lora.alpha", alpha);
    ggml_init_params ip{};
    ip.mem_size = ggml_tensor_overhead() * (2 * targets.size() + 2);
    ip.no_alloc = true;
    ggml_context * ctx = ggml_init(ip);
    std::vector<std::vector<float>> keep;
    keep.reserve(2 * targets.size());
    for (const std::string & name : targets) {
        // Shapes of the tiny model's weights.
        const int q = s.n_head * s.head_dim, kv = s.n_head_kv * s.head_dim;
        int64_t in = s.n_embd, out = s.n_embd;
        if (name.find("attn_q.") != std::string::npos) out = q;
        else if (name.find("attn_k.") != std::string::npos || name.find("attn_v.") != std::string::npos) out = kv;
        else if (name.find("attn_output") != std::string::npos) in = q;
        else if (name.find("ffn_gate") != std::string::npos || name.find("ffn_up") != std::string::npos) out = s.n_ff;
        else if (name.find("ffn_down") != std::string::npos) in = s.n_ff;
        std::vector<float> a, b;
        lora_factors(name, in, out, rank, seed, a, b);
        ggml_tensor * ta = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, in, rank);
        ggml_tensor * tb = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, rank, out);
        ggml_set_name(ta, (name + ".lora_a").c_str());
        ggml_set_name(tb, (name + ".lora_b").c_str());
        keep.push_back(std::move(a));
        keep.push_back(std::move(b));
        gguf_add_tensor(g, ta);
        gguf_set_tensor_data(g, ta->name, keep[keep.size() - 2].data());
        gguf_add_tensor(g, tb);
        gguf_set_tensor_data(g, tb->name, keep.back().data());
    }
    const bool ok = gguf_write_to_file(g, path.c_str(), false);
    gguf_free(g);
    ggml_free(ctx);
    return ok;
}
