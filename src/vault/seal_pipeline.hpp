#pragma once
// Seals object frames on two threads while the caller reads and hashes the next bytes.
//
// Sealing a chunk (its id, the compression decision, zstd, XChaCha20-Poly1305) costs as much as
// reading and hashing it, so an import that did both on one core left the other idle; and where
// the caller only streams bytes (the catalog at the end of an import), one sealing thread left
// a core idle. Jobs are sealed in any order and their results handed back in submission order
// to the caller, which alone touches the vault's file and staged index; a job never touches
// them. A chunk's id joins its object's manifest when the chunk is handed back, and a manifest
// is sealed then, on the caller's thread, after every chunk before it. The pipeline is bounded
// (kDepth jobs of at most one chunk), so it adds a few MiB of memory, never more.
//
// The sealing threads read the keys and ask `committed` whether an object is in the last commit
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
#include <utility>
#include <vector>

namespace dmvault::vault {

struct SealJob {
  ObjectKind kind = ObjectKind::blob;
  // A chunk's id is computed on the sealing thread; a whole object's comes with the job.
  std::optional<ObjectId> id;
  // A blob: the first `size` bytes of `buffer` (one from SealPipeline::buffer()).
  PlainBytes buffer;
  std::size_t size = 0;
  // A chunk of a larger object: its id and size are appended here when it is handed back.
  std::shared_ptr<Manifest> chunk_of;
  // A manifest: encoded from this when its turn to be handed back comes, after every chunk
  // submitted before it.
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
  static constexpr std::size_t kThreads = 2;
  static constexpr std::size_t kDepth = 6;
  static constexpr std::size_t kSpareBuffers = kDepth + 2;

  // A submitted job's place in the order results are handed back.
  struct Slot {
    bool sealed = false;
    SealedObject result;
    std::shared_ptr<Manifest> chunk_of;  // a chunk: the manifest its id joins
    std::optional<SealJob> manifest;     // a manifest job, sealed when handed back
  };

  void run();
  SealedObject seal(SealJob& job);
  void hand_back(const Apply& apply);

  const KeySet& m_keys;
  const ObjectId m_vault_id;
  const Committed m_committed;

  std::mutex m_mutex;
  std::condition_variable m_wake;                        // the threads: a job or the stop
  std::condition_variable m_ready;                       // the caller: the next result
  std::deque<std::pair<std::uint64_t, SealJob>> m_todo;  // with their sequence numbers
  std::deque<Slot> m_slots;                              // m_slots[i] is job m_first_slot + i
  std::uint64_t m_first_slot = 0;  // the sequence number of the next result handed back
  std::uint64_t m_next_sequence = 0;
  std::vector<PlainBytes> m_spare;
  std::vector<std::vector<std::uint8_t>> m_spare_frames;
  bool m_stop = false;
  std::size_t m_outstanding = 0;  // submitted, not yet handed back (the caller's thread only)
  std::vector<std::thread> m_threads;
};

}  // namespace dmvault::vault
