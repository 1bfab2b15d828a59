// dmvault-bench-crypto: how fast this machine's libsodium opens frames and hashes objects on one
// core, the two things verify must do to every byte (XChaCha20-Poly1305 over the sealed bytes,
// keyed BLAKE2b over the plaintext). scripts/bench turns them into the fastest verify the
// machine's cores could run with nothing else to do.
//
//   dmvault-bench-crypto [SECONDS]
//
// Prints "open MB/s" and "hash MB/s" on two lines, each measured over 1 MiB buffers (a chunk).
#include "crypto/crypto.hpp"
#include "dmvault/secret.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

// Runs `step` (which handles `bytes` bytes) for about `seconds`; returns MB/s.
template <typename Step>
double rate(double seconds, std::size_t bytes, Step step) {
  const auto start = Clock::now();
  std::size_t rounds = 0;
  double elapsed = 0;
  do {
    step();
    ++rounds;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  } while (elapsed < seconds);
  return static_cast<double>(rounds * bytes) / elapsed / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace dmvault;
  const double seconds = argc > 1 ? std::strtod(argv[1], nullptr) : 1.0;
  crypto::initialize();
  constexpr std::size_t kChunk = 1u << 20;
  SecretBytes key(crypto::kKeyBytes);
  crypto::random_bytes(key.span());
  std::vector<std::uint8_t> plain(kChunk);
  crypto::random_bytes(plain);
  const crypto::Nonce nonce = crypto::random_nonce();
  const std::vector<std::uint8_t> sealed = crypto::aead_seal(key, nonce, {}, plain);
  std::vector<std::uint8_t> opened(kChunk);
  bool all_opened = true;
  const double open_rate = rate(seconds, sealed.size(), [&] {
    all_opened = crypto::aead_open(key, nonce, {}, sealed, opened) && all_opened;
  });
  // A call into libsodium, which the compiler cannot leave out.
  const double hash_rate =
      rate(seconds, plain.size(), [&] { (void)crypto::keyed_hash(key, plain); });
  if (!all_opened) {
    std::fprintf(stderr, "dmvault-bench-crypto: a frame sealed here did not open\n");
    return 1;
  }
  std::printf("open %.0f\nhash %.0f\n", open_rate, hash_rate);
  return 0;
}
