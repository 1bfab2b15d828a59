#include "dmvault/error.hpp"
#include "dmvault/storage.hpp"
#include "unit/io/io_test_support.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <regex>
#include <signal.h>
#include <stdexcept>
#include <string>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace dmvault {
namespace {

using io::testing::bytes_of;
using io::testing::pattern;
using io::testing::read_file;
using io::testing::TempDir;
using io::testing::write_file;

// Runs `action` and returns the Error it throws; fails the test if it throws nothing.
template <typename Action>
Error error_from(Action&& action) {
  try {
    action();
  } catch (const Error& error) {
    return error;
  }
  ADD_FAILURE() << "expected a dmvault::Error";
  return Error(ErrorCode::usage, "<no error thrown>");
}

std::vector<std::uint8_t> read_all(Storage& storage) {
  std::vector<std::uint8_t> bytes(storage.size());
  storage.read_at(0, bytes);
  return bytes;
}

TEST(FileStorage, WritesReadsTruncatesAndPersists) {
  TempDir dir;
  const auto path = dir / "vault.dmv";
  write_file(path, bytes_of("0123456789"));
  {
    auto storage = open_file_storage(path, LockMode::exclusive);
    EXPECT_EQ(storage->describe(), path.string());
    EXPECT_EQ(storage->size(), 10U);
    storage->write_at(2, bytes_of("ab"));
    // Writing past the end extends the file; the gap reads back as zeros.
    storage->write_at(12, bytes_of("xyz"));
    EXPECT_EQ(storage->size(), 15U);
    std::vector<std::uint8_t> expected = bytes_of("01ab456789");
    expected.insert(expected.end(), {0, 0, 'x', 'y', 'z'});
    EXPECT_EQ(read_all(*storage), expected);

    std::vector<std::uint8_t> middle(4);
    storage->read_at(1, middle);
    EXPECT_EQ(middle, bytes_of("1ab4"));

    storage->truncate(6);
    EXPECT_EQ(storage->size(), 6U);
    storage->sync();
  }
  EXPECT_EQ(read_file(path), bytes_of("01ab45"));
}

TEST(FileStorage, LargeTransfersRoundTrip) {
  TempDir dir;
  const auto path = dir / "big";
  write_file(path, {});
  const std::vector<std::uint8_t> data = pattern(3 * 1024 * 1024 + 17, 7);
  {
    auto storage = open_file_storage(path, LockMode::exclusive);
    storage->write_at(5, data);
    storage->sync();
    std::vector<std::uint8_t> back(data.size());
    storage->read_at(5, back);
    EXPECT_EQ(back, data);
  }
  const std::vector<std::uint8_t> on_disk = read_file(path);
  ASSERT_EQ(on_disk.size(), data.size() + 5);
  EXPECT_TRUE(std::equal(data.begin(), data.end(), on_disk.begin() + 5));
}

TEST(FileStorage, EmptyTransfersAreAllowedAnywhere) {
  TempDir dir;
  const auto path = dir / "f";
  write_file(path, bytes_of("abc"));
  auto storage = open_file_storage(path, LockMode::exclusive);
  std::vector<std::uint8_t> nothing;
  storage->read_at(3, nothing);
  storage->write_at(1000, nothing);
  EXPECT_EQ(storage->size(), 3U);
}

TEST(FileStorage, ShortReadIsAnIoErrorNamingTheOffset) {
  TempDir dir;
  const auto path = dir / "short.dmv";
  write_file(path, bytes_of("0123456789"));
  auto storage = open_file_storage(path, LockMode::shared);

  std::vector<std::uint8_t> buffer(8);
  const Error error = error_from([&] { storage->read_at(5, buffer); });
  EXPECT_EQ(error.code(), ErrorCode::io);
  EXPECT_EQ(std::string(error.what()), path.string() + ": unexpected end of file at offset 5");

  std::vector<std::uint8_t> one(1);
  EXPECT_EQ(error_from([&] { storage->read_at(10, one); }).code(), ErrorCode::io);
  EXPECT_EQ(error_from([&] { storage->read_at(~std::uint64_t{0}, one); }).code(), ErrorCode::io);
  storage->read_at(9, one);
  EXPECT_EQ(one[0], '9');
}

TEST(FileStorage, MissingFileIsNotAVault) {
  TempDir dir;
  const auto path = dir / "absent.dmv";
  for (const LockMode mode : {LockMode::shared, LockMode::exclusive}) {
    const Error error = error_from([&] { open_file_storage(path, mode); });
    EXPECT_EQ(error.code(), ErrorCode::not_a_vault);
    EXPECT_EQ(std::string(error.what()), path.string() + ": no such file");
  }
  const Error in_missing_dir =
      error_from([&] { open_file_storage(dir / "no/such", LockMode::shared); });
  EXPECT_EQ(in_missing_dir.code(), ErrorCode::not_a_vault);
}

TEST(FileStorage, DirectoryIsNotAVault) {
  TempDir dir;
  for (const LockMode mode : {LockMode::shared, LockMode::exclusive}) {
    const Error error = error_from([&] { open_file_storage(dir.path(), mode); });
    EXPECT_EQ(error.code(), ErrorCode::not_a_vault);
    EXPECT_NE(std::string(error.what()).find(dir.path().string() + ": "), std::string::npos);
  }
}

TEST(FileStorage, FifoIsNotAVaultAndDoesNotHang) {
  TempDir dir;
  const auto path = dir / "fifo";
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  for (const LockMode mode : {LockMode::shared, LockMode::exclusive}) {
    const Error error = error_from([&] { open_file_storage(path, mode); });
    EXPECT_EQ(error.code(), ErrorCode::not_a_vault);
    EXPECT_EQ(std::string(error.what()), path.string() + ": not a regular file");
  }
}

TEST(FileStorage, SymbolicLinkIsRefused) {
  TempDir dir;
  write_file(dir / "real", bytes_of("data"));
  std::filesystem::create_symlink(dir / "real", dir / "link");
  const Error error = error_from([&] { open_file_storage(dir / "link", LockMode::shared); });
  EXPECT_EQ(error.code(), ErrorCode::not_a_vault);
  EXPECT_EQ(std::string(error.what()), (dir / "link").string() + ": is a symbolic link");
}

TEST(FileStorage, PermissionDeniedIsAnIoError) {
  TempDir dir;
  const auto path = dir / "locked";
  write_file(path, bytes_of("data"));
  std::filesystem::permissions(path, std::filesystem::perms::owner_read);
  const auto check = [&]() -> bool {
    try {
      open_file_storage(path, LockMode::exclusive);
    } catch (const Error& error) {
      return error.code() == ErrorCode::io &&
             std::string(error.what()) == path.string() + ": open failed: Permission denied";
    }
    return false;
  };
  if (::geteuid() != 0) {
    EXPECT_TRUE(check());
    return;
  }
  // Root ignores file permissions: run the check in a child that has become "nobody" (the
  // test's directory is the child's to read, as it would be its own).
  std::filesystem::permissions(dir.path(), std::filesystem::perms::owner_all |
                                               std::filesystem::perms::others_read |
                                               std::filesystem::perms::others_exec);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(2);
    ::_exit(check() ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "2 = could not drop privileges, 1 = wrong error";
}

TEST(FileStorage, SharedStorageRefusesToWrite) {
  TempDir dir;
  const auto path = dir / "v";
  write_file(path, bytes_of("data"));
  auto storage = open_file_storage(path, LockMode::shared);
  const Error error = error_from([&] { storage->write_at(0, bytes_of("x")); });
  EXPECT_EQ(error.code(), ErrorCode::io);
  EXPECT_EQ(std::string(error.what()), path.string() + ": write failed: opened read-only");
  EXPECT_EQ(error_from([&] { storage->truncate(0); }).code(), ErrorCode::io);
  EXPECT_EQ(read_file(path), bytes_of("data"));
}

// OFD locks belong to the open file description, so two opens inside one process conflict
// exactly as two processes would.
TEST(FileStorageLock, SecondExclusiveOpenIsBusy) {
  TempDir dir;
  const auto path = dir / "v.dmv";
  write_file(path, bytes_of("data"));
  auto first = open_file_storage(path, LockMode::exclusive);
  const Error error = error_from([&] { open_file_storage(path, LockMode::exclusive); });
  EXPECT_EQ(error.code(), ErrorCode::busy);
  EXPECT_EQ(std::string(error.what()),
            path.string() + ": vault is in use by another dmvault process");
  EXPECT_EQ(error.hint(), "wait for it to finish, or close the other dmvault");
}

TEST(FileStorageLock, ReadersShare) {
  TempDir dir;
  const auto path = dir / "v.dmv";
  write_file(path, bytes_of("data"));
  auto first = open_file_storage(path, LockMode::shared);
  auto second = open_file_storage(path, LockMode::shared);
  EXPECT_EQ(read_all(*first), read_all(*second));
}

TEST(FileStorageLock, ReaderAndWriterExcludeEachOther) {
  TempDir dir;
  const auto path = dir / "v.dmv";
  write_file(path, bytes_of("data"));
  {
    auto reader = open_file_storage(path, LockMode::shared);
    EXPECT_EQ(error_from([&] { open_file_storage(path, LockMode::exclusive); }).code(),
              ErrorCode::busy);
  }
  {
    auto writer = open_file_storage(path, LockMode::exclusive);
    EXPECT_EQ(error_from([&] { open_file_storage(path, LockMode::shared); }).code(),
              ErrorCode::busy);
  }
}

TEST(FileStorageLock, ClosingReleasesTheLock) {
  TempDir dir;
  const auto path = dir / "v.dmv";
  write_file(path, bytes_of("data"));
  auto first = open_file_storage(path, LockMode::exclusive);
  EXPECT_EQ(error_from([&] { open_file_storage(path, LockMode::exclusive); }).code(),
            ErrorCode::busy);
  first.reset();
  EXPECT_NO_THROW(open_file_storage(path, LockMode::exclusive));
}

// procfs files are regular and lockable but reject fdatasync with EINVAL: a real failing fsync
// without needing a broken disk.
TEST(FileStorage, FailedSyncKillsTheStorageForGood) {
  const std::filesystem::path path = "/proc/self/status";
  std::unique_ptr<Storage> storage;
  try {
    storage = open_file_storage(path, LockMode::shared);
  } catch (const Error& error) {
    GTEST_SKIP() << "cannot open " << path << ": " << error.what();
  }
  const std::string expected =
      path.string() + ": fsync failed: Invalid argument; nothing after the last commit was saved";
  const Error first = error_from([&] { storage->sync(); });
  EXPECT_EQ(first.code(), ErrorCode::io);
  EXPECT_EQ(std::string(first.what()), expected);
  EXPECT_FALSE(first.hint().empty());

  // Never retried, and nothing else works either: the caller must not carry on.
  std::vector<std::uint8_t> byte(1);
  for (const Error& later :
       {error_from([&] { storage->sync(); }), error_from([&] { storage->read_at(0, byte); }),
        error_from([&] { storage->size(); }), error_from([&] { storage->write_at(0, byte); })}) {
    EXPECT_EQ(later.code(), ErrorCode::io);
    EXPECT_EQ(std::string(later.what()), expected);
  }
}

// A file size limit makes pwrite first write short, then fail with EFBIG: this exercises the
// short-transfer loop and the error path of a real write.
TEST(FileStorage, WriteFailureIsReportedAfterTheBytesThatFit) {
  TempDir dir;
  const auto path = dir / "v.dmv";
  write_file(path, {});
  auto storage = open_file_storage(path, LockMode::exclusive);

  struct rlimit saved = {};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  if (saved.rlim_max != RLIM_INFINITY && saved.rlim_max < 4096) GTEST_SKIP();
  struct sigaction ignore = {};
  struct sigaction saved_action = {};
  ignore.sa_handler = SIG_IGN;
  ASSERT_EQ(::sigaction(SIGXFSZ, &ignore, &saved_action), 0);
  struct rlimit limited = saved;
  limited.rlim_cur = 4096;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &limited), 0);

  const std::vector<std::uint8_t> data = pattern(10000, 3);
  const Error error = error_from([&] { storage->write_at(0, data); });

  ::setrlimit(RLIMIT_FSIZE, &saved);
  ::sigaction(SIGXFSZ, &saved_action, nullptr);

  EXPECT_EQ(error.code(), ErrorCode::io);
  EXPECT_EQ(std::string(error.what()), path.string() + ": write failed: File too large");
  const std::vector<std::uint8_t> on_disk = read_file(path);
  ASSERT_EQ(on_disk.size(), 4096U);
  EXPECT_TRUE(std::equal(on_disk.begin(), on_disk.end(), data.begin()));
}

// --- create_new_file -------------------------------------------------------------------------

const std::regex kTempName(R"(\.vault\.dmv\.tmp-[0-9a-f]{16})");

TEST(NewFile, PublishMovesTheCompleteFileIntoPlace) {
  TempDir dir;
  const auto target = dir / "vault.dmv";
  auto file = create_new_file(target);
  EXPECT_EQ(file->storage().describe(), target.string());
  EXPECT_FALSE(std::filesystem::exists(target));
  ASSERT_EQ(dir.entries().size(), 1U);
  EXPECT_TRUE(std::regex_match(dir.entries()[0], kTempName)) << dir.entries()[0];

  file->storage().write_at(0, bytes_of("sealed"));
  file->publish();
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"vault.dmv"});
  EXPECT_EQ(read_file(target), bytes_of("sealed"));

  struct stat status = {};
  ASSERT_EQ(::stat(target.c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 07777, 0600U);

  // Still readable through the same storage after publishing.
  EXPECT_EQ(read_all(file->storage()), bytes_of("sealed"));
  EXPECT_THROW(file->publish(), std::logic_error);
}

TEST(NewFile, UnpublishedFileIsRemoved) {
  TempDir dir;
  {
    auto file = create_new_file(dir / "vault.dmv");
    file->storage().write_at(0, pattern(5000, 1));
    file->storage().sync();
    EXPECT_EQ(dir.entries().size(), 1U);
  }
  EXPECT_TRUE(dir.entries().empty());
}

TEST(NewFile, TemporaryFileIsLockedExclusively) {
  TempDir dir;
  auto file = create_new_file(dir / "vault.dmv");
  ASSERT_EQ(dir.entries().size(), 1U);
  const auto temp = dir / dir.entries()[0];
  EXPECT_EQ(error_from([&] { open_file_storage(temp, LockMode::shared); }).code(), ErrorCode::busy);
}

TEST(NewFile, PublishedFileStaysLockedUntilDestroyed) {
  TempDir dir;
  const auto target = dir / "vault.dmv";
  auto file = create_new_file(target);
  file->storage().write_at(0, bytes_of("v"));
  file->publish();
  EXPECT_EQ(error_from([&] { open_file_storage(target, LockMode::shared); }).code(),
            ErrorCode::busy);
  file.reset();
  EXPECT_EQ(read_all(*open_file_storage(target, LockMode::exclusive)), bytes_of("v"));
}

TEST(NewFile, RefusesAnExistingTarget) {
  TempDir dir;
  const auto target = dir / "vault.dmv";
  write_file(target, bytes_of("precious"));
  const Error error = error_from([&] { create_new_file(target); });
  EXPECT_EQ(error.code(), ErrorCode::io);
  EXPECT_EQ(std::string(error.what()), target.string() + ": already exists");
  EXPECT_EQ(error.hint(), "choose another name or remove it");
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"vault.dmv"});

  // A dangling symlink is something existing too: replacing it would surprise its owner.
  std::filesystem::create_symlink(dir / "nowhere", dir / "link.dmv");
  EXPECT_EQ(error_from([&] { create_new_file(dir / "link.dmv"); }).code(), ErrorCode::io);
}

TEST(NewFile, NeverReplacesATargetThatAppearedMeanwhile) {
  TempDir dir;
  const auto target = dir / "vault.dmv";
  auto file = create_new_file(target);
  file->storage().write_at(0, bytes_of("new"));
  write_file(target, bytes_of("someone else's"));

  const Error error = error_from([&] { file->publish(); });
  EXPECT_EQ(error.code(), ErrorCode::io);
  EXPECT_EQ(std::string(error.what()), target.string() + ": already exists");
  EXPECT_EQ(read_file(target), bytes_of("someone else's"));
  file.reset();
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"vault.dmv"});
}

TEST(NewFile, MissingDirectoryIsAnIoErrorNamingTheTarget) {
  TempDir dir;
  const auto target = dir / "missing" / "vault.dmv";
  const Error error = error_from([&] { create_new_file(target); });
  EXPECT_EQ(error.code(), ErrorCode::io);
  EXPECT_EQ(std::string(error.what()).rfind(target.string() + ": ", 0), 0U) << error.what();
}

TEST(NewFile, TwoNewFilesForOneTargetCannotBothPublish) {
  TempDir dir;
  const auto target = dir / "vault.dmv";
  auto first = create_new_file(target);
  auto second = create_new_file(target);
  EXPECT_EQ(dir.entries().size(), 2U);
  first->storage().write_at(0, bytes_of("first"));
  second->storage().write_at(0, bytes_of("second"));
  first->publish();
  EXPECT_EQ(error_from([&] { second->publish(); }).code(), ErrorCode::io);
  second.reset();
  first.reset();
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"vault.dmv"});
  EXPECT_EQ(read_file(target), bytes_of("first"));
}

}  // namespace
}  // namespace dmvault
