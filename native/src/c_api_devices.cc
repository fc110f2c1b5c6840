// The C API's device and backend-library listing (swaa.h, "Devices and backend libraries").
// Every entry point catches everything: no exception crosses the C API.
#include "backend_loader.h"
#include "runtime_init.h"
#include "status.h"
#include "swaa.h"

#include "ggml-backend.h"

#include <cstdio>
#include <cstring>

namespace {

swaa_device_type device_type(enum ggml_backend_dev_type t) {
    switch (t) {
        case GGML_BACKEND_DEVICE_TYPE_CPU: return SWAA_DEVICE_TYPE_CPU;
        case GGML_BACKEND_DEVICE_TYPE_GPU: return SWAA_DEVICE_TYPE_GPU;
        case GGML_BACKEND_DEVICE_TYPE_IGPU: return SWAA_DEVICE_TYPE_IGPU;
        default: return SWAA_DEVICE_TYPE_ACCEL;
    }
}

}  // namespace

extern "C" {

int32_t swaa_device_count(void) {
    try {
        swaa::runtime_init();
        return (int32_t) ggml_backend_dev_count();
    } catch (...) {
        return 0;
    }
}

swaa_status swaa_device_get(int32_t index, swaa_device_info * out) {
    try {
        if (!out) return swaa::report(swaa::error(SWAA_ERR_INVALID_ARGUMENT, "out must not be NULL"));
        swaa::runtime_init();
        if (index < 0 || (size_t) index >= ggml_backend_dev_count()) {
            return swaa::report(swaa::error(SWAA_ERR_INVALID_ARGUMENT, "device " + std::to_string(index) + " does not exist"));
        }
        ggml_backend_dev_t dev = ggml_backend_dev_get((size_t) index);
        std::memset(out, 0, sizeof(*out));
        std::snprintf(out->name, sizeof(out->name), "%s", ggml_backend_dev_name(dev));
        std::snprintf(out->description, sizeof(out->description), "%s", ggml_backend_dev_description(dev));
        std::snprintf(out->backend, sizeof(out->backend), "%s", ggml_backend_reg_name(ggml_backend_dev_backend_reg(dev)));
        out->type = device_type(ggml_backend_dev_type(dev));
        size_t free = 0, total = 0;
        ggml_backend_dev_memory(dev, &free, &total);
        out->memory_free = free;
        out->memory_total = total;
        return SWAA_OK;
    } catch (...) {
        return swaa::report(swaa::error(SWAA_ERR_INTERNAL, "internal error listing devices"));
    }
}

int32_t swaa_backend_library_count(void) {
    try {
        swaa::runtime_init();
        return (int32_t) swaa::load_backends().libraries.size();
    } catch (...) {
        return 0;
    }
}

swaa_status swaa_backend_library_get(int32_t index, swaa_backend_library * out) {
    try {
        if (!out) return swaa::report(swaa::error(SWAA_ERR_INVALID_ARGUMENT, "out must not be NULL"));
        swaa::runtime_init();
        const auto & libs = swaa::load_backends().libraries;
        if (index < 0 || (size_t) index >= libs.size()) {
            return swaa::report(swaa::error(SWAA_ERR_INVALID_ARGUMENT, "backend library " + std::to_string(index) + " does not exist"));
        }
        std::memset(out, 0, sizeof(*out));
        std::snprintf(out->file, sizeof(out->file), "%s", libs[index].file.c_str());
        out->loaded = libs[index].loaded;
        std::snprintf(out->message, sizeof(out->message), "%s", libs[index].message.c_str());
        return SWAA_OK;
    } catch (...) {
        return swaa::report(swaa::error(SWAA_ERR_INTERNAL, "internal error listing backend libraries"));
    }
}

const char * swaa_backends_folder(void) {
    try {
        swaa::runtime_init();
        return swaa::load_backends().folder.c_str();
    } catch (...) {
        return "";
    }
}

const char * swaa_backends_error(void) {
    try {
        swaa::runtime_init();
        return swaa::load_backends().fatal.c_str();
    } catch (...) {
        return "";
    }
}

}  // extern "C"
