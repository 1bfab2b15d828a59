// The import pipeline in-process, on hostile and multi-part exports built in the test: unsafe
// entries are skipped and reported (never written anywhere), bombs and unknown exports leave the
// vault byte-identical, parts combine into one export, and every file is stored byte-exact.
#include "catalog/catalog.hpp"
#include "dmvault/error.hpp"
#include "dmvault/import.hpp"
#include "export/exporter.hpp"
#include "import/catalog_store.hpp"
#include "import/deferred_files.hpp"
#include "unit/export/export_test_support.hpp"
#include "vault/vault_test_support.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <functional>

namespace dmvault {
namespace {

namespace fs = std::filesystem;
using namespace dmvault::testing;
using namespace dmvault::io::export_testing;
using dmvault::testing::TempDir;

const fs::path kFixture = fs::path(DMVAULT_SOURCE_DIR) / "tests/data/instagram/json-2020-22/export";

// The fixture's files as archive members, in a fixed order.
std::vector<Member> fixture_members() {
  std::vector<Member> members;
  std::vector<fs::path> paths;
  for (const auto& e : fs::recursive_directory_iterator(kFixture)) {
    if (e.is_regular_file()) paths.push_back(e.path());
  }
  std::sort(paths.begin(), paths.end());
  for (const auto& p : paths) {
    members.push_back(file(fs::relative(p, kFixture).generic_string(), read_bytes(p)));
  }
  return members;
}

struct ImportSetup {
  TempDir dir;
  fs::path vault_path = dir.path() / "v.dmv";
  ImportSetup() { Vault::create(vault_path, passphrase("pw"), fast_options()); }
  Vault open() { return Vault::open(vault_path, passphrase("pw"), write_options()); }
  ImportSummary import(std::vector<fs::path> parts, std::vector<std::string>* warnings = nullptr,
                       const std::string& platform = "", bool rehash = false) {
    Vault v = open();
    ImportRequest request;
    request.parts = std::move(parts);
    request.platform = platform;
    request.rehash = rehash;
    if (warnings) request.on_warning = [warnings](const std::string& w) { warnings->push_back(w); };
    return import_export(v, request);
  }
};

TEST(ImportPipeline, UnsafeEntriesAreSkippedReportedAndNeverWritten) {
  ImportSetup s;
  auto members = fixture_members();
  members.push_back(file("../escaped.txt", "outside"));
  members.push_back(file("/tmp/dmvault-absolute.txt", "absolute"));
  members.push_back(special("messages/inbox/link", Member::Kind::symlink, "/etc/passwd"));
  const fs::path zip = s.dir.path() / "export.zip";
  write_archive(zip, Container::zip, members);
  std::vector<std::string> warnings;
  const auto summary = s.import({zip}, &warnings);
  EXPECT_EQ(summary.platform, "instagram");
  EXPECT_EQ(summary.skipped_entries, 3u);
  EXPECT_EQ(summary.files, fixture_members().size());
  EXPECT_GT(summary.messages_added, 0u);
  // One line per skipped entry (the importer may add its own about the fixture's records).
  EXPECT_EQ(std::count_if(warnings.begin(), warnings.end(),
                          [](const std::string& w) { return w.find(": skipped (") != w.npos; }),
            3);
  EXPECT_FALSE(fs::exists(s.dir.path().parent_path() / "escaped.txt"));
  EXPECT_FALSE(fs::exists("/tmp/dmvault-absolute.txt"));
}

TEST(ImportPipeline, AZipBombLeavesTheVaultByteIdentical) {
  ImportSetup s;
  s.import({kFixture});
  const std::string before = read_bytes(s.vault_path);
  const fs::path zip = s.dir.path() / "bomb.zip";
  auto entries =
      std::vector<RawZipEntry>{{"messages/inbox/a_1/message_1.json",
                                deflate_bytes(R"({"participants":[],"messages":[]})"), 0},
                               {"messages/inbox/a_1/photos/big.jpg", deflate_zeros(200), 0}};
  for (auto& e : entries) e.declared_size = e.content.size;
  write_bytes(zip, build_zip(entries));
  try {
    s.import({zip});
    FAIL() << "the bomb was imported";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::bad_input) << e.what();
    EXPECT_NE(std::string(e.what()).find("bomb.zip"), std::string::npos) << e.what();
  }
  EXPECT_EQ(read_bytes(s.vault_path), before);
}

TEST(ImportPipeline, UnknownExportsAndPlatformsAreRefusedWithoutAChange) {
  ImportSetup s;
  const std::string before = read_bytes(s.vault_path);
  const fs::path notes = s.dir.path() / "notes";
  write_folder(notes, {file("readme.txt", "hello"), file("a/b.json", "{}")});
  try {
    s.import({notes});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::bad_input);
    EXPECT_NE(e.hint().find("instagram"), std::string::npos) << e.hint();
  }
  EXPECT_EQ(code_of([&] { s.import({kFixture}, nullptr, "myspace"); }), ErrorCode::usage);
  EXPECT_EQ(read_bytes(s.vault_path), before);
}

TEST(ImportPipeline, PartsCombineIntoOneExportAndEveryFileIsStoredByteExact) {
  ImportSetup s;
  auto members = fixture_members();
  // Messages in the first part, the rest (media, side files) in the second, as Instagram splits.
  std::vector<Member> first, second;
  for (const auto& m : members) {
    (m.name.find("message_") != std::string::npos ? first : second).push_back(m);
  }
  ASSERT_FALSE(first.empty());
  ASSERT_FALSE(second.empty());
  const fs::path part1 = s.dir.path() / "part1.zip";
  const fs::path part2 = s.dir.path() / "part2.tar.gz";
  write_archive(part1, Container::zip, first);
  write_archive(part2, Container::tar_gz, second);
  const auto from_parts = s.import({part1, part2});

  ImportSetup folder;
  const auto from_folder = folder.import({kFixture});
  EXPECT_EQ(from_parts.messages_added, from_folder.messages_added);
  EXPECT_EQ(from_parts.attachments_added, from_folder.attachments_added);
  EXPECT_EQ(from_parts.files, members.size());

  Vault v = Vault::open(s.vault_path, passphrase("pw"), read_options());
  catalog::Catalog catalog = import::load_catalog(v);
  const auto sources = catalog.sources();
  ASSERT_EQ(sources.size(), 1u);
  const auto files = catalog.files(sources[0].id);
  ASSERT_EQ(files.size(), members.size());
  for (const auto& m : members) {
    const auto it = std::find_if(files.begin(), files.end(),
                                 [&](const catalog::StoredFile& f) { return f.path == m.name; });
    ASSERT_NE(it, files.end()) << m.name;
    const PlainBytes bytes = v.read(it->content);
    EXPECT_EQ(std::string(bytes.span().begin(), bytes.span().end()), m.data) << m.name;
  }
  // Media that messages reference are linked to the stored files.
  const auto counts = catalog.counts();
  EXPECT_GT(counts.media_files, 0u);
}

// A copy of the fixture whose files the test may touch.
fs::path copy_of_fixture(const TempDir& dir) {
  const fs::path copy = dir.path() / "export";
  fs::copy(kFixture, copy, fs::copy_options::recursive);
  return copy;
}

std::string file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Rewrites a file's bytes in place and gives it back its modification time.
void rewrite_keeping_time(const fs::path& path, const std::string& bytes) {
  const auto time = fs::last_write_time(path);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  fs::last_write_time(path, time);
}

// The media of a folder export are hashed by the first pass and stored while the importer parses:
// the vault then holds every file byte-exact, and the catalog links as many media as when the
// same export comes as a zip (read once, media stored on the way).
TEST(ImportPipeline, TheMediaOfAFolderAreStoredWhileItsMessagesAreParsed) {
  ImportSetup folder;
  const auto from_folder = folder.import({kFixture});
  ImportSetup zipped;
  const fs::path zip = zipped.dir.path() / "export.zip";
  write_archive(zip, Container::zip, fixture_members());
  const auto from_zip = zipped.import({zip});
  EXPECT_EQ(from_folder.messages_added, from_zip.messages_added);
  EXPECT_EQ(from_folder.files, from_zip.files);

  Vault v = Vault::open(folder.vault_path, passphrase("pw"), read_options());
  catalog::Catalog catalog = import::load_catalog(v);
  const auto files = catalog.files(catalog.sources().at(0).id);
  std::size_t media = 0;
  for (const catalog::StoredFile& f : files) {
    const PlainBytes bytes = v.read(f.content);
    EXPECT_EQ(std::string(bytes.span().begin(), bytes.span().end()), file_bytes(kFixture / f.path))
        << f.path;
    if (import::is_media_path(f.path)) ++media;
  }
  EXPECT_EQ(media, 3u);  // a photo, a voice clip and a document
  Vault z = Vault::open(zipped.vault_path, passphrase("pw"), read_options());
  const auto media_linked = catalog.counts().media_files;
  EXPECT_GT(media_linked, 0u);
  EXPECT_EQ(media_linked, import::load_catalog(z).counts().media_files);
}

// The first pass over a folder leaves the media unread; the second reads each once. A media file
// changed in between is stored as it is then, and linked with that size; one removed, or
// replaced by a symbolic link, fails the import with the file named, and the vault is left as
// it was.
TEST(ImportPipeline, AMediaFileIsReadOnceAfterTheMessagesAndMustStillBeThere) {
  const std::string photo = "messages/inbox/anaperez_k3j9x0q2ab/photos/271828_n_1.jpg";
  struct Case {
    std::string name;
    std::function<void(const fs::path&)> change;
    std::string error;  // "" = the import succeeds
  };
  const std::string changed_bytes(70'000, 'x');
  const std::vector<Case> cases = {
      {"changed", [&](const fs::path& p) { rewrite_keeping_time(p, changed_bytes); }, ""},
      {"removed", [](const fs::path& p) { fs::remove(p); },
       photo + ": was removed while the export was being imported"},
      {"symlink",
       [](const fs::path& p) {
         fs::rename(p, p.parent_path().parent_path() / "elsewhere.jpg");
         fs::create_symlink("../elsewhere.jpg", p);
       },
       photo + ": was removed while the export was being imported"},
  };
  for (const Case& c : cases) {
    ImportSetup s;
    const fs::path exported = copy_of_fixture(s.dir);
    const std::string before = file_bytes(s.vault_path);
    std::uint64_t total = 0;
    for (const auto& e : fs::recursive_directory_iterator(exported)) total += e.is_regular_file();
    bool changed = false;
    {
      Vault v = s.open();
      ImportRequest request;
      request.parts = {exported};
      // Called once more when the first pass is over, with every file counted.
      request.on_progress = [&](std::uint64_t, std::uint64_t files) {
        if (files == total && !changed) {
          c.change(exported / photo);
          changed = true;
        }
      };
      try {
        (void)import_export(v, request);
        EXPECT_EQ(c.error, "") << c.name << ": the import succeeded";
      } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::bad_input) << c.name;
        EXPECT_NE(c.error, "") << c.name << ": " << e.what();
        EXPECT_NE(std::string(e.what()).find(c.error), std::string::npos) << e.what();
      }
    }  // the vault closes, dropping what a failed import staged
    EXPECT_TRUE(changed) << c.name;
    if (!c.error.empty()) {
      EXPECT_EQ(file_bytes(s.vault_path), before) << c.name;
      continue;
    }
    Vault v = Vault::open(s.vault_path, passphrase("pw"), read_options());
    catalog::Catalog catalog = import::load_catalog(v);
    const auto files = catalog.files(catalog.sources().at(0).id);
    const auto it = std::find_if(files.begin(), files.end(),
                                 [&](const catalog::StoredFile& f) { return f.path == photo; });
    ASSERT_NE(it, files.end());
    EXPECT_EQ(it->size, changed_bytes.size());
    const PlainBytes bytes = v.read(it->content);
    EXPECT_EQ(std::string(bytes.span().begin(), bytes.span().end()), changed_bytes);
    bool linked = false;
    for (const auto& conversation : catalog.conversations()) {
      for (const auto& view : catalog.messages(conversation.id, 0, std::nullopt)) {
        for (const auto& a : view.attachments) {
          if (a.uri != photo) continue;
          EXPECT_EQ(a.content, it->content);
          EXPECT_EQ(a.size, changed_bytes.size());
          linked = true;
        }
      }
    }
    EXPECT_TRUE(linked);
  }
}

// The catalog receives a conversation's messages in time order (pages fill up), yet holds
// exactly what it would have held had they come in the export's order: a conversation listed
// newest first, longer than one batch, with several messages in one millisecond and genuine
// duplicates among them, gets the ids and keeps the occurrences it would have got message by
// message; and importing it again adds nothing.
TEST(ImportPipeline, MessagesAddedInTimeOrderGetTheIdsOfTheExportOrder) {
  TempDir dir;
  const fs::path export_dir = copy_of_fixture(dir);
  struct Line {
    std::int64_t ms;
    std::string sender, text;
  };
  std::vector<Line> lines;  // newest first, as Instagram lists them
  std::int64_t ms = 1'450'000'000'000 + 9'000 * 60'000;
  for (int i = 0; i < 9'000; ++i) {
    if (i % 7 != 0) ms -= 60'000;  // every 7th shares the previous one's millisecond
    const std::string sender = i % 2 == 0 ? "Ana" : "Bo";
    const std::string text = i % 11 == 0 && i > 0 ? lines.back().text : "line " + std::to_string(i);
    lines.push_back({ms, i % 11 == 0 && i > 0 ? lines.back().sender : sender, text});
  }
  std::string json = R"({"participants": [{"name": "Ana"}, {"name": "Bo"}], "messages": [)";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    json += (i == 0 ? "" : ",") + std::string(R"({"sender_name": ")") + lines[i].sender +
            R"(", "timestamp_ms": )" + std::to_string(lines[i].ms) + R"(, "content": ")" +
            lines[i].text + R"(", "type": "Generic"})";
  }
  json += R"(], "title": "Long chat", "is_still_participant": true,)"
          R"( "thread_path": "inbox/longchat_zz99"})";
  fs::create_directories(export_dir / "messages/inbox/longchat_zz99");
  std::ofstream(export_dir / "messages/inbox/longchat_zz99/message_1.json") << json;

  ImportSetup s;
  std::vector<std::string> warnings;
  const auto first = s.import({export_dir}, &warnings);
  for (const std::string& w : warnings) EXPECT_EQ(w.find("longchat"), std::string::npos) << w;
  std::optional<catalog::ConversationSummary> conversation;
  std::vector<catalog::MessageView> stored;
  {
    Vault v = Vault::open(s.vault_path, passphrase("pw"), read_options());
    catalog::Catalog catalog = import::load_catalog(v);
    conversation = catalog.find_conversation("Long chat");
    ASSERT_TRUE(conversation.has_value());
    stored = catalog.messages(conversation->id, 0, std::nullopt);
  }
  ASSERT_EQ(stored.size(), lines.size());

  // The same messages, one by one in the export's order, into a catalog of their own.
  catalog::Catalog reference = catalog::Catalog::create();
  const std::int64_t source =
      reference.begin_source({0, "instagram", "test", 1, "test", 0, 0, 0, 0});
  Conversation c;
  c.platform = "instagram";
  c.thread_id = conversation->thread_id;
  c.title = "Long chat";
  reference.add_conversation(source, c);
  for (const Line& line : lines) {
    Message m;
    m.sender = line.sender;
    m.timestamp_ms = line.ms;
    m.text = line.text;
    reference.add_message(source, "instagram", c.thread_id, m, {});
  }
  reference.finish_source(source, {});
  const auto expected = reference.messages(reference.conversations().at(0).id, 0, std::nullopt);
  ASSERT_EQ(expected.size(), stored.size());
  for (std::size_t i = 0; i < stored.size(); ++i) {
    ASSERT_EQ(stored[i].message_id, expected[i].message_id) << i;
    ASSERT_EQ(stored[i].text, expected[i].text) << i;
    ASSERT_EQ(stored[i].sender, expected[i].sender) << i;
  }

  const auto again = s.import({export_dir}, nullptr, "", true);  // --rehash: parse it all again
  EXPECT_EQ(again.messages_added, 0u);
  EXPECT_EQ(again.messages_duplicate, first.messages_added + first.messages_duplicate);
}

TEST(ImportPipeline, AnUnchangedExportIsKnownByItsFilesWithoutReadingThemAndChangesNothing) {
  ImportSetup s;
  const fs::path exported = copy_of_fixture(s.dir);
  const auto first = s.import({exported});
  ASSERT_GT(first.messages_added, 0u);
  EXPECT_EQ(first.files_unchanged, 0u);
  EXPECT_EQ(first.unchanged_since_source, 0);
  const std::string before = file_bytes(s.vault_path);

  const auto again = s.import({exported});
  EXPECT_EQ(again.unchanged_since_source, 1);
  EXPECT_GT(again.unchanged_since_ms, 0);
  EXPECT_EQ(again.platform, first.platform);
  EXPECT_EQ(again.files, first.files);
  EXPECT_EQ(again.files_unchanged, first.files);
  EXPECT_EQ(again.bytes_read, first.bytes_read);
  EXPECT_EQ(again.bytes_unchanged, first.bytes_read);
  EXPECT_EQ(again.messages_added, 0u);
  EXPECT_EQ(again.messages_duplicate, first.messages_added + first.messages_duplicate);
  EXPECT_EQ(again.conversations, first.conversations);
  EXPECT_EQ(again.bytes_stored, 0u);
  EXPECT_EQ(file_bytes(s.vault_path), before);

  // --rehash reads everything: the importer runs, finds every message stored, writes nothing.
  const auto rehashed = s.import({exported}, nullptr, "", true);
  EXPECT_EQ(rehashed.unchanged_since_source, 0);
  EXPECT_EQ(rehashed.files_unchanged, 0u);
  EXPECT_EQ(rehashed.messages_added, 0u);
  EXPECT_EQ(rehashed.messages_duplicate, first.messages_added + first.messages_duplicate);
  EXPECT_EQ(file_bytes(s.vault_path), before);
}

TEST(ImportPipeline, AFileWithANewTimeIsReadAgainAndTheRestIsTakenAsStored) {
  ImportSetup s;
  const fs::path exported = copy_of_fixture(s.dir);
  const auto first = s.import({exported});
  const fs::path touched = exported / "messages/inbox/weekendcrew_ab12cd34ef/message_1.json";
  fs::last_write_time(touched, fs::last_write_time(touched) + std::chrono::hours(1));
  const std::string before = file_bytes(s.vault_path);

  const auto again = s.import({exported});
  // Read again and hashed to the same content: the importer ran over the export, found every
  // message stored, and the vault did not change.
  EXPECT_EQ(again.unchanged_since_source, 0);
  EXPECT_EQ(again.files_unchanged, first.files - 1);
  EXPECT_EQ(again.messages_added, 0u);
  EXPECT_EQ(again.messages_duplicate, first.messages_added + first.messages_duplicate);
  EXPECT_EQ(file_bytes(s.vault_path), before);
}

// Generated exports give every file the same time: another export whose file has the path,
// size and time of one imported before, with other bytes, is read, since its name differs.
TEST(ImportPipeline, AnotherExportWithTheSameSizesAndTimesIsReadInFull) {
  ImportSetup s;
  const fs::path first = copy_of_fixture(s.dir);
  const fs::path second = s.dir.path() / "second-download";
  fs::copy(first, second, fs::copy_options::recursive);
  const fs::path photo = second / "messages/inbox/anaperez_k3j9x0q2ab/photos/271828_n_1.jpg";
  std::string bytes = file_bytes(photo);
  ASSERT_FALSE(bytes.empty());
  bytes.front() = static_cast<char>(bytes.front() ^ 0x21);
  rewrite_keeping_time(photo, bytes);
  fs::last_write_time(first / "messages/inbox/anaperez_k3j9x0q2ab/photos/271828_n_1.jpg",
                      fs::last_write_time(photo));
  s.import({first});

  const auto again = s.import({second});
  EXPECT_EQ(again.unchanged_since_source, 0);
  EXPECT_EQ(again.files_unchanged, 0u);
  Vault v = Vault::open(s.vault_path, passphrase("pw"), read_options());
  catalog::Catalog catalog = import::load_catalog(v);
  const auto sources = catalog.sources();
  ASSERT_EQ(sources.size(), 2u);
  bool found = false;
  for (const catalog::StoredFile& file : catalog.files(sources[1].id)) {
    if (file.path != "messages/inbox/anaperez_k3j9x0q2ab/photos/271828_n_1.jpg") continue;
    found = true;
    const PlainBytes stored = v.read(file.content);
    EXPECT_EQ(std::string(stored.span().begin(), stored.span().end()), bytes);
  }
  EXPECT_TRUE(found);
}

TEST(ImportPipeline, ContentChangedUnderTheSameSizeAndTimeIsReadOnlyWithRehash) {
  ImportSetup s;
  const fs::path exported = copy_of_fixture(s.dir);
  s.import({exported});
  const fs::path photo = exported / "messages/inbox/anaperez_k3j9x0q2ab/photos/271828_n_1.jpg";
  std::string bytes = file_bytes(photo);
  ASSERT_FALSE(bytes.empty());
  bytes.back() = static_cast<char>(bytes.back() ^ 0x5a);
  rewrite_keeping_time(photo, bytes);

  // The documented limit of the shortcut: the same path, size and time are taken as the same
  // file.
  EXPECT_NE(s.import({exported}).unchanged_since_source, 0);

  const auto rehashed = s.import({exported}, nullptr, "", true);
  EXPECT_EQ(rehashed.unchanged_since_source, 0);
  EXPECT_GT(rehashed.bytes_stored, 0u);
  std::int64_t second_source = 0;
  {
    Vault v = Vault::open(s.vault_path, passphrase("pw"), read_options());
    catalog::Catalog catalog = import::load_catalog(v);
    const auto sources = catalog.sources();
    ASSERT_EQ(sources.size(), 2u);
    second_source = sources[1].id;
    bool found = false;
    for (const catalog::StoredFile& file : catalog.files(second_source)) {
      if (file.path != "messages/inbox/anaperez_k3j9x0q2ab/photos/271828_n_1.jpg") continue;
      found = true;
      const PlainBytes stored = v.read(file.content);
      EXPECT_EQ(std::string(stored.span().begin(), stored.span().end()), bytes);
    }
    EXPECT_TRUE(found);
  }

  // Now the new bytes are what the shortcut knows for that path, size and time.
  EXPECT_EQ(s.import({exported}).unchanged_since_source, second_source);
}

// Every message of `catalog` as stored, with a key ("thread time text") that names it in a copy.
void for_each_stored_message(
    catalog::Catalog& catalog,
    const std::function<void(const std::string& key, const Message&,
                             const std::optional<catalog::RawSpan>&)>& visit) {
  for (const auto& c : catalog.conversations()) {
    for (const catalog::MessageView& view : catalog.messages(c.id, 0, std::nullopt)) {
      std::vector<catalog::ResolvedAttachment> resolved;
      std::optional<catalog::RawSpan> span;
      const Message m = catalog.stored_message(view.message_id, resolved, span);
      visit(c.thread_id + " " + std::to_string(m.timestamp_ms) + " " + m.text, m, span);
    }
  }
}

// Instagram's JSON records are kept as spans of the stored message files, not copied into the
// catalog: each span, read from the vault, is the record itself (a JSON object with the
// message's time), a byte order mark before it included; and a copy into a new vault, which
// holds no message files, carries every record byte for byte in its own rows.
TEST(ImportPipeline, RawRecordsAreSpansOfTheStoredFilesAndCopiesCarryThem) {
  TempDir dir;
  const fs::path export_dir = copy_of_fixture(dir);
  std::optional<fs::path> first_json;
  for (const auto& e : fs::recursive_directory_iterator(export_dir)) {
    if (e.path().filename() == "message_1.json" && (!first_json || e.path() < *first_json)) {
      first_json = e.path();
    }
  }
  ASSERT_TRUE(first_json.has_value());
  rewrite_keeping_time(*first_json, "\xEF\xBB\xBF" + file_bytes(*first_json));
  ImportSetup s;
  const ImportSummary summary = s.import({export_dir});
  ASSERT_GT(summary.messages_added, 0u);

  Vault v = Vault::open(s.vault_path, passphrase("pw"), read_options());
  catalog::Catalog catalog = import::load_catalog(v);
  std::map<std::string, std::string> raw_by_key;  // "thread time text" -> the record
  std::size_t spans = 0;
  for_each_stored_message(catalog, [&](const std::string& key, const Message& m,
                                       const std::optional<catalog::RawSpan>& span) {
    if (!m.source_path.ends_with(".json")) return;
    SCOPED_TRACE(m.source_path + " " + m.text);
    ASSERT_TRUE(span.has_value());
    EXPECT_EQ(m.raw, "");
    const PlainBytes file = v.read(span->content);
    ASSERT_LE(span->offset + span->length, file.size());
    const std::string record(reinterpret_cast<const char*>(file.data()) + span->offset,
                             span->length);
    EXPECT_EQ(record.front(), '{');
    EXPECT_EQ(record.back(), '}');
    EXPECT_NE(record.find(std::to_string(m.timestamp_ms)), std::string::npos);
    EXPECT_TRUE(raw_by_key.emplace(key, record).second) << key;
    ++spans;
  });
  EXPECT_GT(spans, 10u);

  Vault target = [&] {
    const fs::path path = dir.path() / "copy.dmv";
    Vault::create(path, passphrase("copy"), fast_options());
    return Vault::open(path, passphrase("copy"), write_options());
  }();
  exporting::copy_to_vault(v, catalog, exporting::Selection{}, target, {});
  target.commit();
  catalog::Catalog copy = import::load_catalog(target);
  std::size_t carried = 0;
  for_each_stored_message(copy, [&](const std::string& key, const Message& m,
                                    const std::optional<catalog::RawSpan>& span) {
    const auto it = raw_by_key.find(key);
    if (it == raw_by_key.end()) return;
    EXPECT_FALSE(span.has_value());
    EXPECT_EQ(m.raw, it->second);
    ++carried;
  });
  EXPECT_EQ(carried, raw_by_key.size());
}

}  // namespace
}  // namespace dmvault
