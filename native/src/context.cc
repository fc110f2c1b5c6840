// Chunked evaluation under a recipe, checkpoints, metrics.
#include "context.h"

#include "cpu_backend.h"

#include <algorithm>
#include <cstring>
#include <thread>

#ifdef _WIN32
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <psapi.h>
#else
#include <sys/resource.h>
#endif

namespace swaa {

uint64_t peak_rss_bytes() {
#ifdef _WIN32
    PROCESS_MEMORY_COUNTERS pmc;
    if (GetProcessMemoryInfo(GetCurrentProcess(), &pmc, sizeof(pmc))) return pmc.PeakWorkingSetSize;
    return 0;
#else
    struct rusage ru {};
    getrusage(RUSAGE_SELF, &ru);
#if defined(__APPLE__)
    return (uint64_t) ru.ru_maxrss;
#else
    return (uint64_t) ru.ru_maxrss * 1024;
#endif
#endif
}

Context::~Context() {
    if (sched_) ggml_backend_sched_free(sched_);
    if (gpu_) ggml_backend_free(gpu_);
    if (cpu_) ggml_backend_free(cpu_);
}

Status Context::create(Model & model, const swaa_context_params & params, std::unique_ptr<Context> & out) {
    std::unique_ptr<Context> c(new Context(model));
    SWAA_TRY(c->init(params));
    out = std::move(c);
    return Status::ok();
}

Status Context::init(const swaa_context_params & p) {
    params_ = p;
    const HParams & hp = model_.hparams;
    if (params_.n_ctx == 0) params_.n_ctx = hp.n_ctx_train;
    if (params_.n_ctx < 1 || params_.n_ctx > (1 << 24)) {
        return error(SWAA_ERR_INVALID_ARGUMENT, "context size must be between 1 and 16777216 tokens (got " + std::to_string(params_.n_ctx) + ")");
    }
    if (params_.n_chunk < 1 || params_.n_chunk > 65536) {
        return error(SWAA_ERR_INVALID_ARGUMENT, "chunk size must be between 1 and 65536 tokens (got " + std::to_string(params_.n_chunk) + ")");
    }
    if (params_.n_threads <= 0) params_.n_threads = (int32_t) std::min(8u, std::max(1u, std::thread::hardware_concurrency()));
    if (params_.kv_type != SWAA_KV_F16 && params_.kv_type != SWAA_KV_F32) {
        return error(SWAA_ERR_INVALID_ARGUMENT, "unknown KV cache type");
    }
    SWAA_TRY(resolve_recipe(params_.recipe, hp.n_layer, recipe_));

    SWAA_TRY(start_cpu_backend(params_.n_threads, cpu_));
    if (model_.gpu_device) {
        gpu_ = ggml_backend_dev_init(model_.gpu_device, nullptr);
        if (!gpu_) return error(SWAA_ERR_BACKEND, std::string("the GPU backend ") + ggml_backend_dev_name(model_.gpu_device) + " failed to start");
    }
    // Each layer's KV lives where the layer's weights live (model_offload.cc).
    std::vector<ggml_backend_buffer_type_t> kv_buft(hp.n_layer, ggml_backend_cpu_buffer_type());
    for (int il = model_.first_device_layer(); gpu_ && il < hp.n_layer; il++) kv_buft[il] = ggml_backend_get_default_buffer_type(gpu_);
    const ggml_type kv_type = params_.kv_type == SWAA_KV_F32 ? GGML_TYPE_F32 : GGML_TYPE_F16;
    SWAA_TRY(cache_.init(recipe_, params_.n_ctx, params_.n_chunk, hp.n_embd_k_gqa(), hp.n_embd_v_gqa(), kv_type, kv_buft));

    std::vector<ggml_backend_t> backends;
    if (gpu_) backends.push_back(gpu_);
    backends.push_back(cpu_);
    sched_ = ggml_backend_sched_new(backends.data(), nullptr, (int) backends.size(), kGraphMaxNodes, false, true);
    if (!sched_) return error(SWAA_ERR_BACKEND, "could not create the graph scheduler");
    graph_meta_.resize(ggml_tensor_overhead() * kGraphMaxNodes + ggml_graph_overhead_custom(kGraphMaxNodes, false));
    return reserve_compute();
}

Status Context::reserve_compute() {
    // Allocate the compute buffers once for the largest chunk graph this context can build (a full
    // chunk attending to every row in every layer). Without this the scheduler grows its buffers
    // chunk by chunk as the attended rows grow, and every regrowth pays for fresh pages: the first
    // prefill of a process ran 4-6x slower than later ones.
    const HParams & hp = model_.hparams;
    const int32_t n = std::min(params_.n_chunk, params_.n_ctx);
    // Full-cache layers read every row; ring layers (which never attend fully) read the whole ring.
    AttnPlan worst, ring;
    worst.kind = AttnKind::Full;
    worst.ranges.push_back({0, params_.n_ctx});
    worst.key_pos.assign(params_.n_ctx, 0);
    ChunkShape shape;
    shape.n = n;
    shape.n_out = 1;
    shape.layer_kind.resize(hp.n_layer);
    shape.plans[(int) AttnKind::Full] = &worst;
    if (cache_.has_ring_layers()) {
        ring.kind = AttnKind::SwaRing;
        ring.ranges.push_back({0, cache_.ring().rows()});
        ring.key_pos.assign(cache_.ring().rows(), 0);
        shape.plans[(int) AttnKind::SwaRing] = &ring;
    }
    for (int il = 0; il < hp.n_layer; il++) shape.layer_kind[il] = cache_.is_full(il) ? AttnKind::Full : AttnKind::SwaRing;
    ggml_init_params ip{};
    ip.mem_size = graph_meta_.size();
    ip.mem_buffer = graph_meta_.data();
    ip.no_alloc = true;
    ggml_context * gctx = ggml_init(ip);
    ggml_cgraph * gf = ggml_new_graph_custom(gctx, kGraphMaxNodes, false);
    build_chunk_graph(gctx, gf, model_, cache_, shape);
    const bool ok = ggml_backend_sched_reserve(sched_, gf);
    ggml_free(gctx);
    if (!ok) return error(SWAA_ERR_OUT_OF_MEMORY, "not enough memory for the compute buffers of a " + std::to_string(n) + "-token chunk");
    return Status::ok();
}

const float * Context::logits(int32_t i) const {
    if (n_logits_ == 0) return nullptr;
    if (i < 0) i = n_logits_ + i;
    if (i < 0 || i >= n_logits_) return nullptr;
    return logits_.data() + (size_t) i * model_.hparams.n_vocab;
}

Status Context::eval(const swaa_token * tokens, int32_t n, swaa_phase phase, bool logits_all,
                     swaa_prefill_progress_callback progress, void * user_data) {
    Status st = eval_keep_cancel(tokens, n, phase, logits_all, progress, user_data);
    clear_cancel();
    return st;
}

Status Context::eval_keep_cancel(const swaa_token * tokens, int32_t n, swaa_phase phase, bool logits_all,
                                 swaa_prefill_progress_callback progress, void * user_data) {
    if (n <= 0) return error(SWAA_ERR_INVALID_ARGUMENT, "nothing to evaluate (0 tokens)");
    if (!tokens) return error(SWAA_ERR_INVALID_ARGUMENT, "tokens is NULL");
    if (phase != SWAA_PHASE_DOCUMENT && phase != SWAA_PHASE_QUESTION && phase != SWAA_PHASE_DECODE) {
        return error(SWAA_ERR_INVALID_ARGUMENT, "unknown phase");
    }
    if (phase == SWAA_PHASE_DECODE && n_past() == 0) {
        return error(SWAA_ERR_PHASE, "decode needs a prompt: prefill a document or question first");
    }
    if ((int64_t) n_past() + n > params_.n_ctx) {
        return error(SWAA_ERR_CONTEXT_OVERFLOW, "the context holds " + std::to_string(params_.n_ctx) + " tokens; " +
                                                    std::to_string(n_past()) + " are used and " + std::to_string(n) +
                                                    " more do not fit");
    }
    SWAA_TRY(model_.check_tokens(tokens, n));
    n_logits_ = 0;
    logits_.clear();
    if (n_past() == 0) {
        // SWAA's adapted LoRA is for prompts the window cannot cover.
        adapter_active_ = adapter_ && recipe_.windowed && n > recipe_.window;
    }
    const auto t0 = std::chrono::steady_clock::now();
    const int32_t chunk = phase == SWAA_PHASE_DECODE ? 1 : params_.n_chunk;
    int32_t done = 0;
    while (done < n) {
        if (cancel_requested()) {
            return error(SWAA_ERR_CANCELLED, "cancelled after " + std::to_string(done) + " of " + std::to_string(n) + " tokens");
        }
        const int32_t m = std::min(chunk, n - done);
        // Logits only for the rows asked for; the final row of the call always.
        SWAA_TRY(eval_chunk(tokens + done, m, phase, logits_all, done + m == n));
        done += m;
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        if (progress && !progress(done, n, ms, user_data) && done < n) cancel();
    }
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (phase == SWAA_PHASE_DECODE) {
        decode_tokens_ += n;
        decode_ms_ += ms;
    } else {
        prompt_tokens_ += n;
        prefill_ms_ += ms;
    }
    return Status::ok();
}

namespace {
// Inputs the graph does not use (e.g. full-layer slots when every layer is a ring) get no buffer.
void set_input(ggml_tensor * t, const void * data, size_t offset, size_t size) {
    if (t && t->buffer) ggml_backend_tensor_set(t, data, offset, size);
}
}  // namespace

Status Context::eval_chunk(const swaa_token * tokens, int32_t n, swaa_phase phase, bool logits_all, bool last_chunk) {
    const HParams & hp = model_.hparams;
    const int32_t s = n_past();
    // The ring slot table must hold this chunk's positions before masks are planned: the chunk's
    // keys are written before its attention reads them.
    std::vector<int32_t> saved_slot_pos = cache_.ring_slot_pos;
    const int32_t saved_filled = cache_.ring_filled;
    cache_.note_written(s, n);

    ChunkShape shape;
    shape.n = n;
    // A chunk before the call's last needs no logits: its graph stops after the last layer's
    // keys and values are written (no final FFN, no vocabulary projection).
    shape.n_out = logits_all ? n : last_chunk ? 1 : 0;
    shape.layer_kind.resize(hp.n_layer);
    if (adapter_active_) {
        shape.lora = adapter_;
        shape.lora_scale = adapter_scale_;
    }
    std::array<AttnPlan, 3> plans;
    for (int il = 0; il < hp.n_layer; il++) {
        const AttnKind kind = attn_kind(recipe_, cache_, il, phase);
        shape.layer_kind[il] = kind;
        // The last layer attends only in chunks that produce logits (see shape.n_out above): no plan,
        // no mask and no attended rows for it otherwise.
        if (shape.n_out == 0 && il == hp.n_layer - 1) continue;
        if (!shape.plans[(int) kind]) {
            plan_chunk(kind, recipe_, cache_, s, n, plans[(int) kind]);
            shape.plans[(int) kind] = &plans[(int) kind];
        }
        attn_rows_[phase] += (uint64_t) n * (uint64_t) shape.plans[(int) kind]->n_attended();
    }

    ggml_init_params ip{};
    ip.mem_size = graph_meta_.size();
    ip.mem_buffer = graph_meta_.data();
    ip.no_alloc = true;
    ggml_context * gctx = ggml_init(ip);
    struct CtxGuard {
        ggml_context * c;
        ~CtxGuard() { ggml_free(c); }
    } guard{gctx};
    ggml_cgraph * gf = ggml_new_graph_custom(gctx, kGraphMaxNodes, false);
    ChunkInputs in = build_chunk_graph(gctx, gf, model_, cache_, shape);

    auto restore_ring = [&] {
        cache_.ring_slot_pos = saved_slot_pos;
        cache_.ring_filled = saved_filled;
    };
    ggml_backend_sched_reset(sched_);
    if (!ggml_backend_sched_alloc_graph(sched_, gf)) {
        restore_ring();
        return error(SWAA_ERR_OUT_OF_MEMORY, "not enough memory for the compute buffers of a " + std::to_string(n) + "-token chunk");
    }

    std::vector<int32_t> pos(n);
    std::vector<int64_t> slots_full(n), slots_ring(n);
    for (int32_t i = 0; i < n; i++) {
        pos[i] = s + i;
        slots_full[i] = s + i;
        slots_ring[i] = cache_.ring().ring > 0 ? cache_.ring().slot_of(s + i) : 0;
    }
    set_input(in.tokens, tokens, 0, sizeof(int32_t) * n);
    set_input(in.positions, pos.data(), 0, sizeof(int32_t) * n);
    set_input(in.slots_full, slots_full.data(), 0, sizeof(int64_t) * n);
    if (in.slots_ring) set_input(in.slots_ring, slots_ring.data(), 0, sizeof(int64_t) * n);
    for (int k = 0; k < 3; k++) {
        ggml_tensor * mask = in.masks[k];
        if (!mask || !mask->buffer) continue;  // no layer of the graph reads it
        if (ggml_backend_buffer_is_host(mask->buffer)) {
            fill_mask(plans[k], recipe_, s, n, static_cast<ggml_fp16_t *>(mask->data));
        } else {
            mask_staging_.resize((size_t) n * plans[k].n_kv());
            fill_mask(plans[k], recipe_, s, n, mask_staging_.data());
            ggml_backend_tensor_set(mask, mask_staging_.data(), 0, mask_staging_.size() * sizeof(ggml_fp16_t));
        }
    }
    if (in.out_ids) {
        const int32_t last = n - 1;
        set_input(in.out_ids, &last, 0, sizeof(int32_t));
    }
    set_cpu_threads(cpu_, params_.n_threads);
    if (ggml_backend_sched_graph_compute(sched_, gf) != GGML_STATUS_SUCCESS) {
        restore_ring();
        return error(SWAA_ERR_BACKEND, "the backend failed to compute a chunk");
    }
    if (shape.n_out > 0) {
        const int32_t n_vocab = hp.n_vocab;
        logits_.resize((size_t) (n_logits_ + shape.n_out) * n_vocab);
        ggml_backend_tensor_get(in.logits, logits_.data() + (size_t) n_logits_ * n_vocab, 0,
                                sizeof(float) * (size_t) shape.n_out * n_vocab);
        n_logits_ += shape.n_out;
    }
    tokens_.insert(tokens_.end(), tokens, tokens + n);
    return Status::ok();
}

void Context::truncate(int32_t n) { tokens_.resize(n); }

Status Context::set_adapter(const LoraAdapter * adapter, float scale) {
    if (adapter && adapter->model() != &model_) return error(SWAA_ERR_INVALID_ARGUMENT, "the adapter was loaded for another model");
    if (n_past() > 0) return error(SWAA_ERR_PHASE, "attach the adapter before the first evaluation of a sequence");
    adapter_ = adapter;
    adapter_scale_ = scale;
    return Status::ok();
}

Status Context::clear() {
    tokens_.clear();
    cache_.reset();
    cp_n_past_ = -1;
    cp_ring_.clear();
    n_logits_ = 0;
    logits_.clear();
    adapter_active_ = false;
    return Status::ok();
}

Status Context::checkpoint() {
    if (n_past() == 0) return error(SWAA_ERR_PHASE, "nothing to checkpoint: the context is empty");
    cp_n_past_ = n_past();
    if (cache_.has_ring_layers()) {
        cache_.read_ring(cp_ring_);
        cp_slot_pos_ = cache_.ring_slot_pos;
        cp_ring_filled_ = cache_.ring_filled;
    }
    return Status::ok();
}

Status Context::rewind() {
    if (cp_n_past_ < 0) return error(SWAA_ERR_PHASE, "no checkpoint to rewind to");
    truncate(cp_n_past_);
    if (cache_.has_ring_layers()) {
        cache_.write_ring(cp_ring_);
        cache_.ring_slot_pos = cp_slot_pos_;
        cache_.ring_filled = cp_ring_filled_;
    }
    n_logits_ = 0;
    logits_.clear();
    return Status::ok();
}

void Context::get_metrics(swaa_metrics & m) const {
    std::memset(&m, 0, sizeof(m));
    m.prompt_tokens = prompt_tokens_;
    m.prefill_ms = prefill_ms_;
    m.decode_tokens = decode_tokens_;
    m.decode_ms = decode_ms_;
    m.kv_bytes = cache_.bytes();
    uint64_t compute = 0;
    if (sched_) {
        compute += ggml_backend_sched_get_buffer_size(sched_, cpu_);
        if (gpu_) compute += ggml_backend_sched_get_buffer_size(sched_, gpu_);
    }
    m.compute_bytes = compute;
    m.kv_device_bytes = cache_.device_bytes();
    const uint64_t gpu_compute = gpu_ && sched_ ? ggml_backend_sched_get_buffer_size(sched_, gpu_) : 0;
    m.device_bytes = gpu_ ? model_.info.device_weight_bytes + m.kv_device_bytes + gpu_compute : 0;
    m.host_bytes = model_.info.host_weight_bytes + (m.kv_bytes - m.kv_device_bytes) + (compute - gpu_compute);
    m.n_layer_device = model_.n_layer_device;
    m.peak_rss_bytes = peak_rss_bytes();
    m.attn_rows_document = attn_rows_[SWAA_PHASE_DOCUMENT];
    m.attn_rows_question = attn_rows_[SWAA_PHASE_QUESTION];
    m.attn_rows_decode = attn_rows_[SWAA_PHASE_DECODE];
    m.n_threads = params_.n_threads;
    snprintf(m.backend, sizeof(m.backend), "%s", gpu_ ? ggml_backend_name(gpu_) : "CPU");
}

void Context::reset_metrics() {
    prompt_tokens_ = 0;
    prefill_ms_ = 0;
    decode_tokens_ = 0;
    decode_ms_ = 0;
    attn_rows_[0] = attn_rows_[1] = attn_rows_[2] = 0;
}

Status Context::layer_plan(int32_t layer, swaa_layer_plan & out) const {
    if (layer < 0 || layer >= model_.hparams.n_layer) {
        return error(SWAA_ERR_INVALID_ARGUMENT, "layer " + std::to_string(layer) + " does not exist");
    }
    const LayerAttention & l = recipe_.layers[layer];
    out.fa_prefill = l.fa_document;
    out.fa_decode = l.fa_decode;
    out.full_cache = cache_.is_full(layer);
    out.kv_rows = cache_.rows(layer);
    return Status::ok();
}

}  // namespace swaa
