# Included before ggml and libllama are added when SWAA_SANITIZE is on (clang only): AddressSanitizer
# and libFuzzer's coverage instrumentation for every library, so a fuzzer sees (and ASan checks)
# the GGUF parser and the vocabulary loader as well as our own code. UBSan is added for the
# runtime's own targets only (fuzz/CMakeLists.txt): ggml's kernels do deliberate unaligned loads.
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "SWAA_SANITIZE needs clang (libFuzzer): configure with CC=clang CXX=clang++")
endif()
add_compile_options(-fsanitize=address -fsanitize=fuzzer-no-link -fno-omit-frame-pointer -g)
add_link_options(-fsanitize=address)
