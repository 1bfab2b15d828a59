// export end to end on a generated 5,000-message Instagram export (the acceptance of issue
// "dmvault export"): --format original rebuilds the imported tree bit for bit into a folder, a
// zip and a tar.zst; the JSON export holds every message; the HTML site has a page per
// conversation, every local link resolves and every medium is there; filters, --to-vault,
// list --sources and the refusals behave as dmvault-export(1) says.
#include "cli/generated_export.hpp"
#include "cli/run_process.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <clocale>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace dmvault {
namespace {

using dmvault::testing::ProcessResult;
using dmvault::testing::read_file;
using dmvault::testing::run_dmvault;
using dmvault::testing::run_generator;
namespace fs = std::filesystem;

fs::path* s_dir = nullptr;

fs::path dir() { return *s_dir; }
std::string vault() { return (dir() / "v.dmv").string(); }
std::string pass() { return (dir() / "pass").string(); }

ProcessResult dmvault_cmd(std::vector<std::string> args) {
  args.push_back("--passphrase-file");
  args.push_back(pass());
  return run_dmvault(args, {.env = {{"TZ", "UTC"}}});
}

ProcessResult export_to(const std::string& format, const fs::path& out,
                        std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"export", vault(), "--format", format, "--out", out.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return dmvault_cmd(args);
}

std::map<std::string, std::string> read_tree(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) {
      files[fs::relative(entry.path(), root).generic_string()] = read_file(entry.path());
    }
  }
  return files;
}

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
    std::string bytes;
    std::vector<char> buffer(1 << 16);
    for (;;) {
      const la_ssize_t n = archive_read_data(a, buffer.data(), buffer.size());
      EXPECT_GE(n, 0) << archive_error_string(a);
      if (n <= 0) break;
      bytes.append(buffer.data(), static_cast<std::size_t>(n));
    }
    files[utf8 != nullptr ? utf8 : archive_entry_pathname(entry)] = std::move(bytes);
  }
  archive_read_free(a);
  return files;
}

std::uint64_t info_field(const std::string& field) {
  const ProcessResult r = dmvault_cmd({"info", vault(), "--json"});
  EXPECT_EQ(r.status, 0) << r.err;
  simdjson::dom::parser parser;
  return parser.parse(r.out)[field].get_uint64().value();
}

std::string url_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// Messages of a JSON export's conversation files that have a timestamp_ms and a sender.
std::uint64_t json_messages(const fs::path& root) {
  std::uint64_t count = 0;
  simdjson::dom::parser parser;
  for (const auto& entry : fs::directory_iterator(root / "conversations")) {
    const std::string text = read_file(entry.path());
    simdjson::dom::element doc = parser.parse(text);
    for (simdjson::dom::element m : doc["messages"].get_array()) {
      std::int64_t ms = 0;
      std::string_view sender;
      EXPECT_EQ(m["timestamp_ms"].get_int64().get(ms), simdjson::SUCCESS);
      EXPECT_EQ(m["sender"].get_string().get(sender), simdjson::SUCCESS);
      ++count;
    }
  }
  return count;
}

class ExportCli : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // libarchive reads names through the locale: UTF-8 names (titles with accents and emoji)
    // need a UTF-8 one in this process.
    setlocale(LC_CTYPE, "C.UTF-8");
    std::string pattern = (fs::temp_directory_path() / "dmvault-export-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    s_dir = new fs::path(pattern);
    std::ofstream(dir() / "pass") << "export test passphrase\n";
    fs::permissions(dir() / "pass", fs::perms::owner_read | fs::perms::owner_write);
    ASSERT_EQ(
        run_generator({"--out", (dir() / "export").string(), "--conversations", "12", "--messages",
                       "5000", "--media-bytes", "1500000", "--seed", "21", "--quiet"}),
        0);
    auto r = run_dmvault({"init", vault(), "--passphrase-file", pass(), "--kdf", "interactive"});
    ASSERT_EQ(r.status, 0) << r.err;
    r = dmvault_cmd({"import", vault(), (dir() / "export").string()});
    ASSERT_EQ(r.status, 0) << r.err;
  }
  static void TearDownTestSuite() {
    if (s_dir != nullptr) {
      std::error_code ec;
      fs::remove_all(*s_dir, ec);
    }
    delete s_dir;
    s_dir = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(fs::exists(vault())) << "the suite's setup failed"; }
};

TEST_F(ExportCli, OriginalRebuildsTheImportedTreeBitForBit) {
  const auto input = read_tree(dir() / "export");
  ASSERT_GT(input.size(), 12U);
  const fs::path folder = dir() / "original";
  auto r = export_to("original", folder);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("exported 1 import as original: "), std::string::npos) << r.out;
  EXPECT_EQ(read_tree(folder), input);
  for (const char* name : {"original.zip", "original.tar.zst"}) {
    r = export_to("original", dir() / name);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(read_archive(dir() / name), input) << name;
  }
  // The imports are listed, and --source picks one.
  r = dmvault_cmd({"list", vault(), "--sources", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  simdjson::dom::parser parser;
  const simdjson::dom::element source = parser.parse(r.out);
  EXPECT_EQ(source["id"].get_int64().value(), 1);
  EXPECT_EQ(source["files"].get_uint64().value(), input.size());
  r = export_to("original", dir() / "one", {"--source", "1"});
  EXPECT_EQ(r.status, 0) << r.err;
  r = export_to("original", dir() / "none", {"--source", "7"});
  EXPECT_EQ(r.status, 2) << r.err;
  r = export_to("original", dir() / "filtered", {"--from", "Ana"});
  EXPECT_EQ(r.status, 2) << r.err;
}

TEST_F(ExportCli, JsonHoldsEveryMessage) {
  const fs::path out = dir() / "json";
  const auto r = export_to("json", out);
  ASSERT_EQ(r.status, 0) << r.err;
  const std::uint64_t expected = info_field("messages") + info_field("system_messages");
  EXPECT_EQ(json_messages(out), expected);
  simdjson::dom::parser parser;
  const std::string index = read_file(out / "index.json");
  const simdjson::dom::element doc = parser.parse(index);
  EXPECT_EQ(doc["messages"].get_uint64().value(), expected);
  std::uint64_t listed = 0;
  for (simdjson::dom::element c : doc["conversations"].get_array()) {
    EXPECT_TRUE(fs::exists(out / std::string(c["file"].get_string().value())));
    ++listed;
  }
  EXPECT_EQ(listed, info_field("conversations"));
}

TEST_F(ExportCli, FiltersSelectWhatSearchFinds) {
  // A sender of the first conversation `list` shows.
  auto r = dmvault_cmd({"show", vault(), "1", "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  simdjson::dom::parser parser;
  std::string sender;
  std::istringstream lines(r.out);
  for (std::string line; sender.empty() && std::getline(lines, line);) {
    sender = std::string(parser.parse(line)["sender"].get_string().value());
  }
  ASSERT_FALSE(sender.empty());
  r = dmvault_cmd({"search", vault(), "from:\"" + sender + "\" after:2020", "--count"});
  const std::uint64_t expected = std::stoull(r.out);
  const fs::path out = dir() / "filtered";
  r = export_to("json", out, {"--from", sender, "--after", "2020"});
  if (expected == 0) {
    EXPECT_EQ(r.status, 1) << r.err;
    return;
  }
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(json_messages(out), expected);
}

TEST_F(ExportCli, HtmlHasAPagePerConversationLinksThatResolveAndEveryMedium) {
  const fs::path out = dir() / "html";
  auto r = export_to("html", out, {"--page-size", "200"});
  ASSERT_EQ(r.status, 0) << r.err;
  // A page per conversation at least.
  std::size_t conversations = 0;
  for (const auto& entry : fs::directory_iterator(out / "conversations")) {
    EXPECT_TRUE(fs::exists(entry.path() / "1.html")) << entry.path();
    ++conversations;
  }
  EXPECT_EQ(conversations, info_field("conversations"));
  EXPECT_TRUE(fs::exists(out / "index.html"));
  EXPECT_TRUE(fs::exists(out / "search.html"));
  // Every local src and href resolves to a written file.
  static const std::regex kAttribute(R"re((?:src|href)="([^"#]*)(#[^"]*)?")re");
  std::size_t links = 0;
  for (const auto& entry : fs::recursive_directory_iterator(out)) {
    if (entry.path().extension() != ".html") continue;
    const std::string html = read_file(entry.path());
    for (auto it = std::sregex_iterator(html.begin(), html.end(), kAttribute);
         it != std::sregex_iterator(); ++it) {
      const std::string target = (*it)[1];
      if (target.starts_with("http://") || target.starts_with("https://")) continue;
      ASSERT_FALSE(target.empty()) << entry.path();
      const fs::path file = entry.path().parent_path() / url_decode(target);
      EXPECT_TRUE(fs::is_regular_file(file)) << entry.path() << " -> " << target;
      ++links;
    }
  }
  EXPECT_GT(links, 100U);
  // Every medium of the export (message media, posts, profile pictures, files no message
  // names) is in media/ under its own name, and nothing else is.
  const auto media = read_tree(out / "media");
  std::size_t expected_media = 0;
  for (const auto& [path, bytes] : read_tree(dir() / "export")) {
    const std::string ext = fs::path(path).extension().string();
    if (ext == ".json" || ext == ".html") continue;
    ++expected_media;
    const auto found = media.find(fs::path(path).filename().string());
    ASSERT_NE(found, media.end()) << path;
    EXPECT_TRUE(found->second == bytes) << path;
  }
  EXPECT_GT(expected_media, 5U);
  EXPECT_EQ(media.size(), expected_media);
  // The zip holds what the folder holds.
  r = export_to("html", dir() / "html.zip", {"--page-size", "200"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(read_archive(dir() / "html.zip") == read_tree(out));
}

TEST_F(ExportCli, TextCsvAndMedia) {
  auto r = export_to("text", dir() / "text.tar");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(read_archive(dir() / "text.tar").size(), info_field("conversations"));
  r = export_to("csv", dir() / "csv");
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string csv = read_file(dir() / "csv" / "messages.csv");
  EXPECT_TRUE(csv.starts_with("conversation_id,conversation,platform,message_id,"));
  r = export_to("media", dir() / "media");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_FALSE(read_tree(dir() / "media").empty());
}

TEST_F(ExportCli, RefusesExistingDestinations) {
  const fs::path full = dir() / "full";
  fs::create_directories(full);
  std::ofstream(full / "mine.txt") << "keep";
  auto r = export_to("csv", full);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("not empty"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--force"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(full / "messages.csv"));
  r = export_to("csv", full, {"--force"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(fs::exists(full / "messages.csv"));
  EXPECT_EQ(read_file(full / "mine.txt"), "keep");

  std::ofstream(dir() / "old.zip") << "old";
  r = export_to("json", dir() / "old.zip");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(read_file(dir() / "old.zip"), "old");
  r = export_to("yaml", dir() / "new");
  EXPECT_EQ(r.status, 2);
  EXPECT_FALSE(fs::exists(dir() / "new"));
  // Filters the query language cannot express, and a conversation that does not exist.
  r = export_to("json", dir() / "new", {"--from", "a\"b"});
  EXPECT_EQ(r.status, 2) << r.err;
  r = export_to("json", dir() / "new", {"--after", "next week"});
  EXPECT_EQ(r.status, 2) << r.err;
  r = export_to("json", dir() / "new", {"--conversation", "no such conversation at all"});
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_FALSE(fs::exists(dir() / "new"));
}

TEST_F(ExportCli, ToVaultHoldsExactlyTheSelection) {
  auto r = dmvault_cmd({"list", vault(), "--json"});
  ASSERT_EQ(r.status, 0) << r.err;
  simdjson::dom::parser parser;
  std::istringstream lines(r.out);
  std::string first;
  std::getline(lines, first);
  const simdjson::dom::element chosen = parser.parse(first);
  const std::int64_t id = chosen["id"].get_int64().value();
  const std::uint64_t messages = chosen["messages"].get_uint64().value();
  const std::string first_time(chosen["first"].get_string().value());
  const std::string last_time(chosen["last"].get_string().value());

  std::ofstream(dir() / "newpass") << "another passphrase\n";
  fs::permissions(dir() / "newpass", fs::perms::owner_read | fs::perms::owner_write);
  const std::string copy = (dir() / "copy.dmv").string();
  r = dmvault_cmd({"export", vault(), "--to-vault", copy, "--new-passphrase-file",
                   (dir() / "newpass").string(), "--kdf", "interactive", "--conversation",
                   std::to_string(id)});
  ASSERT_EQ(r.status, 0) << r.err;
  r = run_dmvault({"list", copy, "--json", "--passphrase-file", (dir() / "newpass").string()});
  ASSERT_EQ(r.status, 0) << r.err;
  std::istringstream copied(r.out);
  std::vector<std::string> rows;
  for (std::string line; std::getline(copied, line);) rows.push_back(line);
  ASSERT_EQ(rows.size(), 1U) << r.out;
  const simdjson::dom::element row = parser.parse(rows[0]);
  EXPECT_EQ(row["messages"].get_uint64().value(), messages);
  EXPECT_EQ(std::string(row["first"].get_string().value()), first_time);
  EXPECT_EQ(std::string(row["last"].get_string().value()), last_time);
  // Its own passphrase: the old one does not open it; and it verifies.
  r = run_dmvault({"list", copy, "--passphrase-file", pass()});
  EXPECT_EQ(r.status, 3) << r.err;
  r = run_dmvault({"verify", copy, "--passphrase-file", (dir() / "newpass").string()});
  EXPECT_EQ(r.status, 0) << r.err;
  // Never over an existing file.
  r = dmvault_cmd({"export", vault(), "--to-vault", copy, "--new-passphrase-file",
                   (dir() / "newpass").string()});
  EXPECT_EQ(r.status, 2) << r.err;
}

}  // namespace
}  // namespace dmvault
