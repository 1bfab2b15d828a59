// The media left for later by an import's first pass: which paths are media, and a second visit
// of the export that stores exactly them (or that does not happen when nothing was left).
#include "import/deferred_files.hpp"

#include "dmvault/error.hpp"
#include "vault/vault_test_support.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace dmvault::import {
namespace {

namespace fs = std::filesystem;
using namespace dmvault::testing;

TEST(DeferredFiles, MediaAreKnownByTheirExtensionInAnyCase) {
  for (const char* path : {"a/photos/1.jpg", "IMG_0001.JPEG", "v/clip.Mp4", "audio/voice.opus",
                           "files/itinerary_2022.pdf", "stickers/s.webp", "x.y/z.heic"}) {
    EXPECT_TRUE(is_media_path(path)) << path;
  }
  for (const char* path : {"messages/inbox/t/message_1.json", "chat.txt", "index.html", "jpg",
                           "photos/.jpg", "a.jpg/b", "sms.xml", "chat.db", "x.jpgx"}) {
    EXPECT_FALSE(is_media_path(path)) << path;
  }
}

struct SmallExport {
  TempDir dir;
  fs::path exported = dir.path() / "export";
  fs::path vault_path = dir.path() / "v.dmv";
  SmallExport() {
    fs::create_directories(exported / "photos");
    std::ofstream(exported / "message_1.json") << "{}";
    std::ofstream(exported / "photos/1.jpg") << "first photo";
    std::ofstream(exported / "photos/2.jpg") << "second photo";
    Vault::create(vault_path, passphrase("pw"), fast_options());
  }
};

// The files added are found again and stored, on the storing thread or, when it was never
// started, on the caller's; the files between them are not read.
TEST(DeferredFiles, StoresTheFilesAddedAndOnlyThem) {
  for (const bool threaded : {true, false}) {
    SmallExport s;
    ExportTree tree = ExportTree::open({s.exported});
    Vault v = Vault::open(s.vault_path, passphrase("pw"), write_options());
    DeferredFiles deferred(v, tree);
    tree.visit([&](const ExportEntry& entry, EntryReader&) {
      if (is_media_path(entry.path)) deferred.add(entry);
    });
    ASSERT_EQ(deferred.count(), 2u);
    if (threaded) {
      deferred.start();
      EXPECT_NE(deferred.snapshot(), nullptr);
    }
    deferred.wait();
    EXPECT_EQ(deferred.snapshot(), nullptr);
    const std::vector<std::string> expected = {"first photo", "second photo"};
    for (std::size_t slot = 0; slot < 2; ++slot) {
      EXPECT_EQ(deferred.size(slot), expected[slot].size());
      EXPECT_EQ(to_vector(v.read(deferred.id(slot))), text_bytes(expected[slot]));
    }
    EXPECT_FALSE(v.contains(v.id_of(text_bytes("{}"))));  // left unread, so not stored
  }
}

// With nothing left for later there is no second visit: an export gone by then (a folder
// removed, an archive that would be decompressed again) is never opened.
TEST(DeferredFiles, NothingLeftMeansNoSecondVisit) {
  SmallExport s;
  ExportTree tree = ExportTree::open({s.exported});
  Vault v = Vault::open(s.vault_path, passphrase("pw"), write_options());
  DeferredFiles deferred(v, tree);
  fs::remove_all(s.exported);
  deferred.start();
  EXPECT_NO_THROW(deferred.wait());
  EXPECT_TRUE(deferred.empty());
}

}  // namespace
}  // namespace dmvault::import
