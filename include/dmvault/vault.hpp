// Vault: one encrypted, append-only file holding deduplicated objects and a chain of commits.
// The byte layout is specified in man/dmvault-vault.5; this header is the API over it.
//
// An object is a byte string identified by its ObjectId, a keyed BLAKE2b-256 of its plaintext
// (keyed so that the file does not reveal whether it holds a known photo). Objects up to 1 MiB
// are sealed in one frame; larger ones are cut into 1 MiB chunks (each an object of its own, so
// identical chunks are stored once) listed in order by a manifest frame.
//
// Writes are staged: put() appends sealed frames at the end of the file at once, but they only
// become part of the vault when commit() returns. A crash before then leaves the previous commit
// intact; the unfinished tail is ignored by readers and cut by the next writer.
//
// A Vault is not thread-safe. Several processes may read one file at once; a writer excludes
// everyone else (Error(busy)).
#pragma once

#include "dmvault/secret.hpp"
#include "dmvault/storage.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace dmvault {

namespace vault {
struct UnlockedHeader;
}

using ObjectId = std::array<std::uint8_t, 32>;

std::string to_hex(std::span<const std::uint8_t> bytes);

// Argon2id cost profiles (libsodium's named limits).
enum class KdfProfile { interactive, moderate, sensitive };

struct KdfParams {
  std::uint64_t opslimit = 0;
  std::uint64_t memlimit = 0;  // bytes
  static KdfParams for_profile(KdfProfile profile);
};

// What unlocks a vault: the passphrase (NFC-normalised by the caller, see normalize_passphrase)
// or a recovery key as printed by init (any spacing, dashes and case are accepted).
struct Credential {
  enum class Kind { passphrase, recovery_key };
  Kind kind = Kind::passphrase;
  SecretBytes secret;
};

struct CreateOptions {
  KdfParams kdf = KdfParams::for_profile(KdfProfile::moderate);
  bool with_recovery_key = false;
};

struct KeyslotInfo {
  int index = 0;
  Credential::Kind kind = Credential::Kind::passphrase;
  KdfParams kdf;
};

struct VaultInfo {
  int format_version = 0;
  std::string vault_id;  // hex
  std::uint64_t commits = 0;
  std::int64_t last_commit_unix_ms = 0;
  std::uint64_t objects = 0;       // distinct objects in the index (chunks included)
  std::uint64_t stored_bytes = 0;  // sum of frame sizes of indexed objects
  std::uint64_t vault_bytes = 0;   // file size
  std::vector<KeyslotInfo> keyslots;
};

// Something worth telling the user that is not an error: a damaged copy of the header that the
// other copy covered, an interrupted write that was discarded.
using WarningSink = std::function<void(const std::string&)>;

class Vault {
 public:
  // Creates a new vault file at `path` (refuses to replace anything) sealed under `passphrase`.
  // The file is built beside the path and renamed into place only when complete and synced.
  // Returns the printable recovery key when options.with_recovery_key, else an empty secret.
  static SecretBytes create(const std::filesystem::path& path, const Credential& passphrase,
                            const CreateOptions& options);
  // The same on any empty storage (tests, fault injection).
  static SecretBytes create_on(Storage& storage, const Credential& passphrase,
                               const CreateOptions& options);

  enum class Mode { read, write };
  struct OpenOptions {
    Mode mode = Mode::read;
    bool allow_expensive_kdf = false;  // accept KDF costs above the caps in dmvault-vault(5)
    WarningSink on_warning;
  };
  // Opens with a lock (shared for read, exclusive for write: Error(busy) when held elsewhere).
  static Vault open(const std::filesystem::path& path, const Credential& credential,
                    const OpenOptions& options);
  static Vault open_on(std::unique_ptr<Storage> storage, const Credential& credential,
                       const OpenOptions& options);

  // A vault file's header as one opening unlocked it: its keys in locked memory. It lets a
  // second opening of the same file skip the key derivation, which costs most of a second (and
  // up to 1 GiB) by design: verify reads the catalog this way beside its walk of the frames.
  // Made by the library (verify_vault hands one out); wiped when destroyed.
  class Unlocked {
   public:
    explicit Unlocked(std::unique_ptr<vault::UnlockedHeader> header);
    Unlocked(Unlocked&&) noexcept;
    Unlocked& operator=(Unlocked&&) noexcept;
    ~Unlocked();

   private:
    friend class Vault;
    std::unique_ptr<vault::UnlockedHeader> m_header;
  };
  // Opens `storage` with keys unlocked before from the same file. Error(not_a_vault) when the file
  // is another vault (its header names another vault id).
  static Vault open_unlocked(std::unique_ptr<Storage> storage, Unlocked unlocked,
                             const OpenOptions& options);

  Vault(Vault&&) noexcept;
  Vault& operator=(Vault&&) noexcept;
  ~Vault();

  VaultInfo info() const;

  // --- Objects -------------------------------------------------------------------------------
  bool contains(const ObjectId& id) const;
  // Plaintext size of an object, if present.
  std::optional<std::uint64_t> object_size(const ObjectId& id) const;
  // The whole object (wiped when released). Error(corrupted) names the object when it fails.
  PlainBytes read(const ObjectId& id) const;
  // Streams an object in order, at most 1 MiB per call; for media of any size.
  void read_stream(const ObjectId& id,
                   const std::function<void(std::span<const std::uint8_t>)>& sink) const;
  // An object's pieces in order with their sizes: its chunks, or the object itself when it is
  // one frame. Reading each piece (read()) in order yields the object, so a reader can fetch
  // one part of a large object without decrypting the rest (the catalog is paged this way).
  struct Piece {
    ObjectId id;
    std::uint64_t size = 0;
  };
  std::vector<Piece> pieces(const ObjectId& id) const;
  // Keyed id of bytes under this vault's key (what put() would return).
  ObjectId id_of(std::span<const std::uint8_t> bytes) const;
  // The objects stored so far, to be read on one thread while another goes on using this
  // Vault (the one exception to "not thread-safe"): whatever is stored after the snapshot was
  // taken is not in it. It must not be read after this Vault commits, rolls back or is gone.
  class Snapshot {
   public:
    PlainBytes read(const ObjectId& id) const;
    void read_stream(const ObjectId& id,
                     const std::function<void(std::span<const std::uint8_t>)>& sink) const;
    struct State;

   private:
    friend class Vault;
    explicit Snapshot(std::shared_ptr<const State> state);
    std::shared_ptr<const State> m_state;
  };
  Snapshot snapshot() const;

  // Stores bytes (deduplicated: nothing is written when the id is present). Write mode only.
  ObjectId put(std::span<const std::uint8_t> bytes);
  // Streams an object of any size: write() any number of times, then finish().
  // Streams an object of any size. Its chunks are sealed on a second thread while the caller
  // goes on: finish() returns the id at once, and the frames reach the file before anything
  // reads the vault (read, contains, info, ...) or commits.
  class Writer {
   public:
    virtual ~Writer() = default;
    virtual void write(std::span<const std::uint8_t> bytes) = 0;
    virtual ObjectId finish() = 0;
  };
  std::unique_ptr<Writer> writer();

  // --- Named roots: the entry points of the upper layers (e.g. "catalog") ------------------
  std::optional<ObjectId> root(const std::string& name) const;
  void set_root(const std::string& name, const ObjectId& id);

  // --- Commits ---------------------------------------------------------------------------
  // Makes everything put since the last commit durable and part of the vault. Only when this
  // returns has the data been stored. Error(io) on a failed write or sync; the vault object is
  // then unusable and the previous commit stays the vault's state.
  void commit();
  // Drops everything staged since the last commit and cuts it from the file, so the file is
  // byte-identical to what it was at the last commit.
  void rollback();
  bool has_staged_changes() const;

  // --- Keys ------------------------------------------------------------------------------
  // Replaces the keyslot that opened this vault by one for `new_passphrase`. No data frame is
  // rewritten; the old secret stops working. Write mode only.
  void change_passphrase(const Credential& new_passphrase, const KdfParams& kdf);

  class Impl;

 private:
  explicit Vault(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

// NFC-normalises a passphrase (so "é" typed two ways unlocks the same vault). Error(usage) when
// it is not valid UTF-8.
SecretBytes normalize_passphrase(std::span<const std::uint8_t> raw);

}  // namespace dmvault
