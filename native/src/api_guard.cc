// Turning a caught exception into a status (see api_guard.h).
#include "api_guard.h"

#include <exception>
#include <new>
#include <string>

namespace swaa {

Status current_exception_status() {
    try {
        throw;
    } catch (const std::bad_alloc &) {
        return error(SWAA_ERR_OUT_OF_MEMORY, "out of memory");
    } catch (const std::exception & e) {
        return error(SWAA_ERR_INTERNAL, std::string("internal error: ") + e.what());
    } catch (...) {
        return error(SWAA_ERR_INTERNAL, "internal error");
    }
}

}  // namespace swaa
