// Damage: every byte of a small vault flipped, every truncation, frames spliced, swapped,
// replayed and moved between vaults. Nothing may pass silently, nothing may be reported as a
// wrong passphrase, and no read may ever return altered content.
#include "crypto/crypto.hpp"
#include "vault/format.hpp"
#include "vault/frames.hpp"
#include "vault/keys.hpp"
#include "vault/open_state.hpp"
#include "vault_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>

namespace dmvault {
namespace {

using namespace dmvault::testing;

struct Sample {
  std::vector<std::uint8_t> image;
  std::map<ObjectId, std::vector<std::uint8_t>> objects;
};

Sample make_sample(const std::string& pass, bool with_large) {
  io::MemoryStorage memory;
  Vault::create_on(memory, passphrase(pass), fast_options(true));
  Sample s;
  {
    Vault v = Vault::open_on(borrow(memory), passphrase(pass), write_options());
    // Three of one length, so that frame swaps can be tested.
    for (const std::string text : {"first message", "second messag", "a third reply"}) {
      const auto bytes = text_bytes(text);
      s.objects[v.put(bytes)] = bytes;
    }
    v.set_root("catalog", s.objects.begin()->first);
    v.commit();
    const auto more = pseudo_random_bytes(300, 21);
    s.objects[v.put(more)] = more;
    if (with_large) {
      const auto big = pseudo_random_bytes(vault::kChunkSize + 3000, 22);
      s.objects[v.put(big)] = big;
    }
    v.commit();
  }
  s.image = memory.contents();
  return s;
}

enum class Outcome { refused, damage_reported, warning_only };

// Checks one damaged image; returns how the damage showed.
Outcome check_damaged(const Sample& sample, const std::vector<std::uint8_t>& image,
                      const std::string& what) {
  SCOPED_TRACE(what);
  const Credential cred = passphrase("pw");
  Outcome outcome = Outcome::refused;
  try {
    const auto report = verify_vault(image_storage(image), &cred);
    if (!report.damage.empty()) {
      outcome = Outcome::damage_reported;
    } else {
      EXPECT_FALSE(report.warnings.empty() && report.uncommitted_tail_bytes == 0)
          << "damage passed verify silently";
      outcome = Outcome::warning_only;
    }
  } catch (const Error& e) {
    EXPECT_NE(e.code(), ErrorCode::wrong_passphrase) << e.what();
    EXPECT_TRUE(e.code() == ErrorCode::not_a_vault || e.code() == ErrorCode::corrupted) << e.what();
  }
  // Reading must never hand back altered bytes: each object reads right or fails loudly.
  try {
    Vault v = Vault::open_on(image_storage(image), cred, read_options());
    for (const auto& [id, bytes] : sample.objects) {
      try {
        const auto got = v.read(id);
        EXPECT_EQ(to_vector(got), bytes) << "altered content returned";
      } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::corrupted) << e.what();
        EXPECT_NE(outcome, Outcome::warning_only) << "verify said clean but a read failed";
      }
    }
  } catch (const Error& e) {
    EXPECT_NE(e.code(), ErrorCode::wrong_passphrase) << e.what();
  }
  return outcome;
}

TEST(Damage, EveryByteFlippedIsDetected) {
  const Sample sample = make_sample("pw", false);
  std::map<Outcome, int> seen;
  std::uint64_t flips = 0;
  // Every byte with a one-bit flip (the hardest case for checksums), every 11th byte inverted.
  for (const std::uint8_t pattern : {std::uint8_t{0x01}, std::uint8_t{0xff}}) {
    for (std::size_t i = 0; i < sample.image.size(); i += pattern == 0x01 ? 1 : 11) {
      auto image = sample.image;
      image[i] ^= pattern;
      ++seen[check_damaged(sample, image, "byte " + std::to_string(i))];
      ++flips;
      if (HasFailure()) return;
    }
  }
  std::printf(
      "damage: %llu flips over a %zu-byte vault: %d refused, %d reported as damage, "
      "%d covered by redundancy with a warning\n",
      static_cast<unsigned long long>(flips), sample.image.size(), seen[Outcome::refused],
      seen[Outcome::damage_reported], seen[Outcome::warning_only]);
  EXPECT_GT(seen[Outcome::warning_only], 0);  // superblock copies and footers are redundant
  EXPECT_GT(seen[Outcome::damage_reported], 0);
}

TEST(Damage, FlipsInAVaultWithAChunkedObjectAreDetected) {
  const Sample sample = make_sample("pw", true);
  std::uint64_t flips = 0;
  // Every byte of the tail (the manifest, the last commit and its footer) and a wide stride
  // elsewhere: each check of this 2 MiB vault decrypts it all, and the small vault above already
  // covers every byte of every kind of frame.
  const std::size_t tail = sample.image.size() - 600;
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < tail; i += 16411) offsets.push_back(i);
  for (std::size_t i = tail; i < sample.image.size(); ++i) offsets.push_back(i);
  for (const std::size_t i : offsets) {
    auto image = sample.image;
    image[i] ^= 0x10;
    check_damaged(sample, image, "byte " + std::to_string(i));
    ++flips;
    if (HasFailure()) return;
  }
  EXPECT_GT(flips, 300u);
}

// Frames forged with a vault's own keys after its last commit, then a commit of its index with
// the entries given: what only a writer holding the key could get wrong.
class Forger {
 public:
  explicit Forger(const Sample& sample)
      : m_image(sample.image),
        m_storage(sample.image),
        m_state(vault::open_state(m_storage, passphrase("pw"), false, {})),
        m_record(m_state.last.record) {}

  const vault::KeySet& keys() const { return m_state.keys; }
  ObjectId id_of(std::span<const std::uint8_t> bytes) const {
    return crypto::keyed_hash(keys().id(), bytes);
  }
  // Appends a frame; `indexed` also points the index at it.
  void append(vault::ObjectKind kind, const ObjectId& id, std::span<const std::uint8_t> content,
              std::uint64_t size, bool indexed) {
    const auto frame = vault::seal_frame(keys(), m_state.superblock.vault_id,
                                         vault::FrameType::object, kind, id, content, false);
    vault::IndexEntry entry;
    entry.kind = kind;
    entry.offset = m_image.size();
    entry.frame_length = static_cast<std::uint32_t>(frame.size());
    entry.size = size;
    std::copy(frame.end() - vault::kTagSize, frame.end(), entry.tag.begin());
    m_image.insert(m_image.end(), frame.begin(), frame.end());
    if (indexed) m_record.index[id] = entry;
  }
  // The image with a commit of the index as it stands.
  std::vector<std::uint8_t> committed() {
    vault::CommitRecord record = m_record;
    record.sequence = m_state.last.sequence + 1;
    record.previous_offset = m_state.last.offset;
    record.previous_hash = m_state.last.hash;
    const auto commit = vault::seal_frame(keys(), m_state.superblock.vault_id,
                                          vault::FrameType::commit, vault::ObjectKind::none,
                                          ObjectId{}, vault::encode_commit_record(record), true);
    std::vector<std::uint8_t> image = m_image;
    vault::Footer footer;
    footer.commit_offset = image.size();
    footer.commit_sequence = record.sequence;
    footer.end_offset = image.size() + commit.size() + vault::kFooterSize;
    image.insert(image.end(), commit.begin(), commit.end());
    const auto sealed_footer = vault::seal_footer(footer, m_state.superblock.vault_id, keys());
    image.insert(image.end(), sealed_footer.begin(), sealed_footer.end());
    return image;
  }

 private:
  std::vector<std::uint8_t> m_image;
  io::MemoryStorage m_storage;
  vault::OpenState m_state;
  vault::CommitRecord m_record;
};

std::vector<std::uint8_t> large_object_of(const Sample& sample) {
  for (const auto& [id, bytes] : sample.objects) {
    if (bytes.size() > vault::kChunkSize) return bytes;
  }
  return {};
}

VerifyReport verified(const std::vector<std::uint8_t>& image) {
  const Credential cred = passphrase("pw");
  return verify_vault(image_storage(image), &cred);
}

// The findings of a report that say some content does not match its id.
std::vector<std::string> id_mismatches(const VerifyReport& report) {
  std::vector<std::string> mismatches;
  for (const auto& damage : report.damage) {
    if (damage.what.find("does not match its id") != std::string::npos) {
      mismatches.push_back(damage.what);
    }
  }
  return mismatches;
}

std::size_t naming(const std::vector<std::string>& findings, const ObjectId& id) {
  const std::string hex = to_hex(std::span(id).first(8));
  return static_cast<std::size_t>(
      std::count_if(findings.begin(), findings.end(),
                    [&](const std::string& f) { return f.find(hex) != std::string::npos; }));
}

// A manifest whose id is not the id of its chunks' bytes cannot come from a flip (its frame is
// authenticated), only from a writer with the key that got it wrong. Verify learns a whole
// object's id in passing when the chunks come right before their manifest, and by reading them
// again otherwise: both must report it. Two such manifests are forged with the vault's own keys:
// one behind fresh copies of its chunks, one alone after a commit.
TEST(Damage, AManifestWhoseIdIsNotItsBytesIsReported) {
  const Sample sample = make_sample("pw", true);
  const std::vector<std::uint8_t> big = large_object_of(sample);
  ASSERT_FALSE(big.empty());
  Forger forger(sample);
  const std::span<const std::uint8_t> parts[] = {std::span(big).first(vault::kChunkSize),
                                                 std::span(big).subspan(vault::kChunkSize)};
  vault::Manifest manifest;
  manifest.total_size = big.size();
  for (const auto part : parts) {
    manifest.chunks.emplace_back(forger.id_of(part), static_cast<std::uint32_t>(part.size()));
  }
  const auto manifest_bytes = vault::encode_manifest(manifest);
  // Behind fresh copies of its chunks (the index keeps pointing at the first ones).
  for (const auto part : parts) {
    forger.append(vault::ObjectKind::blob, forger.id_of(part), part, part.size(), false);
  }
  const ObjectId behind_chunks = forger.id_of(text_bytes("not these bytes 1"));
  forger.append(vault::ObjectKind::manifest, behind_chunks, manifest_bytes, big.size(), true);
  // Alone.
  const ObjectId alone = forger.id_of(text_bytes("not these bytes 2"));
  forger.append(vault::ObjectKind::manifest, alone, manifest_bytes, big.size(), true);

  const VerifyReport report = verified(forger.committed());
  const auto mismatches = id_mismatches(report);
  ASSERT_EQ(mismatches.size(), 2u);
  EXPECT_EQ(naming(mismatches, behind_chunks), 1u);
  EXPECT_EQ(naming(mismatches, alone), 1u);
  // Everything else still checks out: the true object and its chunks are intact.
  EXPECT_EQ(report.objects_checked, sample.objects.size() + 2);  // and the two chunks
}

// A full chunk is hashed on its own only when no object vouches for it (the walk hashes a run of
// chunks once, as their object): one whose bytes are not its id is named wherever it stands.
// Forged with the vault's keys: one alone, and one at the head of an object's run whose id is the
// id of the bytes the chunk should have held.
TEST(Damage, AFullChunkWhoseIdIsNotItsBytesIsNamed) {
  const Sample sample = make_sample("pw", true);
  const std::vector<std::uint8_t> big = large_object_of(sample);
  ASSERT_FALSE(big.empty());
  Forger forger(sample);
  const auto wrong_bytes = pseudo_random_bytes(vault::kChunkSize, 23);

  const ObjectId lone_chunk = forger.id_of(text_bytes("not these bytes 3"));
  forger.append(vault::ObjectKind::blob, lone_chunk, wrong_bytes, wrong_bytes.size(), false);

  const auto tail = std::span(big).subspan(vault::kChunkSize);
  const ObjectId head_chunk = forger.id_of(text_bytes("not these bytes 4"));
  vault::Manifest manifest;
  manifest.total_size = big.size();
  manifest.chunks.emplace_back(head_chunk, static_cast<std::uint32_t>(vault::kChunkSize));
  manifest.chunks.emplace_back(forger.id_of(tail), static_cast<std::uint32_t>(tail.size()));
  forger.append(vault::ObjectKind::blob, head_chunk, wrong_bytes, wrong_bytes.size(), true);
  forger.append(vault::ObjectKind::blob, forger.id_of(tail), tail, tail.size(), false);
  const ObjectId object = forger.id_of(text_bytes("the object of the forged run"));
  forger.append(vault::ObjectKind::manifest, object, vault::encode_manifest(manifest), big.size(),
                true);

  const VerifyReport report = verified(forger.committed());
  const auto mismatches = id_mismatches(report);
  EXPECT_EQ(naming(mismatches, lone_chunk), 1u);
  EXPECT_EQ(naming(mismatches, head_chunk), 1u);
  // The object is reported too: its first chunk is damaged.
  EXPECT_TRUE(std::any_of(report.damage.begin(), report.damage.end(), [&](const auto& d) {
    return d.what.find(to_hex(std::span(object).first(8))) != std::string::npos;
  }));
  EXPECT_EQ(report.objects_checked, sample.objects.size() + 2);  // the true object's chunks
}

TEST(Damage, EveryTruncationIsDetected) {
  const Sample sample = make_sample("pw", false);
  for (std::size_t size = 0; size < sample.image.size(); ++size) {
    std::vector<std::uint8_t> image(sample.image.begin(),
                                    sample.image.begin() + static_cast<long>(size));
    SCOPED_TRACE("truncated to " + std::to_string(size));
    const Credential cred = passphrase("pw");
    try {
      const auto report = verify_vault(image_storage(image), &cred);
      EXPECT_FALSE(report.damage.empty()) << "truncation passed verify";
    } catch (const Error& e) {
      EXPECT_TRUE(e.code() == ErrorCode::not_a_vault || e.code() == ErrorCode::corrupted)
          << e.what();
    }
    EXPECT_NE(code_of([&] { Vault::open_on(image_storage(image), cred, read_options()); }),
              static_cast<ErrorCode>(0));
    if (HasFailure()) return;
  }
}

// Frame positions of a vault, from its index.
std::vector<std::pair<std::uint64_t, std::uint64_t>> object_frames(const Sample& s) {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> frames;
  std::uint64_t pos = vault::kDataStart;
  while (pos + vault::kFrameHeaderSize <= s.image.size()) {
    const auto header =
        vault::decode_frame_header(std::span<const std::uint8_t, vault::kFrameHeaderSize>(
            &s.image[pos], vault::kFrameHeaderSize));
    if (!header) break;
    const std::uint64_t end = pos + vault::kFrameHeaderSize + header->payload_length;
    if (header->type == vault::FrameType::object) frames.emplace_back(pos, end);
    pos = header->type == vault::FrameType::commit ? end + vault::kFooterSize : end;
  }
  return frames;
}

TEST(Damage, SwappedFramesAreRejected) {
  const Sample sample = make_sample("pw", false);
  const auto frames = object_frames(sample);
  ASSERT_GE(frames.size(), 3u);
  // Two frames of the same length swapped: each is authentic, but not where the index says.
  bool swapped = false;
  for (std::size_t a = 0; a < frames.size() && !swapped; ++a) {
    for (std::size_t b = a + 1; b < frames.size() && !swapped; ++b) {
      const auto len = frames[a].second - frames[a].first;
      if (len != frames[b].second - frames[b].first) continue;
      auto image = sample.image;
      std::swap_ranges(image.begin() + static_cast<long>(frames[a].first),
                       image.begin() + static_cast<long>(frames[a].second),
                       image.begin() + static_cast<long>(frames[b].first));
      EXPECT_EQ(check_damaged(sample, image, "swap"), Outcome::damage_reported);
      swapped = true;
    }
  }
  EXPECT_TRUE(swapped);
}

TEST(Damage, FramesFromAnotherVaultWithTheSamePassphraseAreRejected) {
  const Sample mine = make_sample("pw", false);
  const Sample theirs = make_sample("pw", false);
  const auto a = object_frames(mine);
  const auto b = object_frames(theirs);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].second - a[i].first != b[i].second - b[i].first) continue;
    auto image = mine.image;
    std::copy(theirs.image.begin() + static_cast<long>(b[i].first),
              theirs.image.begin() + static_cast<long>(b[i].second),
              image.begin() + static_cast<long>(a[i].first));
    EXPECT_EQ(check_damaged(mine, image, "frame " + std::to_string(i) + " from another vault"),
              Outcome::damage_reported);
  }
  // The other vault's header on my data: its key does not open my frames.
  auto image = mine.image;
  std::copy(theirs.image.begin(), theirs.image.begin() + vault::kDataStart, image.begin());
  check_damaged(mine, image, "header from another vault");
  EXPECT_NE(
      code_of([&] { Vault::open_on(image_storage(image), passphrase("pw"), read_options()); }),
      static_cast<ErrorCode>(0));
}

TEST(Damage, AReplayedOldCommitIsNeverAccepted) {
  io::MemoryStorage memory;
  Vault::create_on(memory, passphrase("pw"), fast_options());
  const std::uint64_t genesis_end = memory.size();
  {
    Vault v = Vault::open_on(borrow(memory), passphrase("pw"), write_options());
    v.put(text_bytes("x"));
    v.commit();
  }
  auto image = memory.contents();
  // Append the genesis commit frame and its footer again.
  image.insert(image.end(), image.begin() + vault::kDataStart,
               image.begin() + static_cast<long>(genesis_end));
  Vault v = Vault::open_on(image_storage(image), passphrase("pw"), read_options());
  EXPECT_EQ(v.info().commits, 2u);
  EXPECT_TRUE(v.contains(v.id_of(text_bytes("x"))));
  const Credential cred = passphrase("pw");
  const auto report = verify_vault(image_storage(image), &cred);
  EXPECT_EQ(report.uncommitted_tail_bytes, genesis_end - vault::kDataStart);
}

// The hook hands out the keys verify unlocked, once per full verify and never without an
// unlock: they open the same vault with no credential (verify's catalog check reads it so,
// without deriving the key again), and every object reads back as stored.
TEST(Damage, VerifyHandsOutTheKeysItUnlocked) {
  const Sample sample = make_sample("pw", false);
  int unlocked = 0;
  const auto read_everything = [&](Vault::Unlocked keys) {
    ++unlocked;
    const Vault vault =
        Vault::open_unlocked(image_storage(sample.image), std::move(keys), Vault::OpenOptions{});
    EXPECT_EQ(vault.info().commits, 3u);
    for (const auto& [id, bytes] : sample.objects) {
      const PlainBytes read = vault.read(id);
      EXPECT_TRUE(std::equal(read.span().begin(), read.span().end(), bytes.begin(), bytes.end()));
    }
  };
  const Credential right = passphrase("pw");
  EXPECT_TRUE(verify_vault(image_storage(sample.image), &right, false, read_everything).clean());
  EXPECT_EQ(unlocked, 1);
  EXPECT_TRUE(verify_vault(image_storage(sample.image), nullptr, false, read_everything).clean());
  EXPECT_EQ(unlocked, 1);
  const Credential wrong = passphrase("not it");
  try {
    verify_vault(image_storage(sample.image), &wrong, false, read_everything);
    ADD_FAILURE() << "a wrong passphrase verified";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::wrong_passphrase) << e.what();
  }
  EXPECT_EQ(unlocked, 1);
}

// Keys unlocked from one vault do not open another one (the file at the path replaced between
// the two openings): a clear refusal, not a vault that seems to have lost its commits.
TEST(Damage, UnlockedKeysRefuseAnotherVault) {
  const Sample first = make_sample("pw", false);
  const Sample second = make_sample("pw", false);
  std::optional<Vault::Unlocked> keys;
  const Credential credential = passphrase("pw");
  verify_vault(image_storage(first.image), &credential, false,
               [&](Vault::Unlocked unlocked) { keys.emplace(std::move(unlocked)); });
  ASSERT_TRUE(keys.has_value());
  try {
    (void)Vault::open_unlocked(image_storage(second.image), std::move(*keys), Vault::OpenOptions{});
    ADD_FAILURE() << "keys of one vault opened another";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::not_a_vault) << e.what();
    EXPECT_NE(std::string(e.what()).find("not the vault whose keys were unlocked"),
              std::string::npos)
        << e.what();
  }
}

TEST(Damage, QuickVerifyNeedsNoKeyAndFindsStructuralDamage) {
  const Sample sample = make_sample("pw", false);
  auto clean = verify_vault(image_storage(sample.image), nullptr);
  EXPECT_TRUE(clean.clean());
  EXPECT_TRUE(clean.warnings.empty());
  EXPECT_EQ(clean.commits, 3u);
  const auto frames = object_frames(sample);
  auto image = sample.image;
  image[frames[1].first + 9] ^= 1;  // a frame header's length field
  EXPECT_FALSE(verify_vault(image_storage(image), nullptr).clean());
  image = sample.image;
  image.resize(image.size() - 1);
  EXPECT_FALSE(verify_vault(image_storage(image), nullptr).clean());
  image = sample.image;
  image[200] ^= 1;  // header copy A
  auto one_copy = verify_vault(image_storage(image), nullptr);
  EXPECT_TRUE(one_copy.clean());
  ASSERT_EQ(one_copy.warnings.size(), 1u);
  EXPECT_NE(one_copy.warnings[0].what.find("copy A"), std::string::npos);
}

}  // namespace
}  // namespace dmvault
