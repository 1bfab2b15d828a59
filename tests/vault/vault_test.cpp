// The vault's API contract: objects round-trip, dedup, chunking, commits, rollback, roots,
// keys (passphrase, recovery key, passwd) and locking.
#include "dmvault/verify.hpp"
#include "io/fault_storage.hpp"
#include "vault/format.hpp"
#include "vault_test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <thread>

namespace dmvault {
namespace {

using namespace dmvault::testing;

struct MemoryVault {
  io::MemoryStorage memory;
  MemoryVault() { Vault::create_on(memory, passphrase("correct horse"), fast_options()); }
  Vault open(Vault::Mode mode, std::vector<std::string>* warnings = nullptr) {
    return Vault::open_on(
        borrow(memory), passphrase("correct horse"),
        mode == Vault::Mode::write ? write_options(warnings) : read_options(warnings));
  }
};

TEST(Vault, NewVaultHasGenesisCommitAndOpens) {
  MemoryVault mv;
  const auto info = mv.open(Vault::Mode::read).info();
  EXPECT_EQ(info.format_version, 1);
  EXPECT_EQ(info.commits, 1u);
  EXPECT_EQ(info.objects, 0u);
  EXPECT_EQ(info.vault_id.size(), 64u);
  ASSERT_EQ(info.keyslots.size(), 1u);
  EXPECT_EQ(info.keyslots[0].kind, Credential::Kind::passphrase);
  EXPECT_EQ(info.keyslots[0].kdf.opslimit, fast_kdf().opslimit);
}

TEST(Vault, SmallAndLargeObjectsRoundTripAcrossCommits) {
  MemoryVault mv;
  const auto small = text_bytes("hello, sealed world");
  const auto exact = pseudo_random_bytes(vault::kChunkSize, 1);
  const auto large = pseudo_random_bytes(3 * vault::kChunkSize + 12345, 2);
  const std::vector<std::uint8_t> empty;
  ObjectId a{}, b{}, c{}, d{};
  {
    Vault v = mv.open(Vault::Mode::write);
    a = v.put(small);
    b = v.put(exact);
    c = v.put(large);
    d = v.put(empty);
    EXPECT_EQ(to_vector(v.read(c)), large);  // staged objects are readable before the commit
    v.commit();
  }
  Vault v = mv.open(Vault::Mode::read);
  EXPECT_EQ(v.info().commits, 2u);
  EXPECT_EQ(to_vector(v.read(a)), small);
  EXPECT_EQ(to_vector(v.read(b)), exact);
  EXPECT_EQ(to_vector(v.read(c)), large);
  EXPECT_TRUE(v.read(d).empty());
  EXPECT_EQ(v.object_size(c), large.size());
  EXPECT_EQ(v.id_of(small), a);
  EXPECT_EQ(v.id_of(large), c);  // the id of any object is the keyed hash of all its bytes
  std::vector<std::uint8_t> streamed;
  std::size_t pieces = 0;
  v.read_stream(c, [&](std::span<const std::uint8_t> p) {
    EXPECT_LE(p.size(), vault::kChunkSize);
    streamed.insert(streamed.end(), p.begin(), p.end());
    ++pieces;
  });
  EXPECT_EQ(streamed, large);
  EXPECT_EQ(pieces, 4u);
}

TEST(Vault, PiecesReadOneByOneMakeTheObject) {
  MemoryVault mv;
  const auto small = pseudo_random_bytes(1000, 4);
  const auto large = pseudo_random_bytes(2 * vault::kChunkSize + 5, 5);
  Vault v = mv.open(Vault::Mode::write);
  const ObjectId a = v.put(small);
  const ObjectId b = v.put(large);
  v.commit();

  const auto one = v.pieces(a);
  ASSERT_EQ(one.size(), 1u);  // a one-frame object is its own piece
  EXPECT_EQ(one[0].id, a);
  EXPECT_EQ(one[0].size, small.size());

  const auto three = v.pieces(b);
  ASSERT_EQ(three.size(), 3u);
  std::vector<std::uint8_t> joined;
  for (const Vault::Piece& piece : three) {
    const PlainBytes bytes = v.read(piece.id);
    EXPECT_EQ(bytes.size(), piece.size);
    joined.insert(joined.end(), bytes.data(), bytes.data() + bytes.size());
  }
  EXPECT_EQ(joined, large);
  EXPECT_EQ(three.back().size, 5u);

  ObjectId missing = a;
  missing[0] ^= 1;
  EXPECT_THROW((void)v.pieces(missing), Error);
}

TEST(Vault, StreamingWriterMatchesPut) {
  MemoryVault mv;
  const auto data = pseudo_random_bytes(2 * vault::kChunkSize + 7, 3);
  Vault v = mv.open(Vault::Mode::write);
  auto w = v.writer();
  for (std::size_t pos = 0; pos < data.size(); pos += 77777) {
    w->write(std::span(data).subspan(pos, std::min<std::size_t>(77777, data.size() - pos)));
  }
  const ObjectId id = w->finish();
  EXPECT_EQ(id, v.id_of(data));
  ASSERT_TRUE(v.contains(id));  // which waits for the writer's frames to reach the file
  const auto size_before = mv.memory.size();
  EXPECT_EQ(v.put(data), id);  // dedup: nothing more is written
  EXPECT_EQ(mv.memory.size(), size_before);
}

// Writers hand their chunks to the sealing thread and return at once: everything they wrote
// must still read back before the commit (the vault settles first), after it, and after a reopen,
// and an object written twice in a row is stored once.
TEST(Vault, ObjectsWrittenBackToBackReadBackBeforeAndAfterTheCommit) {
  MemoryVault mv;
  const std::size_t chunk = vault::kChunkSize;
  const std::vector<std::size_t> sizes = {0,         1,         1000,          chunk - 1, chunk,
                                          chunk + 1, 3 * chunk, 3 * chunk + 5, 77777,     2};
  std::vector<std::vector<std::uint8_t>> objects;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    objects.push_back(pseudo_random_bytes(sizes[i], 100 + i));
  }
  objects.push_back(objects[6]);  // a three-chunk object again, right after others
  objects.push_back(objects[2]);  // and a small one
  std::vector<ObjectId> ids;
  Vault v = mv.open(Vault::Mode::write);
  for (const auto& object : objects) {
    auto w = v.writer();
    for (std::size_t pos = 0; pos < object.size(); pos += 100000) {
      w->write(std::span(object).subspan(pos, std::min<std::size_t>(100000, object.size() - pos)));
    }
    ids.push_back(w->finish());
  }
  for (std::size_t i = 0; i < objects.size(); ++i) {
    EXPECT_EQ(ids[i], v.id_of(objects[i])) << i;
    ASSERT_TRUE(v.contains(ids[i])) << i;
    EXPECT_EQ(to_vector(v.read(ids[i])), objects[i]) << i;
  }
  v.commit();
  {
    Vault r = mv.open(Vault::Mode::read);
    for (std::size_t i = 0; i < objects.size(); ++i) {
      EXPECT_EQ(to_vector(r.read(ids[i])), objects[i]) << i;
    }
  }
  // The same objects once each, in a fresh vault, take exactly as many bytes of object frames
  // (frame sizes do not depend on the random nonces), and the walk of the file finds no frame
  // beyond the objects and the two commits: the repeats were not stored again. (The files'
  // sizes may differ: a commit record holds the vault's own ids, and compresses as they fall.)
  MemoryVault once;
  Vault o = once.open(Vault::Mode::write);
  for (std::size_t i = 0; i < sizes.size(); ++i) o.put(objects[i]);
  o.commit();
  const VaultInfo repeated = mv.open(Vault::Mode::read).info();
  const VaultInfo single = once.open(Vault::Mode::read).info();
  EXPECT_EQ(repeated.objects, single.objects);
  EXPECT_EQ(repeated.stored_bytes, single.stored_bytes);
  const VerifyReport walked = verify_vault(borrow(mv.memory), nullptr);
  EXPECT_EQ(walked.frames, repeated.objects + 2);
  EXPECT_EQ(walked.unreferenced_frames, 0u);
}

// The import reads message files through a snapshot on one thread while the media are written
// through the same Vault on another: the snapshot reads every object stored before it, committed
// or staged, whole or streamed, and none stored after it; the Vault itself has them all.
TEST(Vault, ASnapshotReadsWhatWasStoredBeforeItWhileAnotherThreadWrites) {
  TempDir dir;
  const auto path = dir.path() / "v.dmv";
  Vault::create(path, passphrase("pw"), fast_options());
  Vault v = Vault::open(path, passphrase("pw"), write_options());
  const std::size_t chunk = vault::kChunkSize;
  const auto committed = pseudo_random_bytes(3 * chunk + 5, 1);
  const ObjectId committed_id = v.put(committed);
  v.commit();
  const auto staged = pseudo_random_bytes(chunk / 2, 2);
  const ObjectId staged_id = v.put(staged);
  const auto staged_large = pseudo_random_bytes(2 * chunk + 1, 3);
  const ObjectId staged_large_id = v.put(staged_large);

  const Vault::Snapshot snapshot = v.snapshot();
  std::vector<ObjectId> later;
  std::thread writer([&] {
    for (std::uint64_t i = 0; i < 24; ++i) {
      const auto data = pseudo_random_bytes(chunk + 4096 * i, 10 + i);
      auto w = v.writer();
      w->write(data);
      later.push_back(w->finish());
    }
    (void)v.contains(later.back());  // every frame in the file
  });
  for (int round = 0; round < 24; ++round) {
    EXPECT_EQ(to_vector(snapshot.read(committed_id)), committed);
    EXPECT_EQ(to_vector(snapshot.read(staged_id)), staged);
    std::vector<std::uint8_t> streamed;
    snapshot.read_stream(staged_large_id, [&](std::span<const std::uint8_t> piece) {
      streamed.insert(streamed.end(), piece.begin(), piece.end());
    });
    EXPECT_EQ(streamed, staged_large);
  }
  writer.join();
  ASSERT_EQ(later.size(), 24u);
  for (const ObjectId& id : later) {
    EXPECT_THROW((void)snapshot.read(id), Error);
    EXPECT_TRUE(v.contains(id));
  }
  v.commit();
  EXPECT_EQ(to_vector(v.read(later.front())), pseudo_random_bytes(chunk, 10));
}

TEST(Vault, DeduplicatesWholeObjectsAndSharedChunks) {
  MemoryVault mv;
  auto data = pseudo_random_bytes(3 * vault::kChunkSize, 4);
  Vault v = mv.open(Vault::Mode::write);
  v.put(data);
  v.commit();
  const auto after_first = mv.memory.size();
  v.put(data);
  v.commit();
  EXPECT_EQ(mv.memory.size(), after_first);  // no staged change: no commit at all
  EXPECT_EQ(v.info().commits, 2u);
  // A file sharing its first two chunks stores only its new last chunk and a manifest.
  data[data.size() - 1] ^= 1;
  v.put(data);
  v.commit();
  EXPECT_LT(mv.memory.size() - after_first, vault::kChunkSize + 64 * 1024);
}

TEST(Vault, CompressibleDataIsStoredSmallerAndIncompressibleIsNotInflatedMuch) {
  MemoryVault mv;
  const std::string text(200000, 'a');
  const auto noise = pseudo_random_bytes(200000, 5);
  Vault v = mv.open(Vault::Mode::write);
  auto base = mv.memory.size();
  v.put(text_bytes(text));
  EXPECT_LT(mv.memory.size() - base, 2000u);
  base = mv.memory.size();
  v.put(noise);
  const auto stored = mv.memory.size() - base;
  EXPECT_GE(stored, noise.size());
  EXPECT_LE(stored, noise.size() * 112 / 100 + 200);  // Padmé's bound plus the frame header
}

TEST(Vault, RollbackAndAbandonedWritesLeaveTheFileByteIdentical) {
  MemoryVault mv;
  {
    Vault v = mv.open(Vault::Mode::write);
    v.put(text_bytes("kept"));
    v.commit();
  }
  const auto before = mv.memory.contents();
  {
    Vault v = mv.open(Vault::Mode::write);
    v.put(pseudo_random_bytes(50000, 6));
    EXPECT_TRUE(v.has_staged_changes());
    v.rollback();
    EXPECT_FALSE(v.has_staged_changes());
  }
  EXPECT_EQ(mv.memory.contents(), before);
  {
    Vault v = mv.open(Vault::Mode::write);
    v.put(pseudo_random_bytes(50000, 7));
    // destroyed without commit, as when an import fails and the exception unwinds
  }
  EXPECT_EQ(mv.memory.contents(), before);
}

TEST(Vault, RootsArePartOfTheCommit) {
  MemoryVault mv;
  {
    Vault v = mv.open(Vault::Mode::write);
    const ObjectId id = v.put(text_bytes("catalog v1"));
    v.set_root("catalog", id);
    EXPECT_EQ(v.root("catalog"), id);
    v.commit();
  }
  {
    Vault v = mv.open(Vault::Mode::write);
    const ObjectId id2 = v.put(text_bytes("catalog v2"));
    v.set_root("catalog", id2);
    v.rollback();
  }
  Vault v = mv.open(Vault::Mode::read);
  ASSERT_TRUE(v.root("catalog"));
  EXPECT_EQ(to_vector(v.read(*v.root("catalog"))), text_bytes("catalog v1"));
  EXPECT_FALSE(v.root("missing"));
}

TEST(Vault, ReadOnlyVaultRefusesWrites) {
  MemoryVault mv;
  Vault v = mv.open(Vault::Mode::read);
  EXPECT_THROW(v.put(text_bytes("x")), std::logic_error);
}

TEST(Vault, WrongPassphraseIsExitThreeAndNeverDamage) {
  MemoryVault mv;
  EXPECT_EQ(
      code_of([&] { Vault::open_on(borrow(mv.memory), passphrase("wrong"), read_options()); }),
      ErrorCode::wrong_passphrase);
  EXPECT_EQ(code_of([&] { Vault::open_on(borrow(mv.memory), passphrase(""), read_options()); }),
            ErrorCode::wrong_passphrase);
  Credential recovery{Credential::Kind::recovery_key, SecretBytes::copy_of("AAAA-BBBB")};
  EXPECT_EQ(code_of([&] { Vault::open_on(borrow(mv.memory), recovery, read_options()); }),
            ErrorCode::wrong_passphrase);
}

TEST(Vault, RecoveryKeyOpensInAnySpellingAndSurvivesPasswd) {
  io::MemoryStorage memory;
  SecretBytes key = Vault::create_on(memory, passphrase("pw"), fast_options(true));
  ASSERT_EQ(key.size(), 39u);  // 32 base32 characters in 8 groups of 4
  std::string spelled(key.view());
  std::transform(spelled.begin(), spelled.end(), spelled.begin(),
                 [](char c) { return c == '-' ? ' ' : static_cast<char>(std::tolower(c)); });
  for (const std::string& text : {std::string(key.view()), spelled}) {
    Credential rk{Credential::Kind::recovery_key, SecretBytes::copy_of(text)};
    EXPECT_NO_THROW(Vault::open_on(borrow(memory), rk, read_options()));
  }
  {
    Credential rk{Credential::Kind::recovery_key, SecretBytes::copy_of(key.view())};
    Vault v = Vault::open_on(borrow(memory), rk, write_options());
    v.change_passphrase(passphrase("new pw"), fast_kdf());
  }
  EXPECT_NO_THROW(Vault::open_on(borrow(memory), passphrase("new pw"), read_options()));
  EXPECT_EQ(code_of([&] { Vault::open_on(borrow(memory), passphrase("pw"), read_options()); }),
            ErrorCode::wrong_passphrase);
  Credential rk{Credential::Kind::recovery_key, SecretBytes::copy_of(key.view())};
  EXPECT_NO_THROW(Vault::open_on(borrow(memory), rk, read_options()));
}

TEST(Vault, PasswdRewrapsWithoutTouchingAnyDataFrame) {
  MemoryVault mv;
  ObjectId id{};
  {
    Vault v = mv.open(Vault::Mode::write);
    id = v.put(pseudo_random_bytes(3 * vault::kChunkSize, 8));
    v.commit();
  }
  const auto before = mv.memory.contents();
  {
    Vault v = mv.open(Vault::Mode::write);
    v.change_passphrase(passphrase("battery staple"), fast_kdf());
  }
  const auto after = mv.memory.contents();
  ASSERT_EQ(before.size(), after.size());
  EXPECT_TRUE(std::equal(before.begin() + vault::kDataStart, before.end(),
                         after.begin() + vault::kDataStart));
  EXPECT_FALSE(std::equal(before.begin(), before.begin() + vault::kDataStart, after.begin()));
  EXPECT_EQ(code_of([&] { mv.open(Vault::Mode::read); }), ErrorCode::wrong_passphrase);
  Vault v = Vault::open_on(borrow(mv.memory), passphrase("battery staple"), read_options());
  EXPECT_EQ(v.read(id).size(), 3 * vault::kChunkSize);
}

TEST(Vault, PassphrasesAreNormalisedToNfc) {
  const std::string composed = "caf\xC3\xA9";     // é as one code point
  const std::string decomposed = "cafe\xCC\x81";  // e + combining acute
  const auto a = normalize_passphrase(text_bytes(composed));
  const auto b = normalize_passphrase(text_bytes(decomposed));
  EXPECT_EQ(a.view(), b.view());
  EXPECT_EQ(code_of([] {
              normalize_passphrase(std::vector<std::uint8_t>{0xff, 0xfe});
            }),
            ErrorCode::usage);
}

TEST(Vault, UnfinishedTailIsIgnoredByReadersAndCutByWriters) {
  MemoryVault mv;
  {
    Vault v = mv.open(Vault::Mode::write);
    v.put(text_bytes("committed"));
    v.commit();
  }
  const auto committed = mv.memory.contents();
  auto garbage = pseudo_random_bytes(5000, 9);
  mv.memory.write_at(committed.size(), garbage);
  std::vector<std::string> warnings;
  EXPECT_EQ(mv.open(Vault::Mode::read, &warnings).info().commits, 2u);
  EXPECT_TRUE(warnings.empty());
  { Vault v = mv.open(Vault::Mode::write, &warnings); }
  EXPECT_EQ(mv.memory.contents(), committed);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("discarded 5000 bytes"), std::string::npos);
}

TEST(Vault, TruncationToAnEarlierCommitIsDetectedAsDamage) {
  MemoryVault mv;
  const auto one_commit = mv.memory.contents().size();
  {
    Vault v = mv.open(Vault::Mode::write);
    v.put(text_bytes("second"));
    v.commit();
  }
  auto image = mv.memory.contents();
  image.resize(one_commit);  // a valid-looking vault that lost its last commit
  EXPECT_EQ(code_of([&] {
              Vault::open_on(image_storage(image), passphrase("correct horse"), read_options());
            }),
            ErrorCode::corrupted);
}

TEST(Vault, FileLevelLockingAndCreateRefusesToReplace) {
  TempDir dir;
  const auto path = dir.path() / "v.dmv";
  CreateOptions options = fast_options();
  Vault::create(path, passphrase("pw"), options);
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  const auto size = std::filesystem::file_size(path);
  EXPECT_EQ(code_of([&] { Vault::create(path, passphrase("other"), options); }), ErrorCode::io);
  EXPECT_EQ(std::filesystem::file_size(path), size);
  {
    Vault writer = Vault::open(path, passphrase("pw"), write_options());
    EXPECT_EQ(code_of([&] { Vault::open(path, passphrase("pw"), write_options()); }),
              ErrorCode::busy);
    EXPECT_EQ(code_of([&] { Vault::open(path, passphrase("pw"), read_options()); }),
              ErrorCode::busy);
  }
  Vault r1 = Vault::open(path, passphrase("pw"), read_options());
  Vault r2 = Vault::open(path, passphrase("pw"), read_options());  // readers share
  EXPECT_EQ(code_of([&] { Vault::open(path, passphrase("pw"), write_options()); }),
            ErrorCode::busy);
  // Nothing but the vault is left in the directory.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()),
                          std::filesystem::directory_iterator()),
            1);
}

TEST(Vault, NotAVaultAndNewerVersionsAreExitSeven) {
  io::MemoryStorage junk;
  const auto bytes = pseudo_random_bytes(20000, 10);
  junk.write_at(0, bytes);
  EXPECT_EQ(code_of([&] { Vault::open_on(borrow(junk), passphrase("pw"), read_options()); }),
            ErrorCode::not_a_vault);
  io::MemoryStorage empty;
  EXPECT_EQ(code_of([&] { Vault::open_on(borrow(empty), passphrase("pw"), read_options()); }),
            ErrorCode::not_a_vault);
}

TEST(Vault, HostileKdfParametersAreRefusedBeforeRunningTheKdf) {
  // A keyslot asking for 1 TiB of memory: refusing it must not first try to allocate it.
  vault::Superblock sb;
  sb.sequence = 1;
  sb.keyslots[0].kind = vault::KeyslotKind::passphrase;
  sb.keyslots[0].opslimit = 3;
  sb.keyslots[0].memlimit = std::uint64_t{1} << 40;
  auto body = vault::encode_superblock_body(sb);
  crypto::plain_hash(std::span<const std::uint8_t>(body.data(), vault::kSuperblockChecksumOffset),
                     std::span<std::uint8_t>(&body[vault::kSuperblockChecksumOffset], 32));
  io::MemoryStorage storage;
  storage.write_at(0, body);
  storage.write_at(vault::kSuperblockSize, body);
  try {
    Vault::open_on(borrow(storage), passphrase("pw"), read_options());
    FAIL() << "opened";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::not_a_vault);
    EXPECT_NE(std::string(e.what()).find("Argon2id cost"), std::string::npos);
    EXPECT_NE(e.hint().find("--allow-expensive-kdf"), std::string::npos);
  }
}

}  // namespace
}  // namespace dmvault
