// The encrypted scratch file an import's catalog lives in: it reads back every byte written, at
// any offset and across truncation, like a file would; the disk holds no byte of it in the
// clear; and the file has no name, so nothing is left in its folder.
#include "import/scratch_file.hpp"

#include "catalog/catalog.hpp"
#include "dmvault/error.hpp"
#include "vault/vault_test_support.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <fstream>
#include <random>
#include <string>
#include <unistd.h>

namespace dmvault::import {
namespace {

namespace fs = std::filesystem;
using dmvault::testing::TempDir;

constexpr std::size_t kBlock = EncryptedScratchFile::kBlockSize;

std::vector<std::uint8_t> read_all(catalog::ScratchFile& file) {
  std::vector<std::uint8_t> out(static_cast<std::size_t>(file.size()));
  file.read(0, out);
  return out;
}

// Every byte of every file this process holds open under `dir` (the unnamed scratch file shows
// in /proc/self/fd as "<dir>/#<inode> (deleted)").
std::string bytes_of_open_files_under(const fs::path& dir) {
  std::string all;
  for (const auto& entry : fs::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    const fs::path target = fs::read_symlink(entry.path(), ec);
    if (ec || target.string().rfind(dir.string(), 0) != 0) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    all.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return all;
}

TEST(ScratchFile, ReadsBackWhatWasWrittenAtAnyOffsetLikeAFile) {
  TempDir dir;
  auto file = EncryptedScratchFile::create(dir.path());
  std::vector<std::uint8_t> model;
  std::mt19937_64 random(7);
  std::size_t end_of_last = 0;
  for (int step = 0; step < 400; ++step) {
    // Random places, and runs of writes each where the last ended, some long (past the blocks
    // held back before a write).
    const std::size_t offset = step % 3 == 0 ? end_of_last : random() % (400 * kBlock);
    const std::size_t size = 1 + random() % (step % 7 == 0 ? 100 * kBlock : 3 * kBlock);
    end_of_last = offset + size;
    std::vector<std::uint8_t> bytes(size);
    for (auto& b : bytes) b = static_cast<std::uint8_t>(random());
    file->write(offset, bytes);
    if (model.size() < offset + size) model.resize(offset + size, 0);  // a gap reads as zeros
    std::copy(bytes.begin(), bytes.end(), model.begin() + static_cast<std::ptrdiff_t>(offset));
    if (step % 50 == 49) {
      // Cut to a point inside a block, then grow again: the cut part must read as zeros.
      const std::size_t cut = model.size() / 2 + 123;
      file->truncate(cut);
      model.resize(cut);
      file->truncate(cut + kBlock);
      model.resize(cut + kBlock, 0);
    }
    ASSERT_EQ(file->size(), model.size()) << step;
    // Read a random piece back at once, mid-way: some of it may still be held back unwritten.
    const std::size_t from = random() % model.size();
    std::vector<std::uint8_t> back(
        std::min<std::size_t>(model.size() - from, random() % (300 * kBlock)));
    file->read(from, back);
    ASSERT_TRUE(
        std::equal(back.begin(), back.end(), model.begin() + static_cast<std::ptrdiff_t>(from)))
        << step;
  }
  EXPECT_EQ(read_all(*file), model);
  std::vector<std::uint8_t> piece(kBlock + 77);
  file->read(kBlock - 30, piece);
  EXPECT_TRUE(std::equal(piece.begin(), piece.end(), model.begin() + kBlock - 30));
  std::vector<std::uint8_t> past(1);
  EXPECT_THROW(file->read(file->size(), past), std::logic_error);
}

TEST(ScratchFile, TheDiskHoldsNoByteInTheClearAndTheFolderStaysEmpty) {
  TempDir dir;
  auto file = EncryptedScratchFile::create(dir.path());
  const std::string canary = "scratchcanary-xylophonequokka-";
  std::string text;
  while (text.size() < 40 * kBlock) text += canary + std::to_string(text.size());
  file->write(0, {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
  file->write(5, {reinterpret_cast<const std::uint8_t*>(canary.data()), canary.size()});
  file->flush();

  const std::string on_disk = bytes_of_open_files_under(dir.path());
  EXPECT_GT(on_disk.size(), text.size());  // the file was found: the check means something
  EXPECT_EQ(on_disk.find("scratchcanary"), std::string::npos);
  EXPECT_EQ(on_disk.find("xylophone"), std::string::npos);
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(ScratchFile, ABlockChangedOnDiskIsAnErrorNeverWrongBytes) {
  TempDir dir;
  auto file = EncryptedScratchFile::create(dir.path());
  const std::vector<std::uint8_t> bytes(3 * kBlock, 0x42);
  file->write(0, bytes);
  file->flush();
  // Flip a byte of the second stored block through the process's own descriptor.
  bool flipped = false;
  for (const auto& entry : fs::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    const fs::path target = fs::read_symlink(entry.path(), ec);
    if (ec || target.string().rfind(dir.path().string(), 0) != 0) continue;
    const int fd = ::open(entry.path().c_str(), O_RDWR | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    std::uint8_t b = 0;
    const off_t at = static_cast<off_t>(kBlock + 40 + 100);
    ASSERT_EQ(::pread(fd, &b, 1, at), 1);
    b ^= 1;
    ASSERT_EQ(::pwrite(fd, &b, 1, at), 1);
    ::close(fd);
    flipped = true;
  }
  ASSERT_TRUE(flipped);
  std::vector<std::uint8_t> out(3 * kBlock);
  try {
    file->read(0, out);
    FAIL() << "a changed block was read";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::io);
    EXPECT_NE(std::string(error.what()).find("scratch file"), std::string::npos) << error.what();
  }
}

TEST(ScratchFile, AFolderThatCannotHoldItIsNamedInTheError) {
  TempDir dir;
  try {
    (void)EncryptedScratchFile::create(dir.path() / "missing");
    FAIL() << "a scratch file in a missing folder";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::io);
    EXPECT_NE(std::string(error.what()).find("missing"), std::string::npos) << error.what();
  }
}

// A catalog in a scratch file behaves like one in memory, and its image is a valid catalog.
TEST(ScratchFile, ACatalogLivesInItAndItsImageLoadsAgain) {
  TempDir dir;
  catalog::Catalog catalog = catalog::Catalog::create_in(EncryptedScratchFile::create(dir.path()));
  catalog::SourceRecord source;
  source.platform = "instagram";
  source.export_name = "x";
  const std::int64_t id = catalog.begin_source(source);
  Conversation conversation;
  conversation.platform = "instagram";
  conversation.thread_id = "t1";
  conversation.title = "Weekend crew";
  catalog.add_conversation(id, conversation);
  for (int i = 0; i < 3000; ++i) {
    Message message;
    message.sender = "Ana";
    message.timestamp_ms = 1'600'000'000'000 + (i * 7919 % 3000) * 1000;
    message.text = "message number " + std::to_string(i) + (i == 1234 ? " marmalade" : "");
    catalog.add_message(id, "instagram", "t1", message, {});
  }
  catalog.finish_source(id, source);
  EXPECT_EQ(catalog.counts().messages, 3000u);

  PlainBytes image = catalog.serialize();
  std::vector<std::uint8_t> streamed;
  catalog.stream_image([&](std::span<const std::uint8_t> piece) {
    streamed.insert(streamed.end(), piece.begin(), piece.end());
  });
  ASSERT_EQ(streamed.size(), image.size());
  EXPECT_TRUE(std::equal(streamed.begin(), streamed.end(), image.data()));

  catalog::Catalog loaded = catalog::Catalog::load(image.span());
  EXPECT_EQ(loaded.counts().messages, 3000u);
  auto again = EncryptedScratchFile::create(dir.path());
  again->write(0, image.span());
  catalog::Catalog reloaded = catalog::Catalog::load_into(again);
  EXPECT_EQ(reloaded.counts().messages, 3000u);
}

}  // namespace
}  // namespace dmvault::import
