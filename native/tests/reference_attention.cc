// Reference forward pass. Shapes follow ggml's convention: a weight W with ne = [in, out] is stored
// row-major as out rows of in values, so y[o] = sum_i W[o][i] * x[i].
#include "reference_attention.h"

#include "ggml.h"
#include "gguf.h"

#include <cmath>
#include <cstring>
#include <map>

struct ReferenceModel {
    std::string arch;
    int n_vocab = 0, n_embd = 0, n_layer = 0, n_head = 0, n_head_kv = 0, head_dim = 0, n_ff = 0;
    float eps = 1e-6f, rope_base = 10000.0f;
    std::map<std::string, std::vector<float>> w;  // every tensor as float

    const std::vector<float> * get(const std::string & name) const {
        auto it = w.find(name);
        return it == w.end() ? nullptr : &it->second;
    }
};

namespace {

double get_num(gguf_context * g, const std::string & key, double fallback) {
    const int64_t id = gguf_find_key(g, key.c_str());
    if (id < 0) return fallback;
    switch (gguf_get_kv_type(g, id)) {
        case GGUF_TYPE_UINT32: return gguf_get_val_u32(g, id);
        case GGUF_TYPE_INT32: return gguf_get_val_i32(g, id);
        case GGUF_TYPE_FLOAT32: return gguf_get_val_f32(g, id);
        default: return fallback;
    }
}

// y[out] = W[out][in] x[in]
void matvec(const std::vector<float> & W, const std::vector<double> & x, int in, int out, std::vector<double> & y) {
    y.assign(out, 0.0);
    for (int o = 0; o < out; o++) {
        double acc = 0;
        const float * row = W.data() + (size_t) o * in;
        for (int i = 0; i < in; i++) acc += (double) row[i] * x[i];
        y[o] = acc;
    }
}

void rmsnorm(std::vector<double> & x, int offset, int n, const std::vector<float> & weight, double eps) {
    double ss = 0;
    for (int i = 0; i < n; i++) ss += x[offset + i] * x[offset + i];
    const double scale = 1.0 / std::sqrt(ss / n + eps);
    for (int i = 0; i < n; i++) x[offset + i] = x[offset + i] * scale * weight[i];
}

// Rotary embedding of one head at position pos. NEOX pairs (i, i + d/2); NORMAL pairs (2i, 2i + 1).
void rope(std::vector<double> & x, int offset, int d, int pos, double base, bool neox) {
    for (int i = 0; i < d / 2; i++) {
        const double theta = pos * std::pow(base, -2.0 * i / d);
        const double c = std::cos(theta), s = std::sin(theta);
        const int a = neox ? offset + i : offset + 2 * i;
        const int b = neox ? offset + i + d / 2 : offset + 2 * i + 1;
        const double x0 = x[a], x1 = x[b];
        x[a] = x0 * c - x1 * s;
        x[b] = x0 * s + x1 * c;
    }
}

}  // namespace

ReferenceModel * reference_load(const std::string & path) {
    ggml_context * data = nullptr;
    gguf_init_params gp{};
    gp.no_alloc = false;
    gp.ctx = &data;
    gguf_context * g = gguf_init_from_file(path.c_str(), gp);
    if (!g) return nullptr;
    auto * m = new ReferenceModel();
    m->arch = gguf_get_val_str(g, gguf_find_key(g, "general.architecture"));
    const std::string a = m->arch + ".";
    m->n_embd = (int) get_num(g, a + "embedding_length", 0);
    m->n_layer = (int) get_num(g, a + "block_count", 0);
    m->n_head = (int) get_num(g, a + "attention.head_count", 0);
    m->n_head_kv = (int) get_num(g, a + "attention.head_count_kv", m->n_head);
    m->head_dim = (int) get_num(g, a + "attention.key_length", m->n_embd / m->n_head);
    m->n_ff = (int) get_num(g, a + "feed_forward_length", 0);
    m->eps = (float) get_num(g, a + "attention.layer_norm_rms_epsilon", 1e-6);
    m->rope_base = (float) get_num(g, a + "rope.freq_base", 10000.0);
    for (int64_t i = 0; i < gguf_get_n_tensors(g); i++) {
        const char * name = gguf_get_tensor_name(g, i);
        ggml_tensor * t = ggml_get_tensor(data, name);
        std::vector<float> f(ggml_nelements(t));
        if (t->type == GGML_TYPE_F32) std::memcpy(f.data(), t->data, f.size() * sizeof(float));
        else ggml_get_type_traits(t->type)->to_float(t->data, f.data(), (int64_t) f.size());
        m->w[name] = std::move(f);
    }
    m->n_vocab = (int) (m->w["token_embd.weight"].size() / m->n_embd);
    gguf_free(g);
    ggml_free(data);
    return m;
}

void reference_free(ReferenceModel * m) { delete m; }
int reference_n_vocab(const ReferenceModel * m) { return m->n_vocab; }

std::vector<std::vector<float>> reference_forward(const ReferenceModel * m, const std::vector<int> & tokens,
                                                  const Visibility & visible) {
    const int N = (int) tokens.size(), E = m->n_embd, H = m->n_head, HKV = m->n_head_kv, D = m->head_dim;
    const bool neox = m->arch != "llama";
    const std::vector<float> & emb = *m->get("token_embd.weight");
    // x[t]: the residual stream of every position
    std::vector<std::vector<double>> x(N, std::vector<double>(E));
    for (int t = 0; t < N; t++) {
        for (int i = 0; i < E; i++) x[t][i] = emb[(size_t) tokens[t] * E + i];
    }
    for (int l = 0; l < m->n_layer; l++) {
        const std::string b = "blk." + std::to_string(l) + ".";
        std::vector<std::vector<double>> Q(N), K(N), V(N);
        for (int t = 0; t < N; t++) {
            std::vector<double> h = x[t];
            rmsnorm(h, 0, E, *m->get(b + "attn_norm.weight"), m->eps);
            matvec(*m->get(b + "attn_q.weight"), h, E, H * D, Q[t]);
            matvec(*m->get(b + "attn_k.weight"), h, E, HKV * D, K[t]);
            matvec(*m->get(b + "attn_v.weight"), h, E, HKV * D, V[t]);
            if (const auto * bq = m->get(b + "attn_q.bias")) for (int i = 0; i < H * D; i++) Q[t][i] += (*bq)[i];
            if (const auto * bk = m->get(b + "attn_k.bias")) for (int i = 0; i < HKV * D; i++) K[t][i] += (*bk)[i];
            if (const auto * bv = m->get(b + "attn_v.bias")) for (int i = 0; i < HKV * D; i++) V[t][i] += (*bv)[i];
            for (int h2 = 0; h2 < H; h2++) {
                if (const auto * qn = m->get(b + "attn_q_norm.weight")) rmsnorm(Q[t], h2 * D, D, *qn, m->eps);
                rope(Q[t], h2 * D, D, t, m->rope_base, neox);
            }
            for (int h2 = 0; h2 < HKV; h2++) {
                if (const auto * kn = m->get(b + "attn_k_norm.weight")) rmsnorm(K[t], h2 * D, D, *kn, m->eps);
                rope(K[t], h2 * D, D, t, m->rope_base, neox);
            }
        }
        std::vector<std::vector<double>> attn_out(N, std::vector<double>(H * D, 0.0));
        const double scale = 1.0 / std::sqrt((double) D);
        for (int i = 0; i < N; i++) {
            for (int h2 = 0; h2 < H; h2++) {
                const int kvh = h2 / (H / HKV);
                std::vector<double> score(N, -INFINITY);
                double mx = -INFINITY;
                for (int j = 0; j < N; j++) {
                    if (!visible(l, i, j)) continue;
                    double s = 0;
                    for (int d = 0; d < D; d++) s += Q[i][h2 * D + d] * K[j][kvh * D + d];
                    score[j] = s * scale;
                    mx = std::max(mx, score[j]);
                }
                double sum = 0;
                for (int j = 0; j < N; j++) {
                    score[j] = std::isinf(score[j]) ? 0.0 : std::exp(score[j] - mx);
                    sum += score[j];
                }
                for (int j = 0; j < N; j++) {
                    if (score[j] == 0.0) continue;
                    for (int d = 0; d < D; d++) attn_out[i][h2 * D + d] += score[j] / sum * V[j][kvh * D + d];
                }
            }
        }
        for (int t = 0; t < N; t++) {
            std::vector<double> o;
            matvec(*m->get(b + "attn_output.weight"), attn_out[t], H * D, E, o);
            for (int i = 0; i < E; i++) x[t][i] += o[i];
            std::vector<double> h = x[t], g, u, down;
            rmsnorm(h, 0, E, *m->get(b + "ffn_norm.weight"), m->eps);
            matvec(*m->get(b + "ffn_gate.weight"), h, E, m->n_ff, g);
            matvec(*m->get(b + "ffn_up.weight"), h, E, m->n_ff, u);
            for (int i = 0; i < m->n_ff; i++) g[i] = g[i] / (1.0 + std::exp(-g[i])) * u[i];
            matvec(*m->get(b + "ffn_down.weight"), g, m->n_ff, E, down);
            for (int i = 0; i < E; i++) x[t][i] += down[i];
        }
    }
    const std::vector<float> & out_w = m->get("output.weight") ? *m->get("output.weight") : emb;
    std::vector<std::vector<float>> logits(N);
    for (int t = 0; t < N; t++) {
        std::vector<double> h = x[t], y;
        rmsnorm(h, 0, E, *m->get("output_norm.weight"), m->eps);
        matvec(out_w, h, E, m->n_vocab, y);
        logits[t].assign(y.begin(), y.end());
    }
    return logits;
}
