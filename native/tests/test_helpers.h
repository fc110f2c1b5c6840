// Shared fixtures for native tests: a cached tiny model, RAII handles, recipe builders.
#pragma once

#include "swaa.h"
#include "tiny_model.h"

#include <memory>
#include <string>
#include <vector>

struct ModelDeleter { void operator()(swaa_model * m) const { swaa_model_free(m); } };
struct ContextDeleter { void operator()(swaa_context * c) const { swaa_context_free(c); } };
using ModelPtr = std::unique_ptr<swaa_model, ModelDeleter>;
using ContextPtr = std::unique_ptr<swaa_context, ContextDeleter>;

// Path of a tiny model written once per process for this spec key.
std::string tiny_model_path(const TinySpec & spec, const std::string & key);
ModelPtr load_model(const std::string & path);
// The status of loading `path` on the CPU (the model, if any, is freed): what a malformed file gives.
swaa_status load_status(const std::string & path);
ContextPtr make_context(swaa_model * model, const swaa_recipe & recipe, int n_ctx, int n_chunk, swaa_kv_type kv = SWAA_KV_F32);

swaa_recipe recipe_full();
swaa_recipe recipe_swa(int window, int sinks, swaa_fa_layers_pattern pattern = SWAA_FA_LAYERS_NONE, bool fa_decode = false,
                       bool question_fa = false);

// Deterministic pseudo-random token ids in [0, n_vocab).
std::vector<int> make_tokens(int n, int n_vocab, uint32_t seed);
