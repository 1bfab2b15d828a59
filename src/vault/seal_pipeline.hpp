#pragma once
// Seals object frames on a second thread while the caller reads and hashes the next bytes.
//
// Sealing a chunk (its id, the compression decision, zstd, XChaCha20-Poly1305) costs as much as
// reading and hashing it, so an import that did both on one core left the other idle. Jobs are
// sealed in submission order and their results handed back in that order to the caller, which
// alone touches the vault's file and staged index; a job never touches them. The pipeline is
// bounded (kDepth jobs of at most one chunk), so it adds a few MiB of memory, never more.
//
// The sealing thread reads the keys and asks `committed` whether an object is in the last commit
// (so that an object imported before is not sealed again); neither may change while jobs are
// outstanding: the vault settles the pipeline before it commits.
#include "dmvault/secret.hpp"
#include "vault/format.hpp"
#include "vault/frames.hpp"
#include "vault/keys.hpp"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace dmvault::vault {

struct SealJob {
  ObjectKind kind = ObjectKind::blob;
  // A chunk's id is computed on the sealing thread; a whole object's comes with the job.
  std::optional<ObjectId> id;
  // A blob: the first `size` bytes of `buffer` (one from SealPipeline::buffer()).
  PlainBytes buffer;
  std::size_t size = 0;
  // A chunk of a larger object: its id and size are appended here once computed.
  std::shared_ptr<Manifest> chunk_of;
  // A manifest: encoded from this when the job is sealed, after every chunk submitted before it.
  std::shared_ptr<Manifest> manifest;
};

struct SealedObject {
  ObjectId id{};
  ObjectKind kind = ObjectKind::blob;
  std::uint64_t size = 0;  // the object's size (a manifest: the whole object's)
  // Empty when the object is in the last commit already.
  std::vector<std::uint8_t> frame;
  std::exception_ptr error;  // sealing failed: the frame is empty
};

class SealPipeline {
 public:
  using Committed = std::function<bool(const ObjectId&)>;
  using Apply = std::function<void(SealedObject&)>;

  SealPipeline(const KeySet& keys, const ObjectId& vault_id, Committed committed);
  // Stops the thread; jobs not handed back are dropped (their bytes wiped).
  ~SealPipeline();
  SealPipeline(const SealPipeline&) = delete;
  SealPipeline& operator=(const SealPipeline&) = delete;

  // A zero-filled chunk-sized buffer for a job (buffers come back wiped from sealed jobs).
  PlainBytes buffer();
  // Queues a job; when the pipeline is full, first hands sealed results to `apply`.
  void submit(SealJob job, const Apply& apply);
  // Hands every outstanding result to `apply`, in submission order, waiting for the last. If
  // `apply` throws, the results not yet handed over are dropped and the exception propagates.
  void settle(const Apply& apply);
  std::size_t outstanding() const { return m_outstanding; }

 private:
  static constexpr std::size_t kDepth = 4;
  static constexpr std::size_t kSpareBuffers = kDepth + 2;

  void run();
  SealedObject seal(SealJob& job);
  void hand_back(const Apply& apply);

  const KeySet& m_keys;
  const ObjectId m_vault_id;
  const Committed m_committed;

  std::mutex m_mutex;
  std::condition_variable m_wake;   // the thread: a job or the stop
  std::condition_variable m_ready;  // the caller: a result
  std::deque<SealJob> m_todo;
  std::deque<SealedObject> m_done;
  std::vector<PlainBytes> m_spare;
  std::vector<std::vector<std::uint8_t>> m_spare_frames;
  std::size_t m_busy = 0;
  bool m_stop = false;
  std::size_t m_outstanding = 0;  // submitted, not yet handed back (the caller's thread only)
  std::thread m_thread;
};

}  // namespace dmvault::vault
