// The saved-state format's hashes, for tools that craft states on purpose (the malformed-input
// tests and the state fuzzer): a crafted file must be refused for what its values mean, so it
// needs hashes that pass. The format itself is described and read in state_file.cc.
#pragma once

#include <string>

namespace swaa {

// Recomputes the token hash and the trailing checksum of a saved state's bytes in place, where the
// header is complete enough to locate them; returns whether both were rewritten.
bool reseal_state_bytes(std::string & bytes);

}  // namespace swaa
