// The destinations: a folder and zip / tar / tar.zst streams hold exactly the files the export
// produced (read back with libarchive), existing destinations are refused without --force, and
// a failed archive is removed rather than left half-written.
#include "export/export_sink.hpp"

#include "dmvault/error.hpp"
#include "export/exporter.hpp"
#include "unit/export/exporter_fixture.hpp"
#include "vault/vault_test_support.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace dmvault::exporting {
namespace {

namespace fs = std::filesystem;
using testing::ExportFixture;
using testing::TempDir;

std::map<std::string, std::string> read_archive(const fs::path& path) {
  std::map<std::string, std::string> files;
  archive* a = archive_read_new();
  archive_read_support_format_zip(a);
  archive_read_support_format_tar(a);
  archive_read_support_filter_zstd(a);
  EXPECT_EQ(archive_read_open_filename(a, path.c_str(), 1 << 16), ARCHIVE_OK)
      << archive_error_string(a);
  archive_entry* entry = nullptr;
  while (archive_read_next_header(a, &entry) == ARCHIVE_OK) {
    const char* utf8 = archive_entry_pathname_utf8(entry);
    std::string name = utf8 != nullptr ? utf8 : archive_entry_pathname(entry);
    std::string bytes;
    char buffer[8192];
    for (;;) {
      const la_ssize_t n = archive_read_data(a, buffer, sizeof buffer);
      EXPECT_GE(n, 0) << archive_error_string(a);
      if (n <= 0) break;
      bytes.append(buffer, static_cast<std::size_t>(n));
    }
    files[name] = bytes;
  }
  archive_read_free(a);
  return files;
}

std::map<std::string, std::string> read_folder(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    files[fs::relative(entry.path(), root).generic_string()] = bytes.str();
  }
  return files;
}

void export_into(ExportFixture& fixture, Format format, OutputSink& sink) {
  ExportRequest request;
  request.format = format;
  request.presentation = testing::cli_presentation();
  request.page_size = 3;
  export_vault(*fixture.vault, *fixture.catalog, request, sink);
}

TEST(ExportSink, DestinationKindFromTheName) {
  EXPECT_EQ(destination_kind("out"), DestinationKind::folder);
  EXPECT_EQ(destination_kind("a/b.ZIP"), DestinationKind::zip);
  EXPECT_EQ(destination_kind("b.tar"), DestinationKind::tar);
  EXPECT_EQ(destination_kind("b.tar.zst"), DestinationKind::tar_zst);
  EXPECT_EQ(destination_kind("b.zip/"), DestinationKind::folder);
}

TEST(ExportSink, ArchivesHoldExactlyWhatTheFolderHolds) {
  for (const Format format : {Format::html, Format::original, Format::json}) {
    ExportFixture fixture;
    testing::MemorySink memory;
    export_into(fixture, format, memory);
    TempDir dir;
    {
      auto folder = open_destination(dir.path() / "folder", false);
      export_into(fixture, format, *folder);
    }
    EXPECT_EQ(read_folder(dir.path() / "folder"), memory.files) << format_name(format);
    for (const char* name : {"out.zip", "out.tar", "out.tar.zst"}) {
      {
        auto archive = open_destination(dir.path() / name, false);
        export_into(fixture, format, *archive);
      }
      EXPECT_EQ(read_archive(dir.path() / name), memory.files)
          << format_name(format) << " " << name;
    }
  }
}

TEST(ExportSink, RefusesExistingDestinationsUnlessForced) {
  TempDir dir;
  const fs::path folder = dir.path() / "full";
  fs::create_directories(folder);
  std::ofstream(folder / "keep.txt") << "mine";
  const fs::path zip = dir.path() / "old.zip";
  std::ofstream(zip) << "old";
  const fs::path plain_file = dir.path() / "file";
  std::ofstream(plain_file) << "x";
  for (const fs::path& path : {folder, zip}) {
    try {
      check_destination(path, false);
      FAIL() << path << " was accepted";
    } catch (const Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::usage) << error.what();
    }
  }
  EXPECT_THROW(open_destination(plain_file, true), Error);  // a file where a folder should be
  EXPECT_NO_THROW(check_destination(dir.path() / "new", false));
  fs::create_directories(dir.path() / "empty");
  EXPECT_NO_THROW(check_destination(dir.path() / "empty", false));

  // --force writes into the folder (overwriting same names, keeping the rest) ...
  ExportFixture fixture;
  {
    auto sink = open_destination(folder, true);
    export_into(fixture, Format::csv, *sink);
  }
  EXPECT_TRUE(fs::exists(folder / "messages.csv"));
  EXPECT_TRUE(fs::exists(folder / "keep.txt"));
  // ... and replaces an archive.
  {
    auto sink = open_destination(zip, true);
    export_into(fixture, Format::csv, *sink);
  }
  EXPECT_EQ(read_archive(zip).size(), 1U);
}

TEST(ExportSink, ForcedFolderDoesNotFollowPlantedSymlinks) {
  TempDir dir;
  const fs::path outside = dir.path() / "outside";
  fs::create_directories(outside);
  const fs::path folder = dir.path() / "out";
  fs::create_directories(folder);
  fs::create_directory_symlink(outside, folder / "conversations");
  ExportFixture fixture;
  auto sink = open_destination(folder, true);
  EXPECT_THROW(export_into(fixture, Format::json, *sink), Error);
  EXPECT_TRUE(fs::is_empty(outside));
}

TEST(ExportSink, AFailedArchiveIsRemoved) {
  ExportFixture fixture;
  TempDir dir;
  const fs::path zip = dir.path() / "broken.zip";
  {
    auto sink = open_destination(zip, false);
    ExportRequest request;
    request.format = Format::original;
    request.sources = {99};
    request.presentation = testing::cli_presentation();
    EXPECT_THROW(export_vault(*fixture.vault, *fixture.catalog, request, *sink), Error);
  }
  EXPECT_FALSE(fs::exists(zip));
}

}  // namespace
}  // namespace dmvault::exporting
