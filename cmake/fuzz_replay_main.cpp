// Replays libFuzzer corpora without libFuzzer: runs LLVMFuzzerTestOneInput over every regular
// file under each argument (file or directory, recursively). Linked with each *_fuzz.cpp by
// cmake/BiaModule.cmake so `ctest -L fuzz` keeps every corpus entry and past crasher passing
// under the ordinary compiler.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

int RunOne(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "fuzz_replay: cannot read %s\n", file.c_str());
        return 1;
    }
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // A private copy sized exactly, so out-of-bounds reads are as visible as under libFuzzer.
    std::vector<uint8_t> data(bytes.begin(), bytes.end());
    LLVMFuzzerTestOneInput(data.empty() ? nullptr : data.data(), data.size());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    size_t count = 0;
    int failures = 0;
    for (int i = 1; i < argc; ++i) {
        std::filesystem::path root(argv[i]);
        std::error_code ec;
        if (std::filesystem::is_directory(root, ec)) {
            std::vector<std::filesystem::path> files;
            for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
                if (e.is_regular_file()) files.push_back(e.path());
            }
            std::sort(files.begin(), files.end());
            for (const auto& f : files) {
                failures += RunOne(f);
                ++count;
            }
        } else if (std::filesystem::is_regular_file(root, ec)) {
            failures += RunOne(root);
            ++count;
        } else {
            std::fprintf(stderr, "fuzz_replay: no such corpus %s\n", argv[i]);
            ++failures;
        }
    }
    std::printf("fuzz_replay: %zu inputs replayed\n", count);
    if (count == 0) {
        std::fprintf(stderr, "fuzz_replay: empty corpus\n");
        return 1;
    }
    return failures == 0 ? 0 : 1;
}
