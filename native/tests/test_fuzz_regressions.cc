// Every input that ever crashed the runtime (fuzzer finds, and the crash classes issue 21 reported,
// checked to crash the runtime before the fixes) is kept in fuzz/regressions/<target>/ and replayed
// here through the same target body the fuzzer runs; reaching the end of each is the assertion.
// The state inputs are for the fuzz base model (fuzz_support.cc): changing it turns them into
// plain model-mismatch refusals, so regenerate them with it.
#include "check.h"
#include "fuzz_targets.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

// The files of a corpus folder; false when the folder is missing (a moved corpus would otherwise
// replay nothing and pass).
bool files_in(const std::string & dir, std::vector<std::string> & out) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) return false;
    for (const auto & e : std::filesystem::directory_iterator(dir, ec)) {
        const std::string name = e.path().filename().string();
        if (name[0] != '.') out.push_back(e.path().string());
    }
    std::sort(out.begin(), out.end());
    return true;
}

int replay(const char * target, void (*one)(const uint8_t *, size_t)) {
    std::vector<std::string> files;
    const std::string dir = std::string(SWAA_FUZZ_REGRESSIONS) + "/" + target;
    CHECK_MSG(files_in(dir, files), dir + " is missing");
    int n = 0;
    for (const std::string & path : files) {
        std::ifstream in(path, std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        one(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size());
        n++;
    }
    return n;
}

}  // namespace

TEST_CASE("fuzz-regressions", "every model, state and adapter input that crashed the runtime is now handled") {
    const int n = replay("model", fuzz_one_model) + replay("state", fuzz_one_state) + replay("lora", fuzz_one_lora);
    fprintf(stderr, "    replayed %d regression inputs\n", n);
}
