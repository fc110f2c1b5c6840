// Conversions between JS objects and the C structs of swaa.h, with type checks at the boundary.
#include "handles.h"

#include <cstring>

namespace {

int32_t get_int(const Napi::Object & o, const char * key, int32_t fallback) {
    Napi::Value v = o.Get(key);
    if (v.IsUndefined() || v.IsNull()) return fallback;
    if (!v.IsNumber()) throw Napi::TypeError::New(o.Env(), std::string(key) + " must be a number");
    double d = v.As<Napi::Number>().DoubleValue();
    if (d != (double) (int64_t) d) throw Napi::TypeError::New(o.Env(), std::string(key) + " must be an integer");
    return (int32_t) d;
}

void read_layer_list(const Napi::Value & v, int32_t * out, int32_t & n, const char * what) {
    if (!v.IsArray()) throw Napi::TypeError::New(v.Env(), std::string(what) + " must be an array of layer indices");
    Napi::Array a = v.As<Napi::Array>();
    if (a.Length() > SWAA_MAX_LAYERS) throw Napi::RangeError::New(v.Env(), std::string(what) + " is too long");
    n = (int32_t) a.Length();
    for (uint32_t i = 0; i < a.Length(); i++) {
        Napi::Value e = a.Get(i);
        if (!e.IsNumber()) throw Napi::TypeError::New(v.Env(), std::string(what) + " must hold numbers");
        out[i] = e.As<Napi::Number>().Int32Value();
    }
}

}  // namespace

Napi::Object ConvertModelInfo(Napi::Env env, const swaa_model_info & i) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("architecture", i.architecture);
    o.Set("name", i.name);
    o.Set("weightType", i.weight_type);
    o.Set("fileType", i.file_type);
    o.Set("backend", i.backend);
    o.Set("nParams", (double) i.n_params);
    o.Set("fileBytes", (double) i.file_bytes);
    o.Set("weightBytes", (double) i.weight_bytes);
    o.Set("repackedBytes", (double) i.repacked_bytes);
    o.Set("nVocab", i.n_vocab);
    o.Set("nCtxTrain", i.n_ctx_train);
    o.Set("nEmbd", i.n_embd);
    o.Set("nLayer", i.n_layer);
    o.Set("nHead", i.n_head);
    o.Set("nHeadKv", i.n_head_kv);
    o.Set("headDim", i.head_dim);
    o.Set("nFf", i.n_ff);
    o.Set("ropeFreqBase", i.rope_freq_base);
    o.Set("ropeFreqScale", i.rope_freq_scale);
    o.Set("tiedEmbeddings", i.tied_embeddings);
    o.Set("nLayerDevice", i.n_layer_device);
    o.Set("deviceWeightBytes", (double) i.device_weight_bytes);
    o.Set("hostWeightBytes", (double) i.host_weight_bytes);
    return o;
}

Napi::Object ConvertMetrics(Napi::Env env, const swaa_metrics & m) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("promptTokens", m.prompt_tokens);
    o.Set("prefillMs", m.prefill_ms);
    o.Set("decodeTokens", m.decode_tokens);
    o.Set("decodeMs", m.decode_ms);
    o.Set("kvBytes", (double) m.kv_bytes);
    o.Set("computeBytes", (double) m.compute_bytes);
    o.Set("deviceBytes", (double) m.device_bytes);
    o.Set("peakRssBytes", (double) m.peak_rss_bytes);
    o.Set("attnRowsDocument", (double) m.attn_rows_document);
    o.Set("attnRowsQuestion", (double) m.attn_rows_question);
    o.Set("attnRowsDecode", (double) m.attn_rows_decode);
    o.Set("threads", m.n_threads);
    o.Set("backend", m.backend);
    o.Set("hostBytes", (double) m.host_bytes);
    o.Set("kvDeviceBytes", (double) m.kv_device_bytes);
    o.Set("nLayerDevice", m.n_layer_device);
    return o;
}

swaa_context_params ReadContextParams(const Napi::Object & o) {
    Napi::Env env = o.Env();
    swaa_context_params p = swaa_context_default_params();
    p.n_ctx = get_int(o, "contextSize", p.n_ctx);
    p.n_chunk = get_int(o, "chunkSize", p.n_chunk);
    p.n_threads = get_int(o, "threads", p.n_threads);
    Napi::Value kv = o.Get("kvType");
    if (kv.IsString()) {
        const std::string t = kv.As<Napi::String>();
        if (t == "f16") p.kv_type = SWAA_KV_F16;
        else if (t == "f32") p.kv_type = SWAA_KV_F32;
        else throw Napi::TypeError::New(env, "kvType must be 'f16' or 'f32'");
    }
    Napi::Value rv = o.Get("recipe");
    if (!rv.IsObject()) return p;
    Napi::Object r = rv.As<Napi::Object>();
    swaa_recipe & rec = p.recipe;
    rec.window = get_int(r, "window", SWAA_WINDOW_NONE);
    rec.n_sinks = get_int(r, "sinks", 0);
    Napi::Value fa = r.Get("faLayers");
    if (fa.IsObject()) {
        Napi::Object f = fa.As<Napi::Object>();
        const std::string kind = f.Get("kind").IsString() ? f.Get("kind").As<Napi::String>().Utf8Value() : "none";
        if (kind == "none") rec.fa_pattern = SWAA_FA_LAYERS_NONE;
        else if (kind == "odd") rec.fa_pattern = SWAA_FA_LAYERS_ODD;
        else if (kind == "even") rec.fa_pattern = SWAA_FA_LAYERS_EVEN;
        else if (kind == "everyN") {
            rec.fa_pattern = SWAA_FA_LAYERS_EVERY_N;
            rec.fa_every_n = get_int(f, "n", 0);
            rec.fa_offset = get_int(f, "offset", 0);
        } else if (kind == "list") {
            rec.fa_pattern = SWAA_FA_LAYERS_LIST;
            read_layer_list(f.Get("layers"), rec.fa_layers, rec.n_fa_layers, "faLayers.layers");
        } else {
            throw Napi::TypeError::New(env, "faLayers.kind must be none, odd, even, everyN or list (got '" + kind + "')");
        }
    }
    Napi::Value fd = r.Get("faDecode");
    if (fd.IsBoolean()) {
        rec.fa_decode = fd.As<Napi::Boolean>().Value();
    } else if (fd.IsArray()) {
        read_layer_list(fd, rec.fa_decode_layers, rec.n_fa_decode_layers, "faDecode");
        rec.fa_decode = false;
    }
    Napi::Value qf = r.Get("questionFa");
    rec.question_fa = qf.IsBoolean() && qf.As<Napi::Boolean>().Value();
    return p;
}
