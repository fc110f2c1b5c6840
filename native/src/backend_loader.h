// Loads ggml backends as libraries (GGML_BACKEND_DL) from the runtime's own backends folder — the
// folder its libggml-base was loaded from, never the current directory or PATH — and registers them
// with ggml. Each library must be vouched for by the folder's manifest (listed, unchanged, built with
// the libggml-base this process runs); anything else is refused with a reason the app can show.
// In a build with ggml compiled in (no SWAA_BACKEND_DL) there is nothing to load.
#pragma once

#include "backend_manifest.h"

#include <string>
#include <vector>

namespace swaa {

struct BackendLibrary {
    std::string file;     // "libggml-vulkan.so"
    bool loaded = false;
    std::string message;  // why it was refused, or what it registered ("Vulkan: 1 device")
};

struct BackendLoadReport {
    std::string folder;                    // where backends were looked for
    std::string fatal;                     // set when nothing could be loaded at all (ggml mismatch, no manifest)
    std::vector<BackendLibrary> libraries;
};

// The check made before a library is opened: listed in the manifest, fingerprint unchanged, and
// built with the libggml-base whose fingerprint is running_base. Empty when it passes, else why not.
std::string check_backend_library(const BackendManifest & manifest, const std::string & folder,
                                  const std::string & file, const std::string & running_base);

// Loads every backend of the folder once per process (the first call does the work).
const BackendLoadReport & load_backends();

}  // namespace swaa
