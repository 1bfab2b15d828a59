// The vault container: opening (superblock choice, unlock, finding the last commit), the object
// store (dedup, chunking), and the commit protocol. The byte layout is in format.hpp and
// man/dmvault-vault.5.
//
// Invariants this file keeps:
//  1. Bytes before the end of the last commit's footer are never rewritten, except the two
//     superblock copies (always B, sync, then A, sync) and a damaged footer of the last commit,
//     which is rewritten with the same content.
//  2. Success of commit() is reported only after the commit frame and its footer are synced.
//  3. Nothing after the last commit is ever interpreted: readers ignore it, writers cut it.
//  4. A failed write or sync kills the Vault object (no retry, no further writes).
//  5. The passphrase check (keyslot unwrap) runs only on a header copy whose checksum is intact,
//     so a wrong passphrase and a damaged header are told apart.
#include "dmvault/vault.hpp"

#include "crypto/crypto.hpp"
#include "dmvault/error.hpp"
#include "vault/create.hpp"
#include "vault/format.hpp"
#include "vault/frames.hpp"
#include "vault/keys.hpp"
#include "vault/open_state.hpp"
#include "vault/seal_pipeline.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <string.h>  // explicit_bzero

namespace dmvault {

using namespace dmvault::vault;

namespace {

std::int64_t now_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string short_id(const ObjectId& id) { return to_hex(std::span(id).first(8)); }

ObjectId zero_id() { return ObjectId{}; }

}  // namespace

class Vault::Impl {
 public:
  std::unique_ptr<Storage> storage;
  Mode mode = Mode::read;
  WarningSink warn;
  OpenState state;
  Index staged;
  std::map<std::string, ObjectId> staged_roots;
  std::uint64_t append_pos = 0;
  bool dead = false;
  // Seals what writers store on a second thread (started by the first write). Whatever reads
  // the staged index or the file first settles it (settle()), so that everything written
  // before is in both.
  std::unique_ptr<SealPipeline> pipeline;

  ~Impl() {
    pipeline.reset();  // stops the sealing thread; what it had not handed back is dropped
    // An unfinished write (an exception unwound past the caller) leaves the file exactly as it
    // was at the last commit.
    if (mode == Mode::write && !dead && append_pos != state.last.end) {
      try {
        rollback();
      } catch (...) {
        // The next writer cuts the tail; nothing more can be done from a destructor.
      }
    }
  }

  const KeySet& keys() const { return state.keys; }

  SealPipeline& sealer() {
    if (pipeline == nullptr) {
      pipeline = std::make_unique<SealPipeline>(keys(), vault_id(), [this](const ObjectId& id) {
        return state.last.record.index.count(id) != 0;
      });
    }
    return *pipeline;
  }

  // Appends a frame the pipeline sealed, unless the object is stored already.
  void apply(SealedObject& sealed) {
    if (sealed.error) {
      dead = true;
      std::rethrow_exception(sealed.error);
    }
    if (sealed.frame.empty() || find(sealed.id) != nullptr) return;
    IndexEntry entry;
    entry.kind = sealed.kind;
    entry.offset = append_pos;
    entry.frame_length = static_cast<std::uint32_t>(sealed.frame.size());
    std::copy(sealed.frame.end() - kTagSize, sealed.frame.end(), entry.tag.begin());
    entry.size = sealed.size;
    writing([&] { storage->write_at(append_pos, sealed.frame); });
    append_pos += sealed.frame.size();
    staged.emplace(sealed.id, entry);
  }

  void submit(SealJob job) {
    sealer().submit(std::move(job), [this](SealedObject& sealed) { apply(sealed); });
  }

  // Brings everything submitted into the file and the staged index.
  void settle() {
    if (pipeline != nullptr && pipeline->outstanding() > 0) {
      pipeline->settle([this](SealedObject& sealed) { apply(sealed); });
    }
  }
  const ObjectId& vault_id() const { return state.superblock.vault_id; }

  void require_write() const {
    if (mode != Mode::write) throw std::logic_error("vault opened read-only");
    if (dead) {
      throw Error(ErrorCode::io, storage->describe() + ": an earlier write failed",
                  "nothing after the last commit was saved; run the command again");
    }
  }

  // Runs a storage operation that writes; any failure kills this Vault (invariant 4).
  template <typename F>
  void writing(F&& op) {
    try {
      op();
    } catch (...) {
      dead = true;
      throw;
    }
  }

  const IndexEntry* find(const ObjectId& id) const { return find_in(staged, id); }

  // Looks in `staged_view` (the staged index, or a snapshot's copy of it) and then in the last
  // commit's index, which only commit and rollback change.
  const IndexEntry* find_in(const Index& staged_view, const ObjectId& id) const {
    if (auto it = staged_view.find(id); it != staged_view.end()) return &it->second;
    if (auto it = state.last.record.index.find(id); it != state.last.record.index.end()) {
      return &it->second;
    }
    return nullptr;
  }

  [[noreturn]] void damaged(const IndexEntry& entry, const ObjectId& id,
                            const std::string& what) const {
    throw Error(ErrorCode::corrupted,
                storage->describe() + ": data damaged at offset " + std::to_string(entry.offset) +
                    " (object " + short_id(id) + "): " + what,
                "run 'dmvault verify' to list everything that is affected");
  }

  PlainBytes open_entry(const ObjectId& id, const IndexEntry& entry) const {
    if (entry.frame_length > kFrameHeaderSize + kMaxManifestFramePayload) {
      damaged(entry, id, "index entry is out of range");
    }
    // Read into a buffer kept for the thread and opened there (its plaintext wiped after).
    thread_local std::vector<std::uint8_t> frame;
    frame.resize(entry.frame_length);
    storage->read_at(entry.offset, frame);
    if (!std::equal(entry.tag.begin(), entry.tag.end(), frame.end() - kTagSize)) {
      damaged(entry, id, "the frame is not the one the index recorded");
    }
    auto opened = open_frame_in_place(keys(), vault_id(), frame,
                                      max_content_for(FrameType::object, entry.kind));
    if (!opened.frame) {
      damaged(entry, id,
              opened.failure == OpenFailure::authentication ? "authentication failed"
                                                            : "frame is malformed");
    }
    const FrameHeader& h = opened.frame->header;
    if (h.type != FrameType::object || h.kind != entry.kind || h.object_id != id) {
      damaged(entry, id, "the frame belongs to another object");
    }
    return std::move(opened.frame->content);
  }

  // The whole object (see Vault::read), as `staged_view` and the last commit know it.
  PlainBytes read_object(const ObjectId& id, const Index& staged_view) const {
    const IndexEntry* entry = find_in(staged_view, id);
    // A blob is its frame's content: handed over without a copy.
    if (entry != nullptr && entry->kind == ObjectKind::blob) {
      PlainBytes content = open_entry(id, *entry);
      if (content.size() != entry->size) damaged(*entry, id, "size differs from the index");
      return content;
    }
    // Every byte is written below, or the read fails (stream checks each chunk against the sizes).
    PlainBytes out(entry != nullptr ? static_cast<std::size_t>(entry->size) : 0,
                   PlainBytes::Unset{});
    std::size_t pos = 0;
    stream(
        id,
        [&](std::span<const std::uint8_t> piece) {
          if (piece.empty()) return;  // an empty object: nothing to copy (and no buffer to copy to)
          std::memcpy(out.data() + pos, piece.data(), piece.size());
          pos += piece.size();
        },
        staged_view);
    return out;
  }

  void stream(const ObjectId& id, const std::function<void(std::span<const std::uint8_t>)>& sink,
              const Index& staged_view) const {
    const IndexEntry* entry = find_in(staged_view, id);
    if (entry == nullptr) {
      throw Error(ErrorCode::corrupted,
                  storage->describe() + ": object " + short_id(id) + " is missing",
                  "run 'dmvault verify' to list everything that is affected");
    }
    PlainBytes content = open_entry(id, *entry);
    if (entry->kind == ObjectKind::blob) {
      if (content.size() != entry->size) damaged(*entry, id, "size differs from the index");
      sink(content.span());
      return;
    }
    const auto manifest = decode_manifest(content.span());
    if (!manifest || manifest->total_size != entry->size) {
      damaged(*entry, id, "the chunk list is malformed");
    }
    for (const auto& [chunk_id, chunk_size] : manifest->chunks) {
      const IndexEntry* chunk = find_in(staged_view, chunk_id);
      if (chunk == nullptr || chunk->kind != ObjectKind::blob) {
        damaged(*entry, id, "chunk " + short_id(chunk_id) + " is missing");
      }
      PlainBytes piece = open_entry(chunk_id, *chunk);
      if (piece.size() != chunk_size) damaged(*chunk, chunk_id, "chunk size differs");
      sink(piece.span());
    }
  }

  std::vector<Piece> pieces(const ObjectId& id) const {
    const IndexEntry* entry = find(id);
    if (entry == nullptr) {
      throw Error(ErrorCode::corrupted,
                  storage->describe() + ": object " + short_id(id) + " is missing",
                  "run 'dmvault verify' to list everything that is affected");
    }
    if (entry->kind == ObjectKind::blob) return {{id, entry->size}};
    const PlainBytes content = open_entry(id, *entry);
    const auto manifest = decode_manifest(content.span());
    if (!manifest || manifest->total_size != entry->size) {
      damaged(*entry, id, "the chunk list is malformed");
    }
    std::vector<Piece> out;
    out.reserve(manifest->chunks.size());
    for (const auto& [chunk_id, chunk_size] : manifest->chunks) {
      const IndexEntry* chunk = find(chunk_id);
      if (chunk == nullptr || chunk->kind != ObjectKind::blob) {
        damaged(*entry, id, "chunk " + short_id(chunk_id) + " is missing");
      }
      if (chunk->size != chunk_size) damaged(*chunk, chunk_id, "chunk size differs");
      out.push_back({chunk_id, chunk_size});
    }
    return out;
  }

  void write_superblocks(const Superblock& sb) {
    const auto sealed = seal_superblock(sb, keys());
    // The copy we did not trust goes first: until it is synced the trusted one is untouched.
    const std::uint64_t first = state.trusted_copy == 0 ? kSuperblockSize : 0;
    const std::uint64_t second = first == 0 ? kSuperblockSize : 0;
    writing([&] {
      storage->write_at(first, sealed);
      storage->sync();
      storage->write_at(second, sealed);
      storage->sync();
    });
    state.superblock = sb;
    state.superblock_copies_consistent = true;
    state.trusted_copy = 0;
  }

  void commit() {
    require_write();
    settle();
    if (staged.empty() && staged_roots.empty()) return;
    CommitRecord record;
    record.sequence = state.last.sequence + 1;
    record.previous_offset = state.last.offset;
    record.previous_hash = state.last.hash;
    record.unix_ms = std::max(now_unix_ms(), state.last.record.unix_ms);
    record.roots = state.last.record.roots;
    for (const auto& [name, id] : staged_roots) record.roots[name] = id;
    record.index = state.last.record.index;
    record.index.insert(staged.begin(), staged.end());

    const auto encoded = encode_commit_record(record);
    const auto frame = seal_frame(keys(), vault_id(), FrameType::commit, ObjectKind::none,
                                  zero_id(), encoded, true);
    const std::uint64_t commit_offset = append_pos;
    const std::uint64_t end = commit_offset + frame.size() + kFooterSize;
    Footer footer{commit_offset, record.sequence, end};
    const auto footer_bytes = seal_footer(footer, vault_id(), keys());
    writing([&] {
      storage->sync();  // the objects first: a durable commit never points at lost frames
      storage->write_at(commit_offset, frame);
      storage->write_at(commit_offset + frame.size(), footer_bytes);
      storage->sync();  // the commit point
    });
    state.last.sequence = record.sequence;
    state.last.offset = commit_offset;
    state.last.end = end;
    state.last.hash = frame_hash(frame);
    state.last.record = std::move(record);
    state.last.footer_intact = true;
    append_pos = end;
    staged.clear();
    staged_roots.clear();

    Superblock sb = state.superblock;
    sb.sequence += 1;
    sb.durable_commit_sequence = state.last.sequence;
    sb.durable_commit_end = state.last.end;
    write_superblocks(sb);
  }

  void rollback() {
    if (mode != Mode::write) return;
    if (pipeline != nullptr) {
      pipeline->settle([](SealedObject&) {});  // nothing submitted is kept
    }
    staged.clear();
    staged_roots.clear();
    if (append_pos != state.last.end) {
      writing([&] {
        storage->truncate(state.last.end);
        storage->sync();
      });
      append_pos = state.last.end;
    }
  }

  // Brings a vault opened for writing back to a clean state: cuts an interrupted write's tail,
  // rewrites a damaged footer of the last commit and a damaged or stale superblock copy.
  void heal_for_writing() {
    if (state.superblock.ro_compat_flags != 0) {
      throw Error(ErrorCode::not_a_vault,
                  storage->describe() + ": this vault uses features this dmvault cannot write",
                  "upgrade dmvault");
    }
    const std::uint64_t size = storage->size();
    if (size > state.last.end) {
      writing([&] {
        storage->truncate(state.last.end);
        storage->sync();
      });
      if (warn) {
        warn(storage->describe() + ": discarded " + std::to_string(size - state.last.end) +
             " bytes left by an interrupted write (the last commit is intact)");
      }
    }
    if (!state.last.footer_intact) {
      const Footer footer{state.last.offset, state.last.sequence, state.last.end};
      const auto bytes = seal_footer(footer, vault_id(), keys());
      writing([&] {
        storage->write_at(state.last.end - kFooterSize, bytes);
        storage->sync();
      });
      state.last.footer_intact = true;
    }
    if (!state.superblock_copies_consistent ||
        state.superblock.durable_commit_sequence != state.last.sequence) {
      Superblock sb = state.superblock;
      sb.sequence = state.highest_superblock_sequence + 1;
      sb.durable_commit_sequence = state.last.sequence;
      sb.durable_commit_end = state.last.end;
      write_superblocks(sb);
    }
    append_pos = state.last.end;
  }
};

// --- Writer: streams an object of any size, cutting it into 1 MiB chunks -----------------------

namespace {

class ChunkingWriter final : public Vault::Writer {
 public:
  explicit ChunkingWriter(Vault::Impl& impl)
      : m_impl(impl), m_hasher(impl.keys().id()), m_buffer(impl.sealer().buffer()) {}
  ChunkingWriter(const ChunkingWriter&) = delete;
  ChunkingWriter& operator=(const ChunkingWriter&) = delete;
  // An unfinished object's buffer wipes itself (PlainBytes); its chunks already submitted are
  // sealed and stored but named by no object, like those of an interrupted write.
  ~ChunkingWriter() override = default;

  void write(std::span<const std::uint8_t> bytes) override {
    m_impl.require_write();
    if (m_finished) throw std::logic_error("vault writer used after finish");
    m_hasher.update(bytes);
    m_total += bytes.size();
    while (!bytes.empty()) {
      // Flush lazily: a full buffer is a chunk only once more data arrives, so an object of
      // exactly 1 MiB stays one blob with the id of its bytes.
      if (m_filled == kChunkSize) flush_chunk();
      const std::size_t n = std::min(bytes.size(), kChunkSize - m_filled);
      std::memcpy(m_buffer.data() + m_filled, bytes.data(), n);
      m_filled += n;
      bytes = bytes.subspan(n);
    }
  }

  // The object's id is the keyed hash of all its bytes, known here at once; the frames follow
  // from the sealing thread, and the vault settles them before anything reads the object.
  ObjectId finish() override {
    m_impl.require_write();
    if (m_finished) throw std::logic_error("vault writer finished twice");
    m_finished = true;
    const ObjectId id = m_hasher.finish();
    if (m_chunks_submitted == 0) {
      SealJob job;
      job.id = id;
      job.size = m_filled;
      job.buffer = std::move(m_buffer);
      m_impl.submit(std::move(job));
      return id;
    }
    flush_chunk();
    m_manifest->total_size = m_total;
    SealJob job;
    job.kind = ObjectKind::manifest;
    job.id = id;
    job.manifest = std::move(m_manifest);
    m_impl.submit(std::move(job));
    return id;
  }

 private:
  void flush_chunk() {
    SealJob job;
    job.size = m_filled;
    job.buffer = std::exchange(m_buffer, m_impl.sealer().buffer());
    job.chunk_of = m_manifest;
    m_filled = 0;
    ++m_chunks_submitted;
    m_impl.submit(std::move(job));
  }

  Vault::Impl& m_impl;
  crypto::KeyedHasher m_hasher;
  PlainBytes m_buffer;
  std::size_t m_filled = 0;
  std::uint64_t m_total = 0;
  std::size_t m_chunks_submitted = 0;
  // Filled by the sealing thread as it seals the chunks (see SealJob::chunk_of).
  std::shared_ptr<Manifest> m_manifest = std::make_shared<Manifest>();
  bool m_finished = false;
};

}  // namespace

// --- Vault ---------------------------------------------------------------------------------

SecretBytes Vault::create_on(Storage& storage, const Credential& passphrase,
                             const CreateOptions& options) {
  crypto::initialize();
  if (passphrase.kind != Credential::Kind::passphrase) {
    throw std::logic_error("a vault is created with a passphrase");
  }
  if (storage.size() != 0) {
    throw Error(ErrorCode::io, storage.describe() + ": the file is not empty");
  }
  Superblock sb;
  sb.sequence = 1;
  crypto::random_bytes(sb.vault_id);
  SecretBytes master(crypto::kKeyBytes);
  crypto::random_bytes(master.span());
  const KeySet keys = KeySet::derive(master);
  sb.key_check = compute_key_check(keys, sb.vault_id);
  sb.keyslots[0] = wrap_master_key(master, sb.vault_id, 0, KeyslotKind::passphrase,
                                   passphrase.secret, options.kdf.opslimit, options.kdf.memlimit);
  SecretBytes recovery_key;
  if (options.with_recovery_key) {
    recovery_key = generate_recovery_key();
    // A recovery key has 160 bits of entropy, so the cheap profile is enough (Signal's choice).
    const auto cost = KdfParams::for_profile(KdfProfile::interactive);
    sb.keyslots[1] =
        wrap_master_key(master, sb.vault_id, 1, KeyslotKind::recovery,
                        canonical_recovery_key(recovery_key), cost.opslimit, cost.memlimit);
  }
  // The genesis commit: a vault always has one, so a file cut back to its header is damage,
  // not an empty vault.
  CommitRecord genesis;
  genesis.sequence = 1;
  genesis.unix_ms = now_unix_ms();
  const auto frame = seal_frame(keys, sb.vault_id, FrameType::commit, ObjectKind::none, ObjectId{},
                                encode_commit_record(genesis), true);
  const std::uint64_t end = kDataStart + frame.size() + kFooterSize;
  const auto footer = seal_footer(Footer{kDataStart, 1, end}, sb.vault_id, keys);
  sb.durable_commit_sequence = 1;
  sb.durable_commit_end = end;
  const auto sealed = seal_superblock(sb, keys);
  storage.write_at(0, sealed);
  storage.write_at(kSuperblockSize, sealed);
  storage.write_at(kDataStart, frame);
  storage.write_at(kDataStart + frame.size(), footer);
  storage.sync();
  return recovery_key;
}

SecretBytes vault::create_vault_file(const std::filesystem::path& path,
                                     const Credential& passphrase, const CreateOptions& options,
                                     const StorageWrapper& wrap) {
  auto file = create_new_file(path);
  SecretBytes recovery_key;
  if (wrap) {
    auto wrapped = wrap(file->storage());
    recovery_key = Vault::create_on(*wrapped, passphrase, options);
  } else {
    recovery_key = Vault::create_on(file->storage(), passphrase, options);
  }
  file->publish();
  return recovery_key;
}

SecretBytes Vault::create(const std::filesystem::path& path, const Credential& passphrase,
                          const CreateOptions& options) {
  return vault::create_vault_file(path, passphrase, options, {});
}

namespace {

std::unique_ptr<Vault::Impl> opened_impl(std::unique_ptr<Storage> storage, OpenState state,
                                         const Vault::OpenOptions& options) {
  auto impl = std::make_unique<Vault::Impl>();
  impl->mode = options.mode;
  impl->warn = options.on_warning;
  impl->state = std::move(state);
  impl->storage = std::move(storage);
  impl->append_pos = impl->state.last.end;
  if (options.mode == Vault::Mode::write) impl->heal_for_writing();
  return impl;
}

}  // namespace

Vault Vault::open(const std::filesystem::path& path, const Credential& credential,
                  const OpenOptions& options) {
  auto storage =
      open_file_storage(path, options.mode == Mode::write ? LockMode::exclusive : LockMode::shared);
  return open_on(std::move(storage), credential, options);
}

Vault Vault::open_on(std::unique_ptr<Storage> storage, const Credential& credential,
                     const OpenOptions& options) {
  crypto::initialize();
  OpenState state =
      open_state(*storage, credential, options.allow_expensive_kdf, options.on_warning);
  return Vault(opened_impl(std::move(storage), std::move(state), options));
}

Vault::Unlocked::Unlocked(std::unique_ptr<vault::UnlockedHeader> header)
    : m_header(std::move(header)) {}
Vault::Unlocked::Unlocked(Unlocked&&) noexcept = default;
Vault::Unlocked& Vault::Unlocked::operator=(Unlocked&&) noexcept = default;
Vault::Unlocked::~Unlocked() = default;

Vault Vault::open_unlocked(std::unique_ptr<Storage> storage, Unlocked unlocked,
                           const OpenOptions& options) {
  if (!unlocked.m_header) throw std::logic_error("Vault::open_unlocked: keys already used");
  // The keys open only frames of their own vault; another file at the path (replaced since the
  // first opening) would otherwise look like a vault with no intact commit.
  const ObjectId& vault_id = unlocked.m_header->superblock.vault_id;
  const auto copies = read_header_copies(*storage);
  if (std::none_of(copies.begin(), copies.end(), [&](const HeaderCopy& copy) {
        return copy.checksum_ok && copy.superblock.vault_id == vault_id;
      })) {
    throw Error(ErrorCode::not_a_vault,
                storage->describe() + ": not the vault whose keys were unlocked before",
                "the file was replaced while dmvault was reading it; run the command again");
  }
  crypto::initialize();
  OpenState state = open_state(*storage, std::move(*unlocked.m_header), options.on_warning);
  unlocked.m_header.reset();
  return Vault(opened_impl(std::move(storage), std::move(state), options));
}

Vault::Vault(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Vault::Vault(Vault&&) noexcept = default;
Vault& Vault::operator=(Vault&&) noexcept = default;
Vault::~Vault() = default;

VaultInfo Vault::info() const {
  m_impl->settle();
  const auto& s = m_impl->state;
  VaultInfo info;
  info.format_version = s.superblock.version;
  info.vault_id = to_hex(s.superblock.vault_id);
  info.commits = s.last.sequence;
  info.last_commit_unix_ms = s.last.record.unix_ms;
  info.objects = s.last.record.index.size();
  for (const auto& [id, e] : s.last.record.index) info.stored_bytes += e.frame_length;
  info.vault_bytes = m_impl->storage->size();
  for (std::size_t i = 0; i < kKeyslotCount; ++i) {
    const Keyslot& slot = s.superblock.keyslots[i];
    if (slot.kind == KeyslotKind::empty) continue;
    info.keyslots.push_back(KeyslotInfo{static_cast<int>(i),
                                        slot.kind == KeyslotKind::recovery
                                            ? Credential::Kind::recovery_key
                                            : Credential::Kind::passphrase,
                                        KdfParams{slot.opslimit, slot.memlimit}});
  }
  return info;
}

bool Vault::contains(const ObjectId& id) const {
  // The last commit's index changes only at commit, which settles first: an object found there
  // needs no wait for the sealing thread.
  if (m_impl->state.last.record.index.count(id) != 0) return true;
  m_impl->settle();
  return m_impl->find(id) != nullptr;
}

std::optional<std::uint64_t> Vault::object_size(const ObjectId& id) const {
  m_impl->settle();
  const IndexEntry* e = m_impl->find(id);
  if (e == nullptr) return std::nullopt;
  return e->size;
}

PlainBytes Vault::read(const ObjectId& id) const {
  m_impl->settle();
  return m_impl->read_object(id, m_impl->staged);
}

std::vector<Vault::Piece> Vault::pieces(const ObjectId& id) const {
  m_impl->settle();
  return m_impl->pieces(id);
}

void Vault::read_stream(const ObjectId& id,
                        const std::function<void(std::span<const std::uint8_t>)>& sink) const {
  m_impl->settle();
  m_impl->stream(id, sink, m_impl->staged);
}

// --- Snapshot ------------------------------------------------------------------------------

struct Vault::Snapshot::State {
  const Vault::Impl* impl = nullptr;
  Index staged;
};

Vault::Snapshot Vault::snapshot() const {
  m_impl->settle();
  auto state = std::make_shared<Snapshot::State>();
  state->impl = m_impl.get();
  state->staged = m_impl->staged;
  return Snapshot(std::move(state));
}

Vault::Snapshot::Snapshot(std::shared_ptr<const State> state) : m_state(std::move(state)) {}

// Reads only what the snapshot copied, the last commit's index (unchanged until a commit or a
// rollback, which the snapshot does not outlive), the keys, and the file through pread; the
// writing thread changes none of them.
PlainBytes Vault::Snapshot::read(const ObjectId& id) const {
  return m_state->impl->read_object(id, m_state->staged);
}

void Vault::Snapshot::read_stream(
    const ObjectId& id, const std::function<void(std::span<const std::uint8_t>)>& sink) const {
  m_state->impl->stream(id, sink, m_state->staged);
}

ObjectId Vault::id_of(std::span<const std::uint8_t> bytes) const {
  return crypto::keyed_hash(m_impl->keys().id(), bytes);
}

ObjectId Vault::put(std::span<const std::uint8_t> bytes) {
  m_impl->require_write();
  ChunkingWriter writer(*m_impl);
  writer.write(bytes);
  const ObjectId id = writer.finish();
  m_impl->settle();  // put stores before it returns; a writer's frames follow later
  return id;
}

std::unique_ptr<Vault::Writer> Vault::writer() {
  m_impl->require_write();
  return std::make_unique<ChunkingWriter>(*m_impl);
}

std::optional<ObjectId> Vault::root(const std::string& name) const {
  if (auto it = m_impl->staged_roots.find(name); it != m_impl->staged_roots.end()) {
    return it->second;
  }
  const auto& roots = m_impl->state.last.record.roots;
  if (auto it = roots.find(name); it != roots.end()) return it->second;
  return std::nullopt;
}

void Vault::set_root(const std::string& name, const ObjectId& id) {
  m_impl->require_write();
  if (name.empty() || name.size() > 255) throw std::logic_error("bad root name");
  if (!contains(id)) throw std::logic_error("root points at a missing object");
  m_impl->staged_roots[name] = id;
}

void Vault::commit() { m_impl->commit(); }
void Vault::rollback() { m_impl->rollback(); }
bool Vault::has_staged_changes() const {
  m_impl->settle();
  return !m_impl->staged.empty() || !m_impl->staged_roots.empty();
}

void Vault::change_passphrase(const Credential& new_passphrase, const KdfParams& kdf) {
  Impl& impl = *m_impl;
  impl.require_write();
  if (has_staged_changes()) throw std::logic_error("commit before changing the passphrase");
  if (new_passphrase.kind != Credential::Kind::passphrase) {
    throw std::logic_error("the new secret must be a passphrase");
  }
  Superblock sb = impl.state.superblock;
  // Replace the passphrase slot that opened the vault; when the recovery key opened it, replace
  // the first passphrase slot (or fill the first free one) and keep the recovery slot.
  std::size_t index = impl.state.opened_slot;
  if (sb.keyslots[index].kind != KeyslotKind::passphrase) {
    index = kKeyslotCount;
    for (std::size_t i = 0; i < kKeyslotCount && index == kKeyslotCount; ++i) {
      if (sb.keyslots[i].kind == KeyslotKind::passphrase) index = i;
    }
    for (std::size_t i = 0; i < kKeyslotCount && index == kKeyslotCount; ++i) {
      if (sb.keyslots[i].kind == KeyslotKind::empty) index = i;
    }
    if (index == kKeyslotCount) {
      throw Error(ErrorCode::usage, impl.storage->describe() + ": no keyslot is free");
    }
  }
  sb.keyslots[index] =
      wrap_master_key(impl.state.master_key, sb.vault_id, static_cast<std::uint8_t>(index),
                      KeyslotKind::passphrase, new_passphrase.secret, kdf.opslimit, kdf.memlimit);
  sb.sequence += 1;
  impl.write_superblocks(sb);
  impl.state.opened_slot = index;
}

}  // namespace dmvault
