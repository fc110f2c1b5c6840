// A minimal test harness for the native tests: named cases, CHECK macros that record failures
// with file:line, and a summary. Cases read as a specification; no framework dependency.
#pragma once

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace check {

struct Case {
    std::string suite;
    std::string name;
    std::function<void()> body;
};

std::vector<Case> & registry();
void fail(const char * file, int line, const std::string & what);
int failures_in_current();

struct Register {
    Register(const char * suite, const char * name, std::function<void()> body) {
        registry().push_back({suite, name, std::move(body)});
    }
};

}  // namespace check

#define CHECK_CONCAT2(a, b) a##b
#define CHECK_CONCAT(a, b) CHECK_CONCAT2(a, b)
#define TEST_CASE(suite, name)                                                              \
    static void CHECK_CONCAT(test_fn_, __LINE__)();                                         \
    static check::Register CHECK_CONCAT(test_reg_, __LINE__)(suite, name, CHECK_CONCAT(test_fn_, __LINE__)); \
    static void CHECK_CONCAT(test_fn_, __LINE__)()

#define CHECK(cond)                                                                          \
    do {                                                                                     \
        if (!(cond)) check::fail(__FILE__, __LINE__, "CHECK(" #cond ")");                    \
    } while (0)

#define CHECK_MSG(cond, msg)                                                                 \
    do {                                                                                     \
        if (!(cond)) check::fail(__FILE__, __LINE__, std::string("CHECK(" #cond "): ") + (msg)); \
    } while (0)

#define REQUIRE(cond)                                                                        \
    do {                                                                                     \
        if (!(cond)) {                                                                       \
            check::fail(__FILE__, __LINE__, "REQUIRE(" #cond ")");                           \
            return;                                                                          \
        }                                                                                    \
    } while (0)
