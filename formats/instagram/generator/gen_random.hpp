// The generator's own pseudo-random numbers. The output of an export must be a pure function of
// the seed on every platform, so nothing here uses <random> distributions (their algorithms are
// unspecified and differ between standard libraries) or libm transcendental functions (whose
// last bit may differ between libm versions): only integer arithmetic and IEEE +,-,*,/.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>

namespace dmvault::formats::instagram::generator {

// SplitMix64 (Steele, Lea, Flood 2014): turns any 64-bit value into a well-mixed one; used to
// seed xoshiro and to derive independent streams from (seed, tag, index).
inline std::uint64_t splitmix64(std::uint64_t& state) {
  state += 0x9e3779b97f4a7c15ULL;
  std::uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

inline std::uint64_t mix64(std::uint64_t a, std::uint64_t b, std::uint64_t c = 0) {
  std::uint64_t state = a;
  std::uint64_t h = splitmix64(state);
  state = h ^ b;
  h = splitmix64(state);
  state = h ^ c;
  return splitmix64(state);
}

// Natural logarithm from frexp (exact) and the atanh series: deterministic to the bit.
inline double det_log(double x) {
  int exponent = 0;
  const double mantissa = std::frexp(x, &exponent);  // x = mantissa * 2^exponent, [0.5, 1)
  const double s = (mantissa - 1.0) / (mantissa + 1.0);
  const double s2 = s * s;
  double term = s;
  double sum = 0.0;
  for (int k = 1; k <= 41; k += 2) {
    sum += term / k;
    term *= s2;
  }
  return 2.0 * sum + exponent * 0.69314718055994530942;
}

// xoshiro256** 1.0 (Blackman, Vigna 2018).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) {
    for (auto& word : m_state) {
      word = splitmix64(seed);
    }
  }

  // An independent stream for the object `index` of the kind `tag`.
  static Rng derive(std::uint64_t seed, std::uint64_t tag, std::uint64_t index) {
    return Rng(mix64(seed, tag, index));
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(m_state[1] * 5, 7) * 9;
    const std::uint64_t t = m_state[1] << 17;
    m_state[2] ^= m_state[0];
    m_state[3] ^= m_state[1];
    m_state[1] ^= m_state[2];
    m_state[0] ^= m_state[3];
    m_state[2] ^= t;
    m_state[3] = rotl(m_state[3], 45);
    return result;
  }

  // Uniform in [0, n) by Lemire's multiply-high (the tiny bias is irrelevant here); 0 when n == 0.
  std::uint64_t below(std::uint64_t n) {
    __extension__ using Wide = unsigned __int128;
    return static_cast<std::uint64_t>((static_cast<Wide>(next()) * n) >> 64);
  }

  // Uniform in [lo, hi], both included.
  std::uint64_t between(std::uint64_t lo, std::uint64_t hi) { return lo + below(hi - lo + 1); }

  // Uniform in [0, 1) with 53 random bits.
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  bool chance(double p) { return unit() < p; }

  // Exponentially distributed with the given mean.
  double exponential(double mean) { return -mean * det_log(1.0 - unit()); }

  template <typename T>
  const T& pick(std::span<const T> items) {
    return items[static_cast<std::size_t>(below(items.size()))];
  }

  // An index drawn with probability proportional to weights[i] (all >= 0, sum > 0).
  std::size_t weighted(std::span<const double> weights) {
    double total = 0.0;
    for (const double w : weights) {
      total += w;
    }
    double target = unit() * total;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (target < weights[i]) {
        return i;
      }
      target -= weights[i];
    }
    return weights.size() - 1;
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

  std::uint64_t m_state[4]{};
};

}  // namespace dmvault::formats::instagram::generator
