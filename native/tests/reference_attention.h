// The plain reference the runtime's SWAA attention is checked against (in the manner of
// llama2.c): a whole-sequence forward pass with explicit loops, float64 accumulation, every weight
// dequantized to float, and a dense visibility mask. No chunking, no KV cache, no ring, no ggml graph.
#pragma once

#include <functional>
#include <string>
#include <vector>

// visible(layer, query_pos, key_pos) decides the mask.
using Visibility = std::function<bool(int layer, int i, int j)>;

struct ReferenceModel;

// Loads the weights of a llama/qwen2/qwen3 GGUF as float; nullptr on failure.
ReferenceModel * reference_load(const std::string & path);
void reference_free(ReferenceModel * m);
int reference_n_vocab(const ReferenceModel * m);

// Logits [n_tokens][n_vocab] for every position of the sequence.
std::vector<std::vector<float>> reference_forward(const ReferenceModel * m, const std::vector<int> & tokens,
                                                  const Visibility & visible);
