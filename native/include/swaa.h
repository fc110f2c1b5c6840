// swaa.h — the flat C API of the SWAA runtime.
//
// A small LLM inference runtime on ggml that implements Sliding Window Attention Adaptation
// (see docs/swaa.md): windowed prefill with attention sinks, full-attention decode, interleaved
// full-attention layers, and a KV cache that only keeps what a layer will ever read.
//
// Conventions (in the manner of llama.h):
//   - Opaque handles. Whoever creates a handle frees it with the matching *_free function.
//   - Parameters are structs passed by value; start from *_default_params() and change fields.
//   - Functions that can fail return swaa_status. On failure, swaa_last_error() returns a message
//     for the calling thread that names what was wrong (valid until the next failing call on that
//     thread). No C++ exception ever crosses this API.
//   - Strings returned by the runtime are owned by the handle they came from unless stated.
//   - A context is used by one thread at a time; swaa_context_cancel() may be called from any thread.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int32_t swaa_token;
typedef int32_t swaa_pos;

typedef struct swaa_model   swaa_model;
typedef struct swaa_context swaa_context;
typedef struct swaa_sampler swaa_sampler;
typedef struct swaa_adapter swaa_adapter;

// ---------------------------------------------------------------------------------------------
// Status codes
// ---------------------------------------------------------------------------------------------
typedef enum swaa_status {
    SWAA_OK                     = 0,
    SWAA_ERR_INVALID_ARGUMENT   = 1,  // a parameter is out of range or a pointer is NULL
    SWAA_ERR_IO                 = 2,  // file missing, unreadable or unwritable
    SWAA_ERR_NOT_GGUF           = 3,  // not a GGUF file, or its header/metadata is malformed
    SWAA_ERR_TRUNCATED          = 4,  // the file ends before the tensor data it declares
    SWAA_ERR_UNSUPPORTED_ARCH   = 5,  // general.architecture is not llama, qwen2 or qwen3
    SWAA_ERR_MISSING_TENSOR     = 6,  // a tensor the architecture needs is absent
    SWAA_ERR_SHAPE_MISMATCH     = 7,  // a tensor's shape disagrees with the hyperparameters
    SWAA_ERR_UNSUPPORTED_TYPE   = 8,  // a weight type the runtime cannot compute with
    SWAA_ERR_BAD_METADATA       = 9,  // a required hyperparameter is missing or out of range
    SWAA_ERR_OUT_OF_MEMORY      = 10, // a buffer could not be allocated
    SWAA_ERR_CONTEXT_OVERFLOW   = 11, // the tokens do not fit in the context's n_ctx
    SWAA_ERR_CANCELLED          = 12, // swaa_context_cancel() stopped the call; the context stays usable
    SWAA_ERR_BACKEND            = 13, // the compute backend failed
    SWAA_ERR_INVALID_RECIPE     = 14, // a recipe field is out of range or inconsistent
    SWAA_ERR_PHASE              = 15, // call order violated (e.g. decode before any prefill)
    SWAA_ERR_STATE_MISMATCH     = 16, // a saved state belongs to another model, recipe or context size
    SWAA_ERR_STATE_CORRUPT      = 17, // a saved state file is damaged
    SWAA_ERR_TOKENIZER          = 18, // the vocabulary could not be loaded or a text not tokenized
    SWAA_ERR_INTERNAL           = 99,
} swaa_status;

// Stable short name of a status, e.g. "SWAA_ERR_TRUNCATED".
const char * swaa_status_name(swaa_status status);
// Message describing the last failure on the calling thread ("" if none).
const char * swaa_last_error(void);

// Runtime version string ("0.1.0 (ggml <version>)"); static storage.
const char * swaa_version(void);

// Log sink. level: 0 debug, 1 info, 2 warn, 3 error. NULL restores the default (stderr, warn+).
typedef void (*swaa_log_callback)(int level, const char * text, void * user_data);
void swaa_log_set(swaa_log_callback callback, void * user_data);

// ---------------------------------------------------------------------------------------------
// Models
// ---------------------------------------------------------------------------------------------
typedef enum swaa_device_kind {
    SWAA_DEVICE_AUTO  = 0, // the first GPU device a loaded backend offers, else CPU
    SWAA_DEVICE_CPU   = 1,
    SWAA_DEVICE_GPU   = 2, // the first GPU device; fails with SWAA_ERR_BACKEND if there is none
} swaa_device_kind;

// Return false to abort loading (the load then fails with SWAA_ERR_CANCELLED).
typedef bool (*swaa_load_progress_callback)(float progress, void * user_data);

typedef struct swaa_model_params {
    swaa_device_kind device;                  // default SWAA_DEVICE_AUTO
    bool             use_mmap;                // default true: CPU weights stay in the page cache, no copy
    bool             cpu_repack;              // default true: on the CPU, weights whose type ggml has a
                                              // faster interleaved layout for on this CPU (Q4_0, Q4_K,
                                              // IQ4_NL on AVX2; more on ARM) are converted at load, as
                                              // llama.cpp does (their mapped pages are released)
    swaa_load_progress_callback progress;     // default NULL
    void *           progress_user_data;      // default NULL
    const char *     device_name;             // default NULL: choose by `device`; else a device name from
                                              // swaa_device_get ("Vulkan0", "CUDA0", "CPU"); unknown: SWAA_ERR_BACKEND
    int32_t          n_gpu_layers;            // layers placed on the device, the last ones (weights and KV):
                                              // -1 (default) as many as fit its free memory, 0 none
    int32_t          fit_n_ctx;               // context the automatic fit keeps device room for (a full-attention
                                              // KV cache of this many tokens, which any recipe needs at most);
                                              // default 4096
} swaa_model_params;

swaa_model_params swaa_model_default_params(void);

// Loads and validates a GGUF model (metadata, every tensor's presence, type and shape, file size).
swaa_status swaa_model_load(const char * path, swaa_model_params params, swaa_model ** out_model);
void        swaa_model_free(swaa_model * model);

typedef struct swaa_model_info {
    char     architecture[32];     // "llama", "qwen2", "qwen3"
    char     name[128];            // general.name or ""
    char     weight_type[16];      // the type holding most weight bytes, e.g. "Q8_0"
    char     file_type[32];        // general.file_type as text when present, else weight_type
    char     backend[64];          // the device the weights live on, e.g. "CPU", "CUDA0"
    uint64_t n_params;             // parameters (elements of all tensors)
    uint64_t file_bytes;           // bytes on disk
    uint64_t weight_bytes;         // bytes of tensor data
    uint64_t repacked_bytes;       // of which held in a repacked CPU layout (see cpu_repack)
    int32_t  n_vocab;
    int32_t  n_ctx_train;          // trained context length
    int32_t  n_embd;
    int32_t  n_layer;
    int32_t  n_head;
    int32_t  n_head_kv;
    int32_t  head_dim;             // key/value length per head
    int32_t  n_ff;
    float    rope_freq_base;
    float    rope_freq_scale;      // 1 / linear scaling factor
    bool     tied_embeddings;      // output projection shares token_embd
    int32_t  n_layer_device;       // layers [n_layer - n_layer_device, n_layer) run on `backend`; the rest on the CPU
    uint64_t device_weight_bytes;  // weight bytes on the device (0 on the CPU)
    uint64_t host_weight_bytes;    // weight bytes in host memory (mapped or copied)
} swaa_model_info;

swaa_status swaa_model_get_info(const swaa_model * model, swaa_model_info * out_info);

// The GGUF's tokenizer.chat_template, or NULL when the file has none. Owned by the model.
const char * swaa_model_chat_template(const swaa_model * model);
// Hex digest identifying the model's content (metadata, tensor table and sampled data). Owned by the model.
const char * swaa_model_hash(const swaa_model * model);

// ---------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------
int32_t    swaa_vocab_n_tokens(const swaa_model * model);
swaa_token swaa_vocab_bos(const swaa_model * model);     // -1 if none
swaa_token swaa_vocab_eos(const swaa_model * model);     // -1 if none
bool       swaa_vocab_is_eog(const swaa_model * model, swaa_token token);
bool       swaa_vocab_add_bos(const swaa_model * model); // whether prompts start with BOS

// Tokenizes text. Returns the number of tokens written, or a negative number whose magnitude is the
// count needed when n_tokens_max is too small. add_special: add BOS/EOS as the model requires;
// parse_special: turn special-token text like "<|im_start|>" into its token.
int32_t swaa_tokenize(const swaa_model * model, const char * text, int32_t text_len,
                      swaa_token * tokens, int32_t n_tokens_max, bool add_special, bool parse_special);

// Writes the UTF-8 bytes of one token (may be a partial UTF-8 sequence). Returns the byte count or
// a negative count needed. render_special: write special tokens' text.
int32_t swaa_token_to_piece(const swaa_model * model, swaa_token token, char * buf, int32_t buf_len,
                            bool render_special);

// Turns tokens back into text the way the model's tokenizer does (including its clean-up of spaces
// around punctuation, which some vocabularies ask for: joining token pieces is not always the same
// text). Returns the byte count written, or a negative count needed when text_len_max is too small.
// render_special: write special tokens' text; otherwise they are left out.
int32_t swaa_detokenize(const swaa_model * model, const swaa_token * tokens, int32_t n_tokens, char * text,
                        int32_t text_len_max, bool render_special);

// ---------------------------------------------------------------------------------------------
// Recipes (SWAA)
// ---------------------------------------------------------------------------------------------
#define SWAA_WINDOW_NONE (-1)  // no window: full attention in every layer

typedef enum swaa_fa_layers_pattern {
    SWAA_FA_LAYERS_NONE    = 0, // every layer windowed
    SWAA_FA_LAYERS_ODD     = 1, // layers 1, 3, 5, ... keep full attention
    SWAA_FA_LAYERS_EVEN    = 2, // layers 0, 2, 4, ...
    SWAA_FA_LAYERS_EVERY_N = 3, // layers offset, offset+n, offset+2n, ...
    SWAA_FA_LAYERS_LIST    = 4, // exactly the layers in fa_layers
} swaa_fa_layers_pattern;

#define SWAA_MAX_LAYERS 256

typedef struct swaa_recipe {
    int32_t window;                        // W: keys before the query an SWA layer sees; SWAA_WINDOW_NONE = full attention (default)
    int32_t n_sinks;                       // k: first tokens every query sees (default 0)
    swaa_fa_layers_pattern fa_pattern;     // layers that always attend fully (default NONE)
    int32_t fa_every_n;                    // for EVERY_N: the period n >= 1 (default 0)
    int32_t fa_offset;                     // for EVERY_N: the first layer (default 0)
    int32_t n_fa_layers;                   // for LIST: entries used in fa_layers
    int32_t fa_layers[SWAA_MAX_LAYERS];    // for LIST: layer indices
    bool    fa_decode;                     // generated tokens attend fully in every layer (default false)
    int32_t n_fa_decode_layers;            // > 0: FA decode only in these layers (overrides fa_decode)
    int32_t fa_decode_layers[SWAA_MAX_LAYERS];
    bool    question_fa;                   // the question prefill attends fully (our extension; default false)
} swaa_recipe;

swaa_recipe swaa_recipe_default(void); // full attention

// Checks a recipe against a model (layer indices in range, window >= 0 or NONE, sinks >= 0).
swaa_status swaa_recipe_validate(const swaa_recipe * recipe, int32_t n_layer);

// ---------------------------------------------------------------------------------------------
// Contexts
// ---------------------------------------------------------------------------------------------
typedef enum swaa_kv_type {
    SWAA_KV_F16 = 0, // default: as llama.cpp
    SWAA_KV_F32 = 1, // exact; used by the reference tests
} swaa_kv_type;

typedef struct swaa_context_params {
    int32_t      n_ctx;       // tokens the context holds (default 4096; 0 = the model's trained context)
    int32_t      n_chunk;     // prefill chunk size in tokens (default 512)
    int32_t      n_threads;   // CPU threads (default 0 = hardware concurrency, at most 8)
    swaa_kv_type kv_type;     // default SWAA_KV_F16
    swaa_recipe  recipe;      // default full attention
} swaa_context_params;

swaa_context_params swaa_context_default_params(void);

// Bytes of KV cache a context with these params would allocate for this model.
uint64_t swaa_context_estimate_kv_bytes(const swaa_model * model, swaa_context_params params);

swaa_status swaa_context_create(swaa_model * model, swaa_context_params params, swaa_context ** out_ctx);
void        swaa_context_free(swaa_context * ctx);

typedef enum swaa_phase {
    SWAA_PHASE_DOCUMENT = 0, // windowed per recipe
    SWAA_PHASE_QUESTION = 1, // windowed, or full attention when recipe.question_fa
    SWAA_PHASE_DECODE   = 2, // generated tokens: full attention in the recipe's FA-decode layers
} swaa_phase;

// Progress during prefill: tokens done of total, elapsed ms. Return false to cancel.
typedef bool (*swaa_prefill_progress_callback)(int32_t done, int32_t total, double elapsed_ms, void * user_data);

// Appends tokens to the context in the given phase, chunk by chunk. On SWAA_ERR_CANCELLED the
// context holds every chunk finished before the cancel (n_past says how many) and stays usable.
// logits_all: keep logits for every token of this call (tests), else only for the last.
swaa_status swaa_context_eval(swaa_context * ctx, const swaa_token * tokens, int32_t n_tokens,
                              swaa_phase phase, bool logits_all,
                              swaa_prefill_progress_callback progress, void * user_data);

// Logits after the last eval: row i of the rows kept (i = -1: the last). n_vocab floats, owned by ctx.
const float * swaa_context_logits(const swaa_context * ctx, int32_t i);
int32_t       swaa_context_n_logits(const swaa_context * ctx);

int32_t swaa_context_n_past(const swaa_context * ctx);
int32_t swaa_context_n_ctx(const swaa_context * ctx);
// The tokens the context holds, in order (n_past of them). Owned by ctx.
const swaa_token * swaa_context_tokens(const swaa_context * ctx);

// Asks a running (or the next) eval or generate to stop at the next chunk or token boundary. Any
// thread. The request is cleared when that call returns.
void swaa_context_cancel(swaa_context * ctx);

// Drops every token (and the checkpoint): the context is empty again, its buffers kept.
swaa_status swaa_context_clear(swaa_context * ctx);

// Remembers the current state (e.g. the end of a document) so it can be returned to cheaply.
swaa_status swaa_context_checkpoint(swaa_context * ctx);
// Returns to the checkpoint: drops every token after it, restores ring-buffer rows. No re-prefill.
swaa_status swaa_context_rewind(swaa_context * ctx);
int32_t     swaa_context_checkpoint_n_past(const swaa_context * ctx); // -1 if none

// Saves the current state (tokens, KV rows, recipe) to a file / restores it into a context of the
// same model, recipe and size. The header carries format version, model hash, recipe and token hash.
// A restored state becomes the context's checkpoint (a saved state is a prefilled document).
swaa_status swaa_context_save_file(const swaa_context * ctx, const char * path);
swaa_status swaa_context_load_file(swaa_context * ctx, const char * path);

typedef struct swaa_metrics {
    int32_t  prompt_tokens;       // tokens evaluated in prefill phases since the last reset
    double   prefill_ms;
    int32_t  decode_tokens;       // tokens evaluated in the decode phase since the last reset
    double   decode_ms;
    uint64_t kv_bytes;            // KV cache bytes allocated by this context
    uint64_t compute_bytes;       // compute buffer bytes
    uint64_t device_bytes;        // bytes on the device (its weights + KV + compute); 0 on the CPU
    uint64_t peak_rss_bytes;      // process peak resident set size
    // Attention work actually scheduled: sum over layers and chunks of queries x key rows read.
    uint64_t attn_rows_document;
    uint64_t attn_rows_question;
    uint64_t attn_rows_decode;
    int32_t  n_threads;
    char     backend[64];         // the model's device: "CPU", "Vulkan0", "CUDA0", "Metal" ...
    uint64_t host_bytes;          // bytes in host memory: host weights + host KV + CPU compute
    uint64_t kv_device_bytes;     // of kv_bytes, those on the device
    int32_t  n_layer_device;      // layers on the device (the last ones); the rest run on the CPU
} swaa_metrics;

void swaa_context_get_metrics(const swaa_context * ctx, swaa_metrics * out);
void swaa_context_reset_metrics(swaa_context * ctx);

// Per-layer plan of the context: whether a layer keeps the full cache, and its KV rows allocated.
typedef struct swaa_layer_plan {
    bool    fa_prefill;    // attends fully while reading the document
    bool    fa_decode;     // attends fully while generating
    bool    full_cache;    // keeps every row (otherwise sinks + a ring of window + chunk rows)
    int32_t kv_rows;       // rows allocated
} swaa_layer_plan;
swaa_status swaa_context_layer_plan(const swaa_context * ctx, int32_t layer, swaa_layer_plan * out);

// ---------------------------------------------------------------------------------------------
// Devices and backend libraries
// ---------------------------------------------------------------------------------------------
// Backends are ggml libraries loaded at the first call into the runtime from its own backends folder
// (the folder its libggml-base was loaded from; never the current directory or PATH), each checked
// against the folder's manifest. Builds with ggml compiled in have no folder and load nothing.
typedef enum swaa_device_type {
    SWAA_DEVICE_TYPE_CPU   = 0,
    SWAA_DEVICE_TYPE_GPU   = 1,
    SWAA_DEVICE_TYPE_IGPU  = 2, // integrated GPU (shares host memory)
    SWAA_DEVICE_TYPE_ACCEL = 3,
} swaa_device_type;

typedef struct swaa_device_info {
    char             name[64];         // what device_name takes: "CPU", "Vulkan0", "CUDA0"
    char             description[128]; // "llvmpipe (LLVM 15.0.6, 256 bits)"
    char             backend[32];      // "CPU", "Vulkan", "CUDA"
    swaa_device_type type;
    uint64_t         memory_free;      // bytes, as the backend reports them now
    uint64_t         memory_total;
} swaa_device_info;

int32_t     swaa_device_count(void);
swaa_status swaa_device_get(int32_t index, swaa_device_info * out);

typedef struct swaa_backend_library {
    char file[128];     // "libggml-vulkan.so"
    bool loaded;
    char message[384];  // what it registered, or why it was refused ("built with another ggml ...")
} swaa_backend_library;

int32_t     swaa_backend_library_count(void);
swaa_status swaa_backend_library_get(int32_t index, swaa_backend_library * out);
// The folder backends are loaded from ("" when ggml is compiled in), and why nothing could be loaded
// at all ("" when that did not happen). Static storage.
const char * swaa_backends_folder(void);
const char * swaa_backends_error(void);

// ---------------------------------------------------------------------------------------------
// LoRA adapters (llama.cpp's GGUF adapter format)
// ---------------------------------------------------------------------------------------------
// Loads an adapter for this model (shapes checked against it). The adapter must outlive every
// context it is attached to.
swaa_status swaa_adapter_load(const swaa_model * model, const char * path, swaa_adapter ** out_adapter);
void        swaa_adapter_free(swaa_adapter * adapter);

// Attaches an adapter (NULL detaches) at a scale (1 = as trained). As in SWAA, whose SWA-adapted
// adapters are for long prompts, it applies only to a sequence whose first evaluation is longer than
// the recipe's window; shorter prompts and full-attention recipes run the base weights. Call before
// the first eval of a sequence.
swaa_status swaa_context_set_adapter(swaa_context * ctx, const swaa_adapter * adapter, float scale);
// Whether the current sequence runs with the adapter.
bool        swaa_context_adapter_active(const swaa_context * ctx);

// ---------------------------------------------------------------------------------------------
// Sampling
// ---------------------------------------------------------------------------------------------
typedef struct swaa_sampler_params {
    float    temperature;      // <= 0 = greedy (default 0)
    int32_t  top_k;            // 0 = off (default 40)
    float    top_p;            // 1 = off (default 0.95)
    float    min_p;            // 0 = off (default 0.05)
    float    repeat_penalty;   // 1 = off (default 1.0)
    int32_t  repeat_last_n;    // tokens the penalty looks back over (default 64)
    uint32_t seed;             // default 0xFFFFFFFF = random
} swaa_sampler_params;

swaa_sampler_params swaa_sampler_default_params(void);
swaa_status  swaa_sampler_create(const swaa_model * model, swaa_sampler_params params, swaa_sampler ** out);
void         swaa_sampler_free(swaa_sampler * sampler);
// Samples from the context's last logits and records the token for the repetition penalty.
swaa_token   swaa_sampler_sample(swaa_sampler * sampler, const swaa_context * ctx);
// Records prompt tokens for the repetition penalty without sampling.
void         swaa_sampler_accept(swaa_sampler * sampler, swaa_token token);

// ---------------------------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------------------------
typedef enum swaa_stop_reason {
    SWAA_STOP_EOG          = 0, // the model produced an end-of-generation token (not reported as a token)
    SWAA_STOP_MAX_TOKENS   = 1,
    SWAA_STOP_CANCELLED    = 2, // swaa_context_cancel() or the callback returned false
    SWAA_STOP_CONTEXT_FULL = 3,
} swaa_stop_reason;

// Called with every generated token and its UTF-8 bytes (possibly part of a character).
// Return false to stop.
typedef bool (*swaa_token_callback)(swaa_token token, const char * piece, int32_t piece_len, void * user_data);

// Samples from the last logits, reports the token, evaluates it in the decode phase, and repeats
// until an end-of-generation token, max_tokens, a full context or a cancel. Needs a prior eval.
swaa_status swaa_context_generate(swaa_context * ctx, swaa_sampler * sampler, int32_t max_tokens,
                                  swaa_token_callback callback, void * user_data,
                                  swaa_stop_reason * out_reason, int32_t * out_n_generated);

// ---------------------------------------------------------------------------------------------
// Tools
// ---------------------------------------------------------------------------------------------
// Writes a copy of a GGUF whose 2-D weight matrices are quantized to `type_name` ("Q8_0", "Q4_0",
// "Q4_K", "Q5_K", "Q6_K", "F16", "BF16", "F32"); norms and 1-D tensors stay F32. Each tensor's rows
// are split over n_threads threads (<= 0: hardware concurrency); the file does not depend on it.
swaa_status swaa_quantize_file(const char * in_path, const char * out_path, const char * type_name, int32_t n_threads);

#ifdef __cplusplus
}
#endif
