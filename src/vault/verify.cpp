// verify: reads the whole file and reports damage without changing anything.
//
// The full check walks every frame from the first to the end of the last commit, authenticates
// each one, recomputes every object id from its plaintext (a full chunk's as part of its whole
// object when that object vouches for it: see OpenedFrameAndId), checks the commit chain, and
// checks the last commit's index against the frames both ways. Each finding names the offset and
// what is affected, so a user knows whether a photo or the catalog was hit.
#include "dmvault/verify.hpp"

#include "crypto/crypto.hpp"
#include "dmvault/error.hpp"
#include "vault/format.hpp"
#include "vault/frames.hpp"
#include "vault/keys.hpp"
#include "vault/open_state.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

namespace dmvault {

using namespace dmvault::vault;

namespace {

std::string short_id(const ObjectId& id) { return to_hex(std::span(id).first(8)); }

struct WalkedFrame {
  FrameHeader header;
  std::uint32_t length = 0;
  bool authentic = false;
  std::array<std::uint8_t, kTagSize> tag{};
  std::uint64_t content_size = 0;
  // A manifest whose chunks the walk met just before it, in order: whether its id is the id of
  // their bytes, decided in passing (ChunkRun). Unset: its chunks are read again at the end.
  std::optional<bool> whole_id_matches;
};

// Threads that run tasks taken from one queue in the order given, kept for the whole walk (a
// thread per task cost more in fresh memory, page by page, than it saved). With one thread,
// tasks also end in that order. submit waits while `max_waiting` tasks wait; destroying it
// waits for the tasks running and drops those not started.
class TaskThreads {
 public:
  TaskThreads(std::size_t threads, std::size_t max_waiting) : m_max_waiting(max_waiting) {
    for (std::size_t i = 0; i < threads; ++i) m_threads.emplace_back([this] { work(); });
  }
  TaskThreads(const TaskThreads&) = delete;
  TaskThreads& operator=(const TaskThreads&) = delete;
  ~TaskThreads() {
    {
      const std::lock_guard lock(m_mutex);
      m_stopping = true;
      m_queue.clear();
    }
    m_changed.notify_all();
    for (std::thread& thread : m_threads) thread.join();
  }

  void submit(std::function<void()> task) {
    {
      std::unique_lock lock(m_mutex);
      m_changed.wait(lock, [&] { return m_queue.size() < m_max_waiting; });
      m_queue.push_back(std::move(task));
    }
    m_changed.notify_all();
  }

 private:
  void work() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [&] { return m_stopping || !m_queue.empty(); });
        if (m_stopping) return;
        task = std::move(m_queue.front());
        m_queue.pop_front();
      }
      m_changed.notify_all();  // room in the queue
      task();
    }
  }

  const std::size_t m_max_waiting;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::deque<std::function<void()>> m_queue;
  bool m_stopping = false;
  std::vector<std::thread> m_threads;  // last: started once the rest is built
};

// Full chunks walked back to back, and the blob that ended them, hashed as one stream. A
// writer puts an object's chunks in a row right before its manifest, so the walk learns most
// whole-object ids from bytes it has just decrypted, instead of reading every chunk twice. A
// run that is not exactly a manifest's chunk list (a chunk stored earlier for another object,
// a lone 1 MiB blob ahead of them) decides nothing, and that manifest is checked by reading.
// The hashing runs on `worker` (one thread, so in order); a verdict comes as a future, with the
// offsets of the run's chunks it vouches for.
class ChunkRun {
 public:
  ChunkRun(const KeySet& keys, TaskThreads& worker) : m_keys(keys), m_worker(worker) {}

  void add_blob(std::uint64_t pos, const ObjectId& id, std::shared_ptr<const PlainBytes> content) {
    const bool full = content->size() == kChunkSize;
    if (m_closed || (!full && m_chunks.empty())) reset();
    if (!full && m_chunks.empty()) return;  // a whole object, or a last chunk without its run
    if (!m_hasher) m_hasher = std::make_shared<crypto::KeyedHasher>(m_keys.id());
    m_chunks.emplace_back(id, static_cast<std::uint32_t>(content->size()));
    m_positions.push_back(pos);
    m_closed = !full;
    m_worker.submit(
        [hasher = m_hasher, content = std::move(content)] { hasher->update(content->span()); });
  }

  struct Verdict {
    std::future<bool> whole_id_matches;
    std::vector<std::uint64_t> chunk_positions;
  };
  // After a manifest or anything else that is not a blob: the run is over.
  std::optional<Verdict> end_at(const FrameHeader& header,
                                const std::optional<Manifest>& manifest) {
    std::optional<Verdict> verdict;
    if (manifest && m_hasher && manifest->chunks == m_chunks) {
      auto promise = std::make_shared<std::promise<bool>>();
      verdict = Verdict{promise->get_future(), std::move(m_positions)};
      m_worker.submit([hasher = m_hasher, promise, expected = header.object_id] {
        promise->set_value(hasher->finish() == expected);
      });
    }
    reset();
    return verdict;
  }
  // Tasks already given to the worker for the run go on with a state no verdict reads.
  void reset() {
    m_hasher.reset();
    m_chunks.clear();
    m_positions.clear();
    m_closed = false;
  }

 private:
  const KeySet& m_keys;
  TaskThreads& m_worker;
  std::shared_ptr<crypto::KeyedHasher> m_hasher;
  std::vector<std::pair<ObjectId, std::uint32_t>> m_chunks;
  std::vector<std::uint64_t> m_positions;
  bool m_closed = false;
};

// How many frames are read ahead of the one being checked, and how many threads open them.
constexpr std::size_t kFramesInFlight = 4;
constexpr std::size_t kOpeningThreads = 2;

// A frame opened, and for a blob the id of its content. A full chunk's id is left to the run
// it belongs to (blob_id unset): when its object's whole id matches, that object's bytes are
// proven, this chunk's among them, and hashing the chunk alone as well cost a fifth of verify.
struct OpenedFrameAndId {
  OpenResult opened;
  std::optional<ObjectId> blob_id;
};

// Opens `frame`, whose header is `header`, in place (its plaintext wiped after).
OpenedFrameAndId open_and_hash(const KeySet& keys, const ObjectId& vault_id,
                               const FrameHeader& header, std::span<std::uint8_t> frame) {
  OpenedFrameAndId result;
  result.opened =
      open_frame_in_place(keys, vault_id, frame, max_content_for(header.type, header.kind));
  if (result.opened.frame && header.type == FrameType::object && header.kind == ObjectKind::blob &&
      result.opened.frame->content.size() != kChunkSize) {
    result.blob_id = crypto::keyed_hash(keys.id(), result.opened.frame->content.span());
  }
  return result;
}

// Finds the next offset in [from, end) where a frame header with a valid checksum starts.
std::uint64_t resync(Storage& storage, std::uint64_t from, std::uint64_t end) {
  end = std::min(end, storage.size());
  constexpr std::size_t kBlock = 1 << 16;
  std::vector<std::uint8_t> block(kBlock + kFrameHeaderSize);
  for (std::uint64_t pos = from; pos + kFrameHeaderSize <= end; pos += kBlock) {
    const std::size_t n =
        static_cast<std::size_t>(std::min<std::uint64_t>(block.size(), end - pos));
    storage.read_at(pos, std::span(block).first(n));
    for (std::size_t i = 0; i + kFrameHeaderSize <= n && i < kBlock; ++i) {
      if (!std::equal(kFrameMagic.begin(), kFrameMagic.end(), block.begin() + static_cast<long>(i)))
        continue;
      if (decode_frame_header(
              std::span<const std::uint8_t, kFrameHeaderSize>(&block[i], kFrameHeaderSize))) {
        return pos + i;
      }
    }
  }
  return end;
}

class Verifier {
 public:
  Verifier(Storage& storage, VerifyReport& report) : m_storage(storage), m_report(report) {}

  void damage(std::uint64_t offset, std::string what) {
    m_report.damage.push_back({offset, m_storage.describe() + ": " + std::move(what)});
  }
  void warning(std::uint64_t offset, std::string what) {
    m_report.warnings.push_back({offset, m_storage.describe() + ": " + std::move(what)});
  }

  void check_header_copies_quick() {
    const auto copies = read_header_copies(m_storage);
    if (!copies[0].present && !copies[1].present) {
      throw Error(ErrorCode::not_a_vault, m_storage.describe() + ": not a dmvault vault");
    }
    if (!copies[0].checksum_ok && !copies[1].checksum_ok) {
      throw Error(ErrorCode::not_a_vault,
                  m_storage.describe() + ": the vault header is damaged (both copies)",
                  "this is not a passphrase problem: restore the file from a backup");
    }
    for (std::size_t i = 0; i < 2; ++i) {
      if (!copies[i].checksum_ok) {
        warning(i * kSuperblockSize, std::string("header copy ") + (i == 0 ? "A" : "B") +
                                         " is damaged; the other copy covers it");
      }
      if (copies[i].checksum_ok) {
        const Superblock& sb = copies[i].superblock;
        if (sb.sequence >= m_best_sequence) {
          m_best_sequence = sb.sequence;
          m_durable_end = sb.durable_commit_end;
          m_durable_sequence = sb.durable_commit_sequence;
        }
      }
    }
  }

  // The keyless walk: frame headers, commit positions, footers.
  void quick_walk() {
    const std::uint64_t size = m_storage.size();
    std::uint64_t pos = kDataStart;
    std::uint64_t last_commit_end = 0;
    while (pos + kFrameHeaderSize <= size) {
      std::array<std::uint8_t, kFrameHeaderSize> bytes{};
      m_storage.read_at(pos, bytes);
      const auto header = decode_frame_header(bytes);
      const std::uint64_t frame_end =
          header ? pos + kFrameHeaderSize + header->payload_length : size + 1;
      if (!header || frame_end > size ||
          (header->type == FrameType::commit && frame_end + kFooterSize > size)) {
        if (pos < m_durable_end) {
          damage(pos, "frame header at offset " + std::to_string(pos) + " is damaged");
          const std::uint64_t next = resync(m_storage, pos + 1, m_durable_end);
          if (next >= m_durable_end) break;
          pos = next;
          continue;
        }
        break;  // an interrupted write's tail
      }
      ++m_report.frames;
      if (header->type == FrameType::commit) {
        std::array<std::uint8_t, kFooterSize> footer{};
        m_storage.read_at(frame_end, footer);
        const auto decoded = decode_footer(footer);
        if (!decoded || decoded->commit_offset != pos ||
            decoded->end_offset != frame_end + kFooterSize) {
          warning(frame_end, "footer at offset " + std::to_string(frame_end) +
                                 " is damaged; its commit frame covers it");
        }
        ++m_report.commits;
        last_commit_end = frame_end + kFooterSize;
        pos = last_commit_end;
      } else {
        pos = frame_end;
      }
    }
    if (last_commit_end < m_durable_end || last_commit_end == 0) {
      damage(last_commit_end, "the file ends before the last commit its header records (commit " +
                                  std::to_string(m_durable_sequence) + "): it was truncated");
    }
    m_report.uncommitted_tail_bytes = last_commit_end > 0 ? size - last_commit_end : 0;
  }

  void full(const Credential& credential, bool allow_expensive_kdf,
            const std::function<void(Vault::Unlocked)>& on_unlocked) {
    UnlockedHeader unlocked = unlock_header(m_storage, credential, allow_expensive_kdf);
    if (on_unlocked) on_unlocked(Vault::Unlocked(copy_of(unlocked)));
    for (const auto& w : unlocked.header_warnings) warning(0, w);
    const std::uint64_t size = m_storage.size();

    // Keys and header stay in `state` (or in `fallback` when no commit could be found).
    std::optional<OpenState> state;
    UnlockedHeader fallback;
    fallback.superblock = unlocked.superblock;
    fallback.keys = unlocked.keys.copy();
    try {
      state = open_state(m_storage, std::move(unlocked), {});
    } catch (const Error& e) {
      if (e.code() != ErrorCode::corrupted) throw;
      damage(0, e.what());
    }
    const UnlockedHeader& header = state ? static_cast<const UnlockedHeader&>(*state) : fallback;
    const ObjectId& vault_id = header.superblock.vault_id;
    const std::uint64_t end = state ? state->last.end : size;
    m_report.uncommitted_tail_bytes = size - end;
    if (state && !state->last.footer_intact) {
      warning(state->last.end - kFooterSize, "footer of commit " +
                                                 std::to_string(state->last.sequence) +
                                                 " is damaged; its commit frame covers it");
    }

    // Walk and authenticate every frame up to the end of the last commit. Opening a frame
    // (authenticating, decompressing, hashing) is most of the work and needs nothing from the
    // frames before it, so up to kFramesInFlight frames are opened on threads of their own while
    // the walk reads on; each is then checked here, in file order, as before.
    // The whole-object hashing of ChunkRun, off this thread so that reading the next frames does
    // not wait for it; each waiting task holds a chunk's plaintext. Before walk: its tasks hold
    // nothing of the walk's.
    TaskThreads run_hasher(1, 8);
    Walk walk{.keys = header.keys,
              .vault_id = vault_id,
              .run = ChunkRun(header.keys, run_hasher),
              .frames = {},
              .verdicts = {},
              .unhashed_chunks = {},
              .previous = std::nullopt,
              .expected_sequence = 1};
    SpareBuffers spare;
    std::deque<ReadFrame> in_flight;
    TaskThreads openers(kOpeningThreads, kFramesInFlight);  // after in_flight: stopped first
    std::uint64_t pos = kDataStart;
    while (pos + kFrameHeaderSize <= end) {
      std::array<std::uint8_t, kFrameHeaderSize> hbytes{};
      m_storage.read_at(pos, hbytes);
      const auto h = decode_frame_header(hbytes);
      const std::uint64_t frame_end = h ? pos + kFrameHeaderSize + h->payload_length : end + 1;
      ReadFrame read;
      read.pos = pos;
      if (!h || frame_end > end) {
        in_flight.push_back(std::move(read));  // its damage is reported in its turn
        pos = resync(m_storage, pos + 1, end);
      } else {
        ++m_report.frames;
        read.header = *h;
        read.frame_end = frame_end;
        read.bytes = spare.take(static_cast<std::size_t>(frame_end - pos));
        m_storage.read_at(pos, *read.bytes);
        // What the walk needs of the frame's bytes, taken before they are opened in place.
        std::copy(read.bytes->end() - kTagSize, read.bytes->end(), read.tag.begin());
        if (h->type == FrameType::commit) read.commit_hash = frame_hash(*read.bytes);
        auto opening = std::make_shared<std::packaged_task<OpenedFrameAndId()>>(
            [&keys = header.keys, &vault_id, h = *h, frame = std::span(*read.bytes)] {
              return open_and_hash(keys, vault_id, h, frame);
            });
        read.opened = opening->get_future();  // broken if dropped unopened (an early end)
        openers.submit([opening] { (*opening)(); });
        const bool footer_slot = h->type == FrameType::commit && frame_end + kFooterSize <= end;
        in_flight.push_back(std::move(read));
        pos = footer_slot ? frame_end + kFooterSize : frame_end;
      }
      if (in_flight.size() >= kFramesInFlight) {
        check_frame(in_flight.front(), walk, state ? &*state : nullptr, end);
        spare.give_back(std::move(in_flight.front().bytes));
        in_flight.pop_front();
      }
    }
    for (; !in_flight.empty(); in_flight.pop_front()) {
      check_frame(in_flight.front(), walk, state ? &*state : nullptr, end);
    }
    std::set<std::uint64_t> proven_chunks;
    for (auto& [manifest_pos, verdict] : walk.verdicts) {
      const bool matches = verdict.whole_id_matches.get();
      walk.frames.at(manifest_pos).whole_id_matches = matches;
      if (matches) {
        proven_chunks.insert(verdict.chunk_positions.begin(), verdict.chunk_positions.end());
      }
    }
    // Full chunks no matching object vouched for (stored earlier for another object, alone, or
    // in an object whose whole id failed, where this names the chunk at fault): read again.
    for (const std::uint64_t chunk_pos : walk.unhashed_chunks) {
      if (!proven_chunks.count(chunk_pos)) {
        check_chunk_alone(chunk_pos, walk.frames.at(chunk_pos), header.keys, vault_id);
      }
    }
    if (!state) return;
    check_index(state->last.record, walk.frames, header.keys, vault_id);
  }

 private:
  // What the walk carries from frame to frame.
  struct Walk {
    const KeySet& keys;
    const ObjectId& vault_id;
    ChunkRun run;
    std::map<std::uint64_t, WalkedFrame> frames;
    // Manifests whose whole id the run is deciding (whole_id_matches, set once the walk ends).
    std::vector<std::pair<std::uint64_t, ChunkRun::Verdict>> verdicts;
    // Authentic full chunks whose content the walk did not hash alone (see OpenedFrameAndId).
    std::vector<std::uint64_t> unhashed_chunks;
    std::optional<std::pair<std::uint64_t, std::array<std::uint8_t, 32>>> previous;
    std::uint64_t expected_sequence = 1;
  };

  // A frame as read: its bytes, and their opening under way. Without a header, a frame header
  // at `pos` that is damaged.
  struct ReadFrame {
    std::uint64_t pos = 0;
    std::optional<FrameHeader> header;
    std::uint64_t frame_end = 0;
    std::unique_ptr<std::vector<std::uint8_t>> bytes;  // stays put while a thread opens it
    std::array<std::uint8_t, kTagSize> tag{};
    std::array<std::uint8_t, 32> commit_hash{};  // of the frame's bytes, for a commit
    std::future<OpenedFrameAndId> opened;
  };

  // Buffers of frames checked, for the frames read next: a fresh megabyte for every frame cost
  // its pages' faults and zeroing. Only ciphertext is left in them (a frame is opened in place
  // and its plaintext wiped there).
  class SpareBuffers {
   public:
    std::unique_ptr<std::vector<std::uint8_t>> take(std::size_t size) {
      std::unique_ptr<std::vector<std::uint8_t>> buffer;
      if (m_buffers.empty()) {
        buffer = std::make_unique<std::vector<std::uint8_t>>();
      } else {
        buffer = std::move(m_buffers.back());
        m_buffers.pop_back();
      }
      buffer->resize(size);
      return buffer;
    }
    void give_back(std::unique_ptr<std::vector<std::uint8_t>> buffer) {
      if (buffer) m_buffers.push_back(std::move(buffer));
    }

   private:
    std::vector<std::unique_ptr<std::vector<std::uint8_t>>> m_buffers;
  };

  // Checks one frame, in file order: its authentication, its id, the commit chain and footers.
  void check_frame(ReadFrame& read, Walk& walk, const OpenState* state, std::uint64_t end) {
    const std::uint64_t pos = read.pos;
    if (!read.header) {
      damage(pos, "frame header at offset " + std::to_string(pos) + " is damaged");
      return;
    }
    const FrameHeader* h = &*read.header;
    const std::uint64_t frame_end = read.frame_end;
    OpenedFrameAndId result = read.opened.get();
    OpenResult& opened = result.opened;
    WalkedFrame walked;
    walked.header = *h;
    walked.length = static_cast<std::uint32_t>(read.bytes->size());
    walked.tag = read.tag;
    if (!opened.frame) {
      damage(pos, describe_frame(pos, *h) + (opened.failure == OpenFailure::authentication
                                                 ? ": authentication failed"
                                                 : ": malformed content"));
      walk.run.reset();
    } else {
      ++m_report.frames_authenticated;
      walked.authentic = true;
      walked.content_size = opened.frame->content.size();
      if (h->type == FrameType::object && h->kind == ObjectKind::blob) {
        m_report.bytes_checked += opened.frame->content.size();
        if (result.blob_id && *result.blob_id != h->object_id) {
          damage(pos, describe_frame(pos, *h) + ": content does not match its id");
          walked.authentic = false;
          walk.run.reset();
        } else {
          if (!result.blob_id) walk.unhashed_chunks.push_back(pos);
          walk.run.add_blob(pos, h->object_id,
                            std::make_shared<const PlainBytes>(std::move(opened.frame->content)));
        }
      } else {
        auto verdict =
            walk.run.end_at(*h, h->type == FrameType::object && h->kind == ObjectKind::manifest
                                    ? decode_manifest(opened.frame->content.span())
                                    : std::nullopt);
        if (verdict) walk.verdicts.emplace_back(pos, std::move(*verdict));
      }
    }
    if (h->type != FrameType::commit) {
      walk.frames.emplace(pos, walked);
      return;
    }
    if (walked.authentic) {
      auto record = decode_commit_record(opened.frame->content.span());
      if (!record) {
        damage(pos, "commit at offset " + std::to_string(pos) + " is malformed");
      } else {
        const bool chained = record->sequence == walk.expected_sequence &&
                             (walk.previous ? record->previous_offset == walk.previous->first &&
                                                  record->previous_hash == walk.previous->second
                                            : record->previous_offset == 0);
        if (!chained) {
          damage(pos, "commit " + std::to_string(record->sequence) + " at offset " +
                          std::to_string(pos) + " does not follow commit " +
                          std::to_string(walk.expected_sequence - 1));
        }
        walk.expected_sequence = record->sequence + 1;
      }
      ++m_report.commits;
    }
    walk.previous = std::make_pair(pos, read.commit_hash);
    if (frame_end + kFooterSize <= end) {
      std::array<std::uint8_t, kFooterSize> footer{};
      m_storage.read_at(frame_end, footer);
      const auto decoded = decode_footer(footer);
      const bool intact = decoded && decoded->commit_offset == pos &&
                          decoded->end_offset == frame_end + kFooterSize &&
                          footer_mac_ok(footer, walk.vault_id, walk.keys);
      const bool is_last = state && frame_end + kFooterSize == state->last.end;
      if (!intact && !is_last) {
        warning(frame_end, "footer at offset " + std::to_string(frame_end) +
                               " is damaged; its commit frame covers it");
      }
    }
  }

  // Hashes the full chunk at `pos` on its own, once the walk has passed it.
  void check_chunk_alone(std::uint64_t pos, WalkedFrame& walked, const KeySet& keys,
                         const ObjectId& vault_id) {
    const auto content = read_object_content(pos, walked.length, ObjectKind::blob, keys, vault_id);
    if (!content || crypto::keyed_hash(keys.id(), content->span()) != walked.header.object_id) {
      damage(pos, describe_frame(pos, walked.header) + ": content does not match its id");
      walked.authentic = false;
    }
  }

  // The content of the object frame at `offset`, read again and opened; nullopt when it does not
  // open.
  std::optional<PlainBytes> read_object_content(std::uint64_t offset, std::uint32_t length,
                                                ObjectKind kind, const KeySet& keys,
                                                const ObjectId& vault_id) {
    std::vector<std::uint8_t> frame(length);
    m_storage.read_at(offset, frame);
    auto opened = open_frame(keys, vault_id, frame, max_content_for(FrameType::object, kind));
    if (!opened.frame) return std::nullopt;
    return std::move(opened.frame->content);
  }

  std::string describe_frame(std::uint64_t pos, const FrameHeader& h) {
    if (h.type == FrameType::commit) return "commit frame at offset " + std::to_string(pos);
    return (h.kind == ObjectKind::manifest ? "object " : "data frame of object ") +
           short_id(h.object_id) + " at offset " + std::to_string(pos);
  }

  void check_index(const CommitRecord& record, const std::map<std::uint64_t, WalkedFrame>& frames,
                   const KeySet& keys, const ObjectId& vault_id) {
    std::set<std::uint64_t> referenced;
    for (const auto& [id, entry] : record.index) {
      referenced.insert(entry.offset);
      const auto it = frames.find(entry.offset);
      if (it == frames.end() || it->second.length != entry.frame_length ||
          it->second.tag != entry.tag || it->second.header.object_id != id ||
          it->second.header.kind != entry.kind) {
        damage(entry.offset, "object " + short_id(id) + root_note(record, id) +
                                 ": the index points at a frame that is not there");
        continue;
      }
      if (!it->second.authentic) continue;  // reported by the walk
      if (entry.kind == ObjectKind::blob) {
        if (it->second.content_size != entry.size) {
          damage(entry.offset, "object " + short_id(id) + ": size differs from the index");
        } else {
          ++m_report.objects_checked;
        }
        continue;
      }
      check_manifest(record, frames, keys, vault_id, id, entry, it->second);
    }
    for (const auto& [offset, frame] : frames) {
      if (!referenced.count(offset)) ++m_report.unreferenced_frames;
    }
  }

  void check_manifest(const CommitRecord& record,
                      const std::map<std::uint64_t, WalkedFrame>& frames, const KeySet& keys,
                      const ObjectId& vault_id, const ObjectId& id, const IndexEntry& entry,
                      const WalkedFrame& walked_manifest) {
    const auto read_content = [&](const IndexEntry& e) {
      return read_object_content(e.offset, e.frame_length, e.kind, keys, vault_id);
    };
    const std::string name = "object " + short_id(id) + root_note(record, id);
    auto content = read_content(entry);
    const auto manifest = content ? decode_manifest(content->span()) : std::nullopt;
    if (!manifest || manifest->total_size != entry.size) {
      damage(entry.offset, name + ": its chunk list is malformed");
      return;
    }
    crypto::KeyedHasher hasher(keys.id());
    for (const auto& [chunk_id, chunk_size] : manifest->chunks) {
      const auto it = record.index.find(chunk_id);
      const auto walked = it == record.index.end() ? frames.end() : frames.find(it->second.offset);
      if (it == record.index.end() || walked == frames.end() || !walked->second.authentic) {
        damage(entry.offset, name + ": chunk " + short_id(chunk_id) + " is missing or damaged");
        return;
      }
      if (walked_manifest.whole_id_matches) {
        // Hashed in passing: the chunk's size is all that is left to check.
        if (walked->second.content_size != chunk_size) {
          damage(it->second.offset, name + ": chunk " + short_id(chunk_id) + " is damaged");
          return;
        }
        continue;
      }
      auto chunk = read_content(it->second);
      if (!chunk || chunk->size() != chunk_size) {
        damage(it->second.offset, name + ": chunk " + short_id(chunk_id) + " is damaged");
        return;
      }
      hasher.update(chunk->span());
    }
    const bool matches = walked_manifest.whole_id_matches ? *walked_manifest.whole_id_matches
                                                          : hasher.finish() == id;
    if (!matches) {
      damage(entry.offset, name + ": content does not match its id");
      return;
    }
    ++m_report.objects_checked;
  }

  static std::string root_note(const CommitRecord& record, const ObjectId& id) {
    for (const auto& [name, root] : record.roots) {
      if (root == id) return " (the " + name + ")";
    }
    return {};
  }

  Storage& m_storage;
  VerifyReport& m_report;
  std::uint64_t m_best_sequence = 0;
  std::uint64_t m_durable_end = 0;
  std::uint64_t m_durable_sequence = 0;
};

}  // namespace

VerifyReport verify_vault(std::unique_ptr<Storage> storage, const Credential* credential,
                          bool allow_expensive_kdf,
                          const std::function<void(Vault::Unlocked)>& on_unlocked) {
  crypto::initialize();
  VerifyReport report;
  report.quick = credential == nullptr;
  report.vault_bytes = storage->size();
  Verifier verifier(*storage, report);
  if (credential == nullptr) {
    verifier.check_header_copies_quick();
    verifier.quick_walk();
  } else {
    verifier.full(*credential, allow_expensive_kdf, on_unlocked);
  }
  return report;
}

}  // namespace dmvault
