// Recipe validation and per-layer expansion (FA-layer patterns, FA decode, question FA).
#include "recipe.h"

#include <string>

namespace swaa {

bool ResolvedRecipe::layer_full_in(int il, swaa_phase phase) const {
    const LayerAttention & l = layers[il];
    switch (phase) {
        case SWAA_PHASE_DOCUMENT: return l.fa_document;
        case SWAA_PHASE_QUESTION: return l.fa_question;
        case SWAA_PHASE_DECODE: return l.fa_decode;
    }
    return true;
}

Status resolve_recipe(const swaa_recipe & r, int32_t n_layer, ResolvedRecipe & out) {
    auto bad = [](const std::string & m) { return error(SWAA_ERR_INVALID_RECIPE, m); };
    if (n_layer <= 0 || n_layer > SWAA_MAX_LAYERS) return bad("layer count out of range");
    out = ResolvedRecipe{};
    out.recipe = r;
    out.layers.assign(n_layer, LayerAttention{});
    if (r.window == SWAA_WINDOW_NONE) {
        for (auto & l : out.layers) l.fa_document = l.fa_question = l.fa_decode = true;
        return Status::ok();
    }
    if (r.window < 0) return bad("window must be >= 0 tokens, or none for full attention (got " + std::to_string(r.window) + ")");
    if (r.n_sinks < 0) return bad("sinks must be >= 0 (got " + std::to_string(r.n_sinks) + ")");
    out.windowed = true;
    out.window = r.window;
    out.sinks = r.n_sinks;

    std::vector<bool> fa(n_layer, false);
    switch (r.fa_pattern) {
        case SWAA_FA_LAYERS_NONE: break;
        case SWAA_FA_LAYERS_ODD: for (int i = 1; i < n_layer; i += 2) fa[i] = true; break;
        case SWAA_FA_LAYERS_EVEN: for (int i = 0; i < n_layer; i += 2) fa[i] = true; break;
        case SWAA_FA_LAYERS_EVERY_N:
            if (r.fa_every_n < 1) return bad("every-n FA layers need n >= 1 (got " + std::to_string(r.fa_every_n) + ")");
            if (r.fa_offset < 0 || r.fa_offset >= n_layer) {
                return bad("every-n FA layer offset " + std::to_string(r.fa_offset) + " is outside 0.." + std::to_string(n_layer - 1));
            }
            for (int i = r.fa_offset; i < n_layer; i += r.fa_every_n) fa[i] = true;
            break;
        case SWAA_FA_LAYERS_LIST:
            if (r.n_fa_layers < 0 || r.n_fa_layers > SWAA_MAX_LAYERS) return bad("FA layer list length out of range");
            for (int k = 0; k < r.n_fa_layers; k++) {
                const int i = r.fa_layers[k];
                if (i < 0 || i >= n_layer) {
                    return bad("FA layer " + std::to_string(i) + " does not exist (the model has " + std::to_string(n_layer) + " layers)");
                }
                fa[i] = true;
            }
            break;
        default: return bad("unknown FA layer pattern " + std::to_string((int) r.fa_pattern));
    }
    std::vector<bool> fa_dec(n_layer, r.fa_decode);
    if (r.n_fa_decode_layers > 0) {
        if (r.n_fa_decode_layers > SWAA_MAX_LAYERS) return bad("FA decode layer list too long");
        fa_dec.assign(n_layer, false);
        for (int k = 0; k < r.n_fa_decode_layers; k++) {
            const int i = r.fa_decode_layers[k];
            if (i < 0 || i >= n_layer) return bad("FA decode layer " + std::to_string(i) + " does not exist");
            fa_dec[i] = true;
        }
    } else if (r.n_fa_decode_layers < 0) {
        return bad("FA decode layer list length must be >= 0");
    }
    for (int i = 0; i < n_layer; i++) {
        LayerAttention & l = out.layers[i];
        l.fa_document = fa[i];
        l.fa_question = fa[i] || r.question_fa;
        l.fa_decode = fa[i] || fa_dec[i];
    }
    return Status::ok();
}

}  // namespace swaa
