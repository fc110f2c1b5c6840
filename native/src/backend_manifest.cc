// Manifest parsing and library fingerprints (see backend_manifest.h).
#include "backend_manifest.h"

#include "fnv1a.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace swaa {

const ManifestEntry * BackendManifest::find(const std::string & file) const {
    auto it = std::find_if(entries.begin(), entries.end(), [&](const ManifestEntry & e) { return e.file == file; });
    return it == entries.end() ? nullptr : &*it;
}

namespace {
std::vector<std::string> split_tabs(const std::string & line) {
    std::vector<std::string> out;
    size_t at = 0;
    while (true) {
        const size_t tab = line.find('\t', at);
        out.push_back(line.substr(at, tab == std::string::npos ? std::string::npos : tab - at));
        if (tab == std::string::npos) return out;
        at = tab + 1;
    }
}
bool is_fingerprint(const std::string & s) {
    return s.size() == 16 && std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}
}  // namespace

Status parse_backend_manifest(const std::string & text, BackendManifest & out) {
    out = BackendManifest{};
    std::istringstream in(text);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
        n++;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line[0] == '#') continue;
        const std::vector<std::string> f = split_tabs(line);
        const std::string where = "backend manifest line " + std::to_string(n);
        if (f[0] == "ggml-base") {
            if (f.size() != 3 || !is_fingerprint(f[1])) return error(SWAA_ERR_BACKEND, where + ": malformed ggml-base line");
            out.ggml_base = f[1];
            out.release = f[2];
            continue;
        }
        if (f.size() != 4 || f[0].empty() || f[0].find('/') != std::string::npos || f[0].find('\\') != std::string::npos ||
            !is_fingerprint(f[1]) || !is_fingerprint(f[2])) {
            return error(SWAA_ERR_BACKEND, where + ": expected <library> <fingerprint> <ggml-base fingerprint> <source>");
        }
        out.entries.push_back({f[0], f[1], f[2], f[3]});
    }
    if (out.ggml_base.empty()) return error(SWAA_ERR_BACKEND, "the backend manifest names no ggml-base");
    return Status::ok();
}

Status read_backend_manifest(const std::string & path, BackendManifest & out) {
    std::ifstream f(path, std::ios::binary);
    if (!f) return error(SWAA_ERR_BACKEND, "no backend manifest at " + path + " (the backends folder was not staged by scripts/build-native.mjs)");
    std::stringstream ss;
    ss << f.rdbuf();
    return parse_backend_manifest(ss.str(), out);
}

std::string library_fingerprint(const std::string & path) {
    constexpr uint64_t kSample = 1 << 16;
    FILE * f = std::fopen(path.c_str(), "rb");
    if (!f) return "";
    struct Closer {
        FILE * f;
        ~Closer() { std::fclose(f); }
    } closer{f};
    if (std::fseek(f, 0, SEEK_END) != 0) return "";
    const long end = std::ftell(f);
    if (end < 0) return "";
    const uint64_t size = (uint64_t) end;
    uint8_t le[8];
    for (int i = 0; i < 8; i++) le[i] = (uint8_t) (size >> (8 * i));
    uint64_t h = fnv1a(kFnv1aSeed, le, 8);
    std::vector<uint8_t> buf((size_t) std::min(kSample, size));
    const uint64_t mid = size / 2 > kSample / 2 ? size / 2 - kSample / 2 : 0;
    for (uint64_t at : {uint64_t(0), mid, size > kSample ? size - kSample : uint64_t(0)}) {
        if (std::fseek(f, (long) at, SEEK_SET) != 0) return "";
        const size_t got = std::fread(buf.data(), 1, buf.size(), f);
        h = fnv1a(h, buf.data(), got);
    }
    char hex[17];
    std::snprintf(hex, sizeof(hex), "%016llx", (unsigned long long) h);
    return hex;
}

}  // namespace swaa
