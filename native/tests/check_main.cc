// Runs the registered native test cases. Arguments filter by suite ("swaa", "api"...).
// The SWAA reference suite prints its own line "swaa: <passed>/<cases> reference cases".
#include "check.h"

#include <cstring>

namespace check {

int g_current_failures = 0;

std::vector<Case> & registry() {
    static std::vector<Case> r;
    return r;
}

void fail(const char * file, int line, const std::string & what) {
    g_current_failures++;
    const char * base = std::strrchr(file, '/');
    fprintf(stderr, "    %s:%d: %s\n", base ? base + 1 : file, line, what.c_str());
}

int failures_in_current() { return g_current_failures; }

}  // namespace check

int main(int argc, char ** argv) {
    std::vector<std::string> suites(argv + 1, argv + argc);
    int passed = 0, failed = 0;
    for (const check::Case & c : check::registry()) {
        bool selected = suites.empty();
        for (const std::string & s : suites) selected = selected || s == c.suite;
        if (!selected) continue;
        check::g_current_failures = 0;
        c.body();
        const bool ok = check::g_current_failures == 0;
        printf("%s %s: %s\n", ok ? "ok  " : "FAIL", c.suite.c_str(), c.name.c_str());
        fflush(stdout);
        (ok ? passed : failed)++;
    }
    printf("native: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
