// The backends folder's manifest (written by scripts/stage-backends.mjs) and the fingerprint both
// sides compute: which backend libraries belong to this build, and which libggml-base each was built
// with. The loader (backend_loader.cc) refuses any library the manifest does not vouch for.
#pragma once

#include "status.h"

#include <cstdint>
#include <string>
#include <vector>

namespace swaa {

struct ManifestEntry {
    std::string file;         // "libggml-vulkan.so"
    std::string fingerprint;  // of the file itself
    std::string built_with;   // fingerprint of the libggml-base it was built (and shipped) with
    std::string source;       // "linux-x64-vulkan@v0.5.0"
};

struct BackendManifest {
    std::string ggml_base;  // fingerprint of the libggml-base staged with the backends
    std::string release;    // llama.cpp release of the staged libraries
    std::vector<ManifestEntry> entries;
    const ManifestEntry * find(const std::string & file) const;
};

// Parses manifest text; a malformed line is an error naming its number (the file is ours, but a
// damaged one must not be half-trusted).
Status parse_backend_manifest(const std::string & text, BackendManifest & out);
Status read_backend_manifest(const std::string & path, BackendManifest & out);

// FNV-1a 64 over the file size (8 bytes, little endian) and three 64 KiB samples (start, middle,
// end), as 16 hex digits. Cheap enough for every start (the CUDA library is 159 MB); it tells two
// builds apart, it is not a security check. Empty when the file cannot be read.
std::string library_fingerprint(const std::string & path);

}  // namespace swaa
