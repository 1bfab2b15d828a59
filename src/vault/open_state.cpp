#include "vault/open_state.hpp"

#include "crypto/crypto.hpp"
#include "dmvault/error.hpp"

#include <algorithm>

namespace dmvault::vault {

namespace {

const char* copy_name(std::size_t i) { return i == 0 ? "A" : "B"; }

void check_version(const Storage& storage, const Superblock& sb) {
  if (sb.version > kFormatVersion) {
    throw Error(ErrorCode::not_a_vault,
                storage.describe() + ": the vault has format version " +
                    std::to_string(sb.version) + "; this dmvault reads version " +
                    std::to_string(kFormatVersion),
                "upgrade dmvault to open this vault");
  }
  if (sb.version == 0) {
    throw Error(ErrorCode::not_a_vault,
                storage.describe() + ": vault header is damaged (format version 0)");
  }
  if (sb.incompat_flags != 0) {
    throw Error(ErrorCode::not_a_vault,
                storage.describe() + ": the vault uses features this dmvault does not know",
                "upgrade dmvault to open this vault");
  }
}

}  // namespace

std::array<HeaderCopy, 2> read_header_copies(Storage& storage) {
  std::array<HeaderCopy, 2> copies;
  const std::uint64_t size = storage.size();
  for (std::size_t i = 0; i < 2; ++i) {
    if (size < (i + 1) * kSuperblockSize) continue;
    std::array<std::uint8_t, kSuperblockSize> bytes{};
    storage.read_at(i * kSuperblockSize, bytes);
    copies[i].present = superblock_has_magic(bytes);
    copies[i].checksum_ok = superblock_checksum_ok(bytes);
    if (copies[i].checksum_ok) copies[i].superblock = decode_superblock(bytes);
  }
  return copies;
}

UnlockedHeader unlock_header(Storage& storage, const Credential& credential,
                             bool allow_expensive_kdf) {
  std::array<std::array<std::uint8_t, kSuperblockSize>, 2> raw{};
  const auto copies = read_header_copies(storage);
  const std::uint64_t size = storage.size();
  for (std::size_t i = 0; i < 2; ++i) {
    if (size >= (i + 1) * kSuperblockSize) storage.read_at(i * kSuperblockSize, raw[i]);
  }
  if (!copies[0].present && !copies[1].present) {
    throw Error(ErrorCode::not_a_vault, storage.describe() + ": not a dmvault vault",
                "create one with 'dmvault init'");
  }
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i < 2; ++i) {
    if (copies[i].checksum_ok) candidates.push_back(i);
  }
  if (candidates.empty()) {
    throw Error(ErrorCode::not_a_vault,
                storage.describe() + ": the vault header is damaged (both copies)",
                "this is not a passphrase problem: restore the file from a backup");
  }
  std::stable_sort(candidates.begin(), candidates.end(), [&](std::size_t a, std::size_t b) {
    return copies[a].superblock.sequence > copies[b].superblock.sequence;
  });
  check_version(storage, copies[candidates.front()].superblock);

  UnlockedHeader result;
  for (std::size_t i = 0; i < 2; ++i) {
    if (!copies[i].checksum_ok) {
      result.header_warnings.push_back("header copy " + std::string(copy_name(i)) +
                                       " is damaged; the other copy is used");
    }
    if (copies[i].checksum_ok) {
      result.highest_superblock_sequence =
          std::max(result.highest_superblock_sequence, copies[i].superblock.sequence);
    }
  }
  result.superblock_copies_consistent = candidates.size() == 2 && raw[0] == raw[1];

  const KeyslotKind wanted = credential.kind == Credential::Kind::recovery_key
                                 ? KeyslotKind::recovery
                                 : KeyslotKind::passphrase;
  SecretBytes canonical;
  if (credential.kind == Credential::Kind::recovery_key) {
    canonical = canonical_recovery_key(credential.secret);
  }
  const SecretBytes& secret =
      credential.kind == Credential::Kind::recovery_key ? canonical : credential.secret;
  std::optional<Error> refused;
  bool any_slot = false;
  bool header_tampered = false;
  std::vector<std::pair<std::size_t, Keyslot>> tried;
  for (std::size_t c : candidates) {
    const Superblock& sb = copies[c].superblock;
    for (std::size_t i = 0; i < kKeyslotCount; ++i) {
      const Keyslot& slot = sb.keyslots[i];
      if (slot.kind != wanted) continue;
      any_slot = true;
      // The other copy usually holds the same slot: running Argon2id on it again would only
      // double the wait for a wrong passphrase.
      const bool seen = std::any_of(tried.begin(), tried.end(), [&](const auto& t) {
        std::array<std::uint8_t, kKeyslotSize> a{}, b{};
        encode_keyslot(t.second, a);
        encode_keyslot(slot, b);
        return t.first == i && a == b;
      });
      if (seen) continue;
      tried.emplace_back(i, slot);
      if (slot.kdf_algorithm != 1) continue;
      try {
        check_kdf_params(slot.opslimit, slot.memlimit, allow_expensive_kdf);
      } catch (const Error& e) {
        refused = e;
        continue;
      }
      auto master = unwrap_master_key(slot, sb.vault_id, static_cast<std::uint8_t>(i), secret);
      if (!master) continue;
      KeySet keys = KeySet::derive(*master);
      if (compute_key_check(keys, sb.vault_id) != sb.key_check ||
          !superblock_mac_ok(raw[c], keys)) {
        header_tampered = true;
        continue;
      }
      // The other copy must authenticate too, or it is reported (and rewritten by a writer).
      const std::size_t other = 1 - c;
      if (copies[other].checksum_ok && !superblock_mac_ok(raw[other], keys)) {
        result.header_warnings.push_back("header copy " + std::string(copy_name(other)) +
                                         " fails authentication; the other copy is used");
        result.superblock_copies_consistent = false;
      }
      result.superblock = sb;
      result.opened_slot = i;
      result.trusted_copy = c;
      result.master_key = std::move(*master);
      result.keys = std::move(keys);
      return result;
    }
  }
  if (header_tampered) {
    throw Error(ErrorCode::not_a_vault,
                storage.describe() + ": the vault header is damaged (it fails authentication)",
                "this is not a passphrase problem: restore the file from a backup");
  }
  if (refused) throw *refused;
  if (!any_slot && wanted == KeyslotKind::recovery) {
    throw Error(ErrorCode::wrong_passphrase,
                storage.describe() + ": this vault has no recovery key",
                "unlock it with its passphrase");
  }
  throw Error(ErrorCode::wrong_passphrase,
              storage.describe() +
                  (wanted == KeyslotKind::recovery ? ": wrong recovery key" : ": wrong passphrase"),
              "the vault header is intact; no keyslot accepts this secret");
}

std::optional<CommitRecord> read_commit_frame(Storage& storage, const KeySet& keys,
                                              const ObjectId& vault_id, std::uint64_t offset,
                                              std::uint64_t length,
                                              std::array<std::uint8_t, 32>* hash_out) {
  if (length < kFrameHeaderSize + kTagSize || length > kFrameHeaderSize + kMaxCommitPayload) {
    return std::nullopt;
  }
  std::vector<std::uint8_t> frame(static_cast<std::size_t>(length));
  storage.read_at(offset, frame);
  auto opened =
      open_frame(keys, vault_id, frame, max_content_for(FrameType::commit, ObjectKind::none));
  if (!opened.frame || opened.frame->header.type != FrameType::commit) return std::nullopt;
  auto record = decode_commit_record(opened.frame->content.span());
  if (record && hash_out != nullptr) *hash_out = frame_hash(frame);
  return record;
}

std::optional<CommitState> commit_at_footer(Storage& storage, const KeySet& keys,
                                            const ObjectId& vault_id, std::uint64_t footer_end) {
  if (footer_end < kDataStart + kFrameHeaderSize + kFooterSize || footer_end > storage.size()) {
    return std::nullopt;
  }
  std::array<std::uint8_t, kFooterSize> bytes{};
  storage.read_at(footer_end - kFooterSize, bytes);
  const auto footer = decode_footer(bytes);
  if (!footer || footer->end_offset != footer_end || !footer_mac_ok(bytes, vault_id, keys)) {
    return std::nullopt;
  }
  CommitState state;
  state.offset = footer->commit_offset;
  state.end = footer_end;
  auto record = read_commit_frame(storage, keys, vault_id, state.offset,
                                  footer_end - kFooterSize - state.offset, &state.hash);
  if (!record || record->sequence != footer->commit_sequence || record->sequence == 0) {
    return std::nullopt;
  }
  state.sequence = record->sequence;
  state.record = std::move(*record);
  return state;
}

namespace {

// The slow path: walks frame headers forward from `start`, accepting each commit frame that
// authenticates and continues the chain from `base`. Object frames are only skipped (their
// header checksum and length), so the walk costs one small read per frame.
std::optional<CommitState> walk_commits(Storage& storage, const KeySet& keys,
                                        const ObjectId& vault_id, std::optional<CommitState> base,
                                        std::uint64_t start) {
  const std::uint64_t size = storage.size();
  std::uint64_t pos = start;
  while (pos + kFrameHeaderSize <= size) {
    std::array<std::uint8_t, kFrameHeaderSize> header_bytes{};
    storage.read_at(pos, header_bytes);
    const auto header = decode_frame_header(header_bytes);
    if (!header) break;
    const std::uint64_t frame_end = pos + kFrameHeaderSize + header->payload_length;
    if (frame_end > size) break;
    if (header->type == FrameType::object) {
      pos = frame_end;
      continue;
    }
    if (frame_end + kFooterSize > size) break;
    CommitState candidate;
    auto record = read_commit_frame(storage, keys, vault_id, pos, frame_end - pos, &candidate.hash);
    if (!record) break;
    const std::uint64_t expected_sequence = base ? base->sequence + 1 : 1;
    const bool chained =
        record->sequence == expected_sequence &&
        (base ? record->previous_offset == base->offset && record->previous_hash == base->hash
              : record->previous_offset == 0);
    if (!chained) break;
    candidate.sequence = record->sequence;
    candidate.offset = pos;
    candidate.end = frame_end + kFooterSize;
    candidate.record = std::move(*record);
    std::array<std::uint8_t, kFooterSize> footer{};
    storage.read_at(frame_end, footer);
    const auto decoded = decode_footer(footer);
    candidate.footer_intact = decoded && decoded->commit_offset == pos &&
                              decoded->commit_sequence == candidate.sequence &&
                              decoded->end_offset == candidate.end &&
                              footer_mac_ok(footer, vault_id, keys);
    base = std::move(candidate);
    pos = base->end;
  }
  return base;
}

}  // namespace

OpenState open_state(Storage& storage, const Credential& credential, bool allow_expensive_kdf,
                     const WarningSink& warn) {
  return open_state(storage, unlock_header(storage, credential, allow_expensive_kdf), warn);
}

std::unique_ptr<UnlockedHeader> copy_of(const UnlockedHeader& header) {
  auto copy = std::make_unique<UnlockedHeader>();
  copy->superblock = header.superblock;
  copy->highest_superblock_sequence = header.highest_superblock_sequence;
  copy->superblock_copies_consistent = header.superblock_copies_consistent;
  copy->opened_slot = header.opened_slot;
  copy->trusted_copy = header.trusted_copy;
  copy->master_key = SecretBytes::copy_of(header.master_key.span());
  copy->keys = header.keys.copy();
  copy->header_warnings = header.header_warnings;
  return copy;
}

OpenState open_state(Storage& storage, UnlockedHeader header, const WarningSink& warn) {
  OpenState state;
  static_cast<UnlockedHeader&>(state) = std::move(header);
  for (const auto& w : state.header_warnings) {
    if (warn) warn(storage.describe() + ": " + w);
  }
  const ObjectId& vault_id = state.superblock.vault_id;
  const std::uint64_t size = storage.size();

  auto last = commit_at_footer(storage, state.keys, vault_id, size);
  if (!last) {
    // Start from the commit the header records as durable when its footer is intact; else
    // from the first frame.
    std::optional<CommitState> base;
    std::uint64_t start = kDataStart;
    if (state.superblock.durable_commit_end != 0) {
      base = commit_at_footer(storage, state.keys, vault_id, state.superblock.durable_commit_end);
      if (base && base->sequence == state.superblock.durable_commit_sequence) {
        start = base->end;
      } else {
        base.reset();
      }
    }
    last = walk_commits(storage, state.keys, vault_id, std::move(base), start);
  }
  if (!last) {
    throw Error(ErrorCode::corrupted, storage.describe() + ": no intact commit found in the vault",
                "the file is damaged or truncated; restore it from a backup");
  }
  if (last->sequence < state.superblock.durable_commit_sequence) {
    throw Error(ErrorCode::corrupted,
                storage.describe() + ": the file ends at commit " + std::to_string(last->sequence) +
                    " but its header records commit " +
                    std::to_string(state.superblock.durable_commit_sequence) +
                    ": it was truncated or rolled back",
                "restore the vault from a backup; 'dmvault verify' shows what is left");
  }
  if (!last->footer_intact && warn) {
    warn(storage.describe() + ": the footer of commit " + std::to_string(last->sequence) +
         " is damaged; the commit itself is intact");
  }
  state.tail_bytes = size - last->end;
  state.last = std::move(*last);
  return state;
}

}  // namespace dmvault::vault
