// Raw bcrypt rate of this machine: THREADS threads each hash with libxcrypt's crypt_r
// (crypt_gensalt_rn "$2b$" + crypt_r, exactly what Bia's BcryptHasher calls) for SECONDS,
// then one JSON line: {"cost":12,"threads":2,"seconds":…,"hashes":…,"hashes_per_s":…,"ms_per_hash":…}
//
//   bcrypt_rate [COST=12] [THREADS=cores] [SECONDS=5]
//   bcrypt_rate hash COST PASSWORD      prints one $2b$ hash (the bench seeds identities with it)
#include <crypt.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
    if (argc == 4 && std::string(argv[1]) == "hash") {
        std::random_device rd;
        char salt[16], setting[64];
        for (char& c : salt) c = static_cast<char>(rd());
        auto data = std::make_unique<crypt_data>();
        const char* out =
            crypt_gensalt_rn("$2b$", std::strtoul(argv[2], nullptr, 10), salt, sizeof salt, setting, sizeof setting)
                ? crypt_r(argv[3], setting, data.get())
                : nullptr;
        if (!out || out[0] == '*') return 1;
        std::printf("%s\n", out);
        return 0;
    }
    const unsigned long cost = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 12;
    unsigned threads = argc > 2 ? static_cast<unsigned>(std::strtoul(argv[2], nullptr, 10)) : 0;
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    const double seconds = argc > 3 ? std::strtod(argv[3], nullptr) : 5.0;

    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    const auto deadline = start + std::chrono::duration<double>(seconds);
    std::atomic<long> hashes{0};
    std::atomic<bool> failed{false};
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            std::mt19937_64 rng(1234 + t);
            auto data = std::make_unique<crypt_data>();
            char salt[16], setting[64];
            // Finish the hash in progress at the deadline: count only whole hashes, and time
            // until the last one ends (below).
            while (Clock::now() < deadline) {
                for (char& c : salt) c = static_cast<char>(rng());
                if (!crypt_gensalt_rn("$2b$", cost, salt, sizeof salt, setting, sizeof setting)) {
                    failed = true;
                    return;
                }
                const std::string password = "correct horse battery " + std::to_string(rng());
                const char* out = crypt_r(password.c_str(), setting, data.get());
                if (!out || out[0] == '*') {
                    failed = true;
                    return;
                }
                ++hashes;
            }
        });
    }
    for (auto& th : pool) th.join();
    if (failed) {
        std::fprintf(stderr, "bcrypt_rate: libxcrypt refused cost %lu\n", cost);
        return 1;
    }
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    const double rate = static_cast<double>(hashes.load()) / elapsed;
    std::printf(
        "{\"cost\":%lu,\"threads\":%u,\"seconds\":%.3f,\"hashes\":%ld,\"hashes_per_s\":%.3f,\"ms_per_hash\":%.1f}\n",
        cost, threads, elapsed, hashes.load(), rate, rate > 0 ? 1000.0 * threads / rate : 0.0);
    return 0;
}
