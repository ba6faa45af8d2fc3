// rng.h - the benchmark's own pseudo-random numbers: the same bytes on every
// platform and standard library.
//
// std::uniform_int_distribution and friends are implementation-defined, so a
// generated corpus or workload would change with the libstdc++ version.  This
// is xoshiro256** (Blackman and Vigna), seeded through splitmix64, with
// integer-only helpers whose results are fully specified here.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <utility>
#include <vector>

namespace atlas::bench {

// One step of splitmix64: a good 64-bit mix of `x`.
inline std::uint64_t splitmix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// A 64-bit key from several parts (seed, round, unit...), so that each
// decision has its own stream, independent of the order decisions are made in.
inline std::uint64_t mix_key(std::initializer_list<std::uint64_t> parts) {
    std::uint64_t h = 0x6a09e667f3bcc908ULL;
    for (std::uint64_t p : parts) {
        std::uint64_t x = h ^ p;
        h = splitmix64(x);
    }
    return h;
}

// FNV-1a of a string, for keys made from names ("cryoet/dataset").
inline std::uint64_t name_key(std::string_view s) {
    std::uint64_t h = 14695981039346656037ULL;
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    return h;
}

class Rng {
  public:
    explicit Rng(std::uint64_t seed) {
        for (auto& word : s_) word = splitmix64(seed);
    }

    std::uint64_t next() {
        const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const std::uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }

    // Uniform in [0, n); n > 0.  Rejects the low 2^64 mod n values, so the
    // rest is a whole number of runs of n: exact, and rarely loops.
    std::uint64_t below(std::uint64_t n) {
        const std::uint64_t threshold = (0 - n) % n;
        std::uint64_t x = next();
        while (x < threshold) x = next();
        return x % n;
    }

    // Uniform in [lo, hi], inclusive.
    std::uint64_t between(std::uint64_t lo, std::uint64_t hi) { return lo + below(hi - lo + 1); }

    // Uniform in [0, 1) with 53 random bits.
    double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

    // True with probability p.
    bool chance(double p) { return unit() < p; }

    // Fisher-Yates, specified here (std::shuffle is implementation-defined).
    template <class T>
    void shuffle(std::vector<T>& v) {
        for (std::size_t i = v.size(); i > 1; --i) {
            std::size_t j = static_cast<std::size_t>(below(i));
            std::swap(v[i - 1], v[j]);
        }
    }

  private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::uint64_t s_[4];
};

}  // namespace atlas::bench
