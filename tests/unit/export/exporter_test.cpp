// The exporter on a small fixed vault (exporter_fixture.hpp), in memory: each format against
// its golden files (tests/unit/export/golden; DMVAULT_UPDATE_GOLDEN=1 rewrites them after a
// deliberate change), the original tree byte for byte, the HTML site's links, escaping and
// paging, filters, hostile names, and --to-vault's copy.
#include "export/exporter.hpp"

#include "dmvault/error.hpp"
#include "import/catalog_store.hpp"
#include "io/memory_storage.hpp"
#include "query/query.hpp"
#include "unit/export/exporter_fixture.hpp"
#include "vault/vault_test_support.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace dmvault {
namespace {

using testing::ExportFixture;
using testing::MemorySink;
namespace fs = std::filesystem;

const fs::path kGolden = fs::path(DMVAULT_SOURCE_DIR) / "tests/unit/export/golden";

void expect_golden(const std::string& name, const std::string& actual) {
  const fs::path path = kGolden / name;
  if (std::getenv("DMVAULT_UPDATE_GOLDEN") != nullptr) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << actual;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "missing golden file " << path;
  std::ostringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(expected.str(), actual) << "differs from " << path;
}

// Golden files are named by conversation id ("conversation-1.json"), not by the (hostile) titles.
std::string golden_name(const std::string& path) {
  const std::string file = fs::path(path).filename().string();
  if (!path.starts_with("conversations/")) return file;
  return "conversation-" + file.substr(0, file.find('-')) + fs::path(file).extension().string();
}

std::set<std::string> paths_of(const MemorySink& sink) {
  std::set<std::string> out;
  for (const auto& [path, bytes] : sink.files) out.insert(path);
  return out;
}

exporting::Selection query_selection(const std::string& text) {
  exporting::Selection selection;
  selection.request = query::translate(query::parse(text));
  selection.filtered = true;
  return selection;
}

// Every path component is safe: no traversal, no control characters, nothing absolute.
void expect_safe_paths(const MemorySink& sink) {
  for (const auto& [path, bytes] : sink.files) {
    EXPECT_FALSE(path.starts_with("/")) << path;
    std::istringstream parts(path);
    std::string part;
    while (std::getline(parts, part, '/')) {
      EXPECT_NE(part, "..") << path;
      EXPECT_NE(part, ".") << path;
      EXPECT_FALSE(part.empty()) << path;
      for (const char c : part) {
        EXPECT_FALSE(static_cast<unsigned char>(c) < 0x20 || c == '\\') << path;
      }
    }
  }
}

TEST(Exporter, OriginalGivesBackTheStoredTreeByteForByte) {
  ExportFixture fixture;
  const MemorySink sink = fixture.run(exporting::Format::original);
  EXPECT_EQ(sink.files, fixture.stored_files);
}

TEST(Exporter, OriginalRefusesAnUnknownSource) {
  ExportFixture fixture;
  exporting::ExportRequest request;
  request.format = exporting::Format::original;
  request.sources = {42};
  request.presentation = testing::cli_presentation();
  MemorySink sink;
  try {
    exporting::export_vault(*fixture.vault, *fixture.catalog, request, sink);
    FAIL() << "an unknown source was accepted";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::usage);
  }
  EXPECT_TRUE(sink.abandoned);
}

TEST(Exporter, JsonMatchesGolden) {
  ExportFixture fixture;
  const MemorySink sink = fixture.run(exporting::Format::json);
  ASSERT_EQ(sink.files.size(), 3U) << ::testing::PrintToString(paths_of(sink));
  expect_safe_paths(sink);
  for (const auto& [path, bytes] : sink.files) {
    expect_golden("json/" + golden_name(path), bytes);
  }
}

TEST(Exporter, TextMatchesGolden) {
  ExportFixture fixture;
  const MemorySink sink = fixture.run(exporting::Format::text);
  ASSERT_EQ(sink.files.size(), 2U);
  expect_safe_paths(sink);
  for (const auto& [path, bytes] : sink.files) {
    expect_golden("text/" + golden_name(path), bytes);
  }
}

TEST(Exporter, CsvMatchesGoldenAndQuotesPerRfc4180) {
  ExportFixture fixture;
  const MemorySink sink = fixture.run(exporting::Format::csv);
  ASSERT_EQ(paths_of(sink), std::set<std::string>{"messages.csv"});
  const std::string& csv = sink.files.at("messages.csv");
  expect_golden("messages.csv", csv);
  // A field with a quote and a line break is quoted, its quotes doubled.
  EXPECT_NE(csv.find("\"Hello, \"\"world\"\"\nsecond line\""), std::string::npos);
  // One header and 8 records, each ending in CRLF (the embedded newline is a bare LF).
  std::size_t records = 0;
  for (std::size_t at = csv.find("\r\n"); at != std::string::npos; at = csv.find("\r\n", at + 2))
    ++records;
  EXPECT_EQ(records, 9U);
}

TEST(Exporter, MediaKeepsOriginalNamesPerConversationAndRenamesCollisions) {
  ExportFixture fixture;
  const MemorySink sink = fixture.run(exporting::Format::media);
  expect_safe_paths(sink);
  std::map<std::string, std::string> by_name;
  for (const auto& [path, bytes] : sink.files) by_name[path] = bytes;
  ASSERT_EQ(by_name.size(), 4U) << ::testing::PrintToString(paths_of(sink));
  const std::string trip = "1-Trip <2019> & \"friends\"/";
  EXPECT_EQ(by_name.at(trip + "beach.jpg"), "JPEG-ONE");
  EXPECT_EQ(by_name.at(trip + "beach (2).jpg"), "JPEG-TWO-LONGER");
  EXPECT_EQ(by_name.at(trip + "clip.mp4"), "MP4-DATA");
  // The hostile conversation: its title and the file name are made safe, nothing escapes.
  EXPECT_EQ(by_name.at("2-.._.._etc_passwd_[31m/_.bashrc"), "EVIL");
}

TEST(Exporter, FiltersSelectMessagesAndConversations) {
  ExportFixture fixture;
  const MemorySink sink = fixture.run(exporting::Format::csv, query_selection("from:ana"));
  const std::string& csv = sink.files.at("messages.csv");
  std::size_t rows = 0;
  for (std::size_t at = csv.find("\r\n"); at != std::string::npos; at = csv.find("\r\n", at + 2))
    ++rows;
  EXPECT_EQ(rows, 1U + 3U);  // header + Ana's three messages
  EXPECT_EQ(csv.find(",Bob,"), std::string::npos);

  exporting::Selection one;
  one.conversation_ids = {2};
  const MemorySink only = fixture.run(exporting::Format::json, one);
  EXPECT_EQ(only.files.size(), 2U);  // the conversation and index.json
  EXPECT_NE(only.files.at("index.json").find("\"messages\":1"), std::string::npos);

  try {
    fixture.run(exporting::Format::json, query_selection("nosuchword"));
    FAIL() << "an empty selection was exported";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::no_match);
  }
}

struct Link {
  std::string page;
  std::string target;
};

std::vector<Link> local_links(const MemorySink& sink) {
  static const std::regex kAttribute(R"re((?:src|href)="([^"]*)")re");
  std::vector<Link> links;
  for (const auto& [path, bytes] : sink.files) {
    if (!path.ends_with(".html")) continue;
    for (auto it = std::sregex_iterator(bytes.begin(), bytes.end(), kAttribute);
         it != std::sregex_iterator(); ++it) {
      std::string target = (*it)[1];
      if (target.starts_with("http://") || target.starts_with("https://")) continue;
      links.push_back({path, target});
    }
  }
  return links;
}

// `target` relative to `page`, "../" resolved, fragment dropped, %XX decoded.
std::string resolve(const std::string& page, std::string target) {
  if (const auto hash = target.find('#'); hash != std::string::npos) target.resize(hash);
  fs::path resolved = (fs::path(page).parent_path() / testing::url_decode(target));
  return resolved.lexically_normal().generic_string();
}

TEST(Exporter, HtmlLinksAllResolveAndMediaIsWrittenOnce) {
  ExportFixture fixture;
  const MemorySink sink = fixture.run(exporting::Format::html, {}, 2);
  expect_safe_paths(sink);
  const std::vector<Link> links = local_links(sink);
  ASSERT_GT(links.size(), 10U);
  for (const Link& link : links) {
    ASSERT_FALSE(link.target.empty()) << link.page;
    EXPECT_FALSE(link.target.starts_with("/")) << link.page << ": " << link.target;
    EXPECT_EQ(link.target.find("javascript:"), std::string::npos) << link.page;
    const std::string file = resolve(link.page, link.target);
    EXPECT_TRUE(sink.files.contains(file)) << link.page << " -> " << link.target;
  }
  // Every stored medium of a selected message, once, in media/.
  std::multiset<std::string> media;
  for (const auto& [path, bytes] : sink.files) {
    if (path.starts_with("media/")) media.insert(bytes);
  }
  EXPECT_EQ(media, (std::multiset<std::string>{"EVIL", "JPEG-ONE", "JPEG-TWO-LONGER", "MP4-DATA"}));
  // Nothing loads from elsewhere.
  for (const auto& [path, bytes] : sink.files) {
    EXPECT_EQ(bytes.find("src=\"http"), std::string::npos) << path;
    EXPECT_EQ(bytes.find("url(http"), std::string::npos) << path;
    EXPECT_EQ(bytes.find("@import"), std::string::npos) << path;
  }
}

TEST(Exporter, HtmlPagesChainAndEscapeEverything) {
  ExportFixture fixture;
  const MemorySink sink = fixture.run(exporting::Format::html, {}, 2);
  const std::string folder = "conversations/1-Trip <2019> & \"friends\"/";
  // 7 messages in pages of 2: 4 pages, linked older <-> newer, the last without "next".
  for (int page = 1; page <= 4; ++page) {
    const std::string& html = sink.files.at(folder + std::to_string(page) + ".html");
    EXPECT_EQ(html.find("rel=\"prev\"") != std::string::npos, page > 1) << page;
    EXPECT_EQ(html.find("rel=\"next\"") != std::string::npos, page < 4) << page;
  }
  EXPECT_FALSE(sink.files.contains(folder + "5.html"));
  std::string all;
  for (const auto& [path, bytes] : sink.files) {
    if (path.ends_with(".html")) all += bytes;
  }
  EXPECT_EQ(all.find("<script>alert"), std::string::npos);
  EXPECT_NE(all.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(all.find("Trip &lt;2019&gt; &amp; &quot;friends&quot;"), std::string::npos);
  EXPECT_EQ(all.find('\x1b'), std::string::npos);
  EXPECT_NE(all.find("href=\"https://example.com/x?a=1&amp;b=2\""), std::string::npos);
  EXPECT_NE(all.find("<video controls"), std::string::npos);
  EXPECT_NE(all.find("gone.jpg (not in the export)"), std::string::npos);
  EXPECT_NE(all.find("\u2764 Bob"), std::string::npos);
  // The search index holds every message, with its page.
  const std::string& index = sink.files.at("search-index.js");
  EXPECT_TRUE(index.starts_with("window.DMVAULT_INDEX = {"));
  // Conversations are listed most recent first: the trip is the second; its last message is on
  // page 4. One line per message.
  EXPECT_NE(index.find("\n[1,4,"), std::string::npos);
  std::size_t entries = 0;
  for (std::size_t at = index.find("\n["); at != std::string::npos; at = index.find("\n[", at + 1))
    ++entries;
  EXPECT_EQ(entries, 8U);
}

TEST(Exporter, ToVaultCopiesExactlyTheSelection) {
  ExportFixture fixture;
  auto storage = std::make_unique<io::MemoryStorage>();
  io::MemoryStorage& memory = *storage;
  Vault::create_on(memory, testing::passphrase("other"), testing::fast_options());
  Vault target =
      Vault::open_on(std::move(storage), testing::passphrase("other"), testing::write_options());
  const exporting::ExportSummary summary = exporting::copy_to_vault(
      *fixture.vault, *fixture.catalog, query_selection("has:photo"), target, {});
  target.commit();
  EXPECT_EQ(summary.messages, 3U);
  EXPECT_EQ(summary.conversations, 2U);
  EXPECT_EQ(summary.files, 4U);  // both beaches, the evil one, and the clip sent with a photo

  catalog::Catalog copy = import::load_catalog(target);
  const auto conversations = copy.conversations();
  ASSERT_EQ(conversations.size(), 2U);
  std::multiset<std::string> senders;
  for (const auto& c : conversations) {
    for (const auto& m : copy.messages(c.id, 0, std::nullopt)) {
      senders.insert(m.sender);
      for (const auto& a : m.attachments) {
        if (!a.content) continue;
        // The media are re-stored under the new vault's key and read back intact.
        const PlainBytes bytes = target.read(*a.content);
        const std::string text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
        EXPECT_EQ(text, fixture.stored_files.at(a.uri));
      }
    }
  }
  EXPECT_EQ(senders, (std::multiset<std::string>{"Bob", "Bob", "Eve"}));
  for (const auto& c : conversations) {
    const Conversation stored = copy.stored_conversation(c.id);
    const Conversation original =
        fixture.catalog->stored_conversation(c.title == "Trip <2019> & \"friends\"" ? 1 : 2);
    EXPECT_EQ(stored.thread_id, original.thread_id);
    const auto people = [](const Conversation& conversation) {
      std::set<std::pair<std::string, bool>> out;
      for (const Participant& p : conversation.participants) out.emplace(p.name, p.is_self);
      return out;
    };
    EXPECT_EQ(people(stored), people(original));
  }
}

}  // namespace
}  // namespace dmvault
