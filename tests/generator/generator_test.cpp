// dmvault-gen-instagram, run as a separate program: determinism, the ground truth against an
// independent count made here by parsing the generated JSON (simdjson) and undoing Meta's
// mojibake, the zip output, the planted words, and the refusals.
#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <cstdint>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <spawn.h>
#include <string>
#include <string_view>
#include <sys/wait.h>
#include <tuple>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace {

namespace fs = std::filesystem;

// --- Running the generator ----------------------------------------------------------------

struct RunResult {
  int exit_code = -1;
  std::string stderr_text;
};

RunResult run_generator(const std::vector<std::string>& args, const fs::path& scratch) {
  const fs::path err = scratch / "stderr.txt";
  std::vector<std::string> full{DMVAULT_GEN_BINARY};
  full.insert(full.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : full) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  RunResult result;
  if (spawned != 0) {
    ADD_FAILURE() << "cannot start " << argv[0];
    return result;
  }
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::ifstream in(err, std::ios::binary);
  result.stderr_text.assign(std::istreambuf_iterator<char>(in), {});
  fs::remove(err);
  return result;
}

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "dmvault-gen-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed");
    }
    m_path = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(m_path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return m_path; }

 private:
  fs::path m_path;
};

// Small sizes keep the suite fast; a short --messages-per-file gives multi-part threads.
std::vector<std::string> small_args(const fs::path& out, std::uint64_t seed,
                                    const std::string& media_bytes = "700K") {
  return {"--out",
          out.string(),
          "--conversations",
          "12",
          "--messages",
          "1500",
          "--media-bytes",
          media_bytes,
          "--seed",
          std::to_string(seed),
          "--messages-per-file",
          "100",
          "--quiet"};
}

// --- Listings -------------------------------------------------------------------------------

std::uint64_t fnv1a(std::string_view bytes, std::uint64_t hash = 0xcbf29ce484222325ULL) {
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

struct FileInfo {
  std::uint64_t size = 0;
  std::uint64_t hash = 0;
  bool operator==(const FileInfo&) const = default;
};
using Listing = std::map<std::string, FileInfo>;

Listing list_folder(const fs::path& root) {
  Listing listing;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) {
      const std::string bytes = read_file(entry.path());
      listing[fs::relative(entry.path(), root).generic_string()] = {bytes.size(), fnv1a(bytes)};
    }
  }
  return listing;
}

// Entries of one zip, read with libarchive.
Listing list_zip(const fs::path& zip) {
  Listing listing;
  archive* a = archive_read_new();
  archive_read_support_format_zip(a);
  EXPECT_EQ(archive_read_open_filename(a, zip.c_str(), 1 << 16), ARCHIVE_OK)
      << archive_error_string(a);
  archive_entry* entry = nullptr;
  while (archive_read_next_header(a, &entry) == ARCHIVE_OK) {
    std::string bytes;
    char buffer[1 << 16];
    la_ssize_t n = 0;
    while ((n = archive_read_data(a, buffer, sizeof buffer)) > 0) {
      bytes.append(buffer, static_cast<std::size_t>(n));
    }
    EXPECT_EQ(n, 0) << archive_error_string(a);
    listing[archive_entry_pathname(entry)] = {bytes.size(), fnv1a(bytes)};
  }
  archive_read_free(a);
  return listing;
}

// --- Meta's mojibake, undone independently of the generator -------------------------------

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    char32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      len = 2;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) {
      return false;
    }
    for (std::size_t k = 1; k < len; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xc0) != 0x80) {
        return false;
      }
      cp = (cp << 6) | (d & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += len;
  }
  return true;
}

// The decoded JSON string holds one code point per original byte (all <= U+00FF); map them
// back to bytes and require valid UTF-8. nullopt when the string is not mojibake.
std::optional<std::string> unmojibake(std::string_view decoded) {
  std::string bytes;
  for (std::size_t i = 0; i < decoded.size();) {
    const auto c = static_cast<unsigned char>(decoded[i]);
    if (c < 0x80) {
      bytes.push_back(static_cast<char>(c));
      ++i;
    } else if ((c == 0xc2 || c == 0xc3) && i + 1 < decoded.size()) {
      const auto d = static_cast<unsigned char>(decoded[i + 1]);
      bytes.push_back(static_cast<char>(((c & 0x1f) << 6) | (d & 0x3f)));
      i += 2;
    } else {
      return std::nullopt;
    }
  }
  if (!valid_utf8(bytes)) {
    return std::nullopt;
  }
  return bytes;
}

// --- The independent count -----------------------------------------------------------------

struct Occurrence {
  std::string thread;
  std::string sender;
  std::int64_t timestamp_ms = 0;
  auto operator<=>(const Occurrence&) const = default;
};

struct Count {
  std::uint64_t conversations = 0;
  std::uint64_t messages = 0;
  std::uint64_t system_messages = 0;
  std::uint64_t attachments = 0;
  std::uint64_t missing_attachments = 0;
  std::uint64_t media_files = 0;
  std::uint64_t media_bytes = 0;
  std::uint64_t media_paths = 0;
  std::uint64_t unreferenced_media_files = 0;
  std::uint64_t files = 0;
  std::uint64_t bytes = 0;
  std::uint64_t non_ascii_strings = 0;
  std::uint64_t multi_part_threads = 0;
  std::uint64_t group_threads = 0;
  std::uint64_t deleted_participants = 0;
  std::uint64_t request_threads = 0;
  // Every message record: (thread, sender, timestamp) -> its strings, for the planted check.
  std::vector<std::pair<Occurrence, std::string>> texts;
};

std::string repaired(simdjson::dom::element value, Count& count) {
  std::string_view raw;
  EXPECT_EQ(value.get_string().get(raw), simdjson::SUCCESS);
  const std::optional<std::string> fixed = unmojibake(raw);
  EXPECT_TRUE(fixed.has_value()) << "not repairable: " << raw;
  if (fixed && *fixed != raw) {
    ++count.non_ascii_strings;
  }
  return fixed.value_or(std::string(raw));
}

bool is_system_line(const std::string& content) {
  return content == "Liked a message" ||
         (content.starts_with("Reacted ") && content.ends_with(" to your message ")) ||
         (content.find(" named the group ") != std::string::npos && content.ends_with(".")) ||
         (content.find(" added ") != std::string::npos && content.ends_with(" to the group.")) ||
         content.ends_with(" left the group.");
}

std::vector<std::string> keys_of(simdjson::dom::object object) {
  std::vector<std::string> keys;
  for (const auto field : object) {
    keys.emplace_back(field.key);
  }
  return keys;
}

Count count_export(const fs::path& root, bool y2025, std::uint64_t per_file) {
  Count count;
  const Listing listing = list_folder(root);
  for (const auto& [path, info] : listing) {
    ++count.files;
    count.bytes += info.size;
    const std::string bytes = read_file(root / path);
    if (path.ends_with(".json")) {
      EXPECT_TRUE(std::all_of(bytes.begin(), bytes.end(),
                              [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
          << path << ": Meta writes pure ASCII JSON";
      EXPECT_FALSE(bytes.ends_with("\n")) << path;
    } else if (path.ends_with(".jpg")) {
      EXPECT_TRUE(bytes.starts_with("\xff\xd8\xff") && bytes.ends_with("\xff\xd9")) << path;
    } else if (path.ends_with(".mp4")) {
      EXPECT_EQ(bytes.substr(4, 4), "ftyp") << path;
    } else if (path.ends_with(".aac")) {
      EXPECT_TRUE(bytes.starts_with("\xff\xf1")) << path;
    }
  }

  const std::string messages_root = y2025 ? "your_instagram_activity/messages" : "messages";
  std::set<std::string> referenced;
  simdjson::dom::parser parser;
  for (const std::string section : {"inbox", "message_requests"}) {
    const fs::path dir = root / messages_root / section;
    if (!fs::exists(dir)) {
      continue;
    }
    for (const auto& thread_entry : fs::directory_iterator(dir)) {
      ++count.conversations;
      count.request_threads += section == "message_requests" ? 1U : 0U;
      const std::string folder = thread_entry.path().filename().string();
      const std::string thread_path = section + "/" + folder;
      std::size_t parts = 0;
      while (fs::exists(thread_entry.path() / ("message_" + std::to_string(parts + 1) + ".json"))) {
        ++parts;
      }
      EXPECT_GE(parts, 1U) << thread_path;
      count.multi_part_threads += parts > 1 ? 1U : 0U;
      std::int64_t previous_ms = INT64_MAX;
      std::string first_title;
      for (std::size_t part = 1; part <= parts; ++part) {
        const fs::path file = thread_entry.path() / ("message_" + std::to_string(part) + ".json");
        simdjson::dom::element doc;
        EXPECT_EQ(parser.load(file.string()).get(doc), simdjson::SUCCESS) << file;
        simdjson::dom::object top;
        EXPECT_EQ(doc.get_object().get(top), simdjson::SUCCESS) << file;

        std::vector<std::string> expected_top{"participants", "messages", "title",
                                              "is_still_participant"};
        if (!y2025) {
          expected_top.emplace_back("thread_type");
        }
        expected_top.emplace_back("thread_path");
        expected_top.emplace_back("magic_words");
        std::vector<std::string> top_keys = keys_of(top);
        if (top_keys.back() == "joinable_mode") {
          top_keys.pop_back();
          count.group_threads += part == 1 ? 1U : 0U;
        }
        EXPECT_EQ(top_keys, expected_top) << file;

        std::string_view path_value;
        EXPECT_EQ(top["thread_path"].get_string().get(path_value), simdjson::SUCCESS);
        EXPECT_EQ(path_value, thread_path);
        const std::string title = repaired(top["title"], count);
        if (part == 1) {
          first_title = title;
        }
        EXPECT_EQ(title, first_title) << "every part repeats the title";
        for (const auto participant : top["participants"].get_array()) {
          const std::string name = repaired(participant["name"], count);
          count.deleted_participants += part == 1 && name == "Instagram User" ? 1U : 0U;
        }

        simdjson::dom::array messages;
        EXPECT_EQ(top["messages"].get_array().get(messages), simdjson::SUCCESS);
        const std::size_t size = messages.size();
        EXPECT_LE(size, per_file) << file;
        if (part < parts) {
          EXPECT_EQ(size, per_file) << file << ": only the last part is short";
        }
        for (const auto message_value : messages) {
          simdjson::dom::object message = message_value.get_object();
          const std::vector<std::string> keys = keys_of(message);
          EXPECT_EQ(keys.at(0), "sender_name");
          EXPECT_EQ(keys.at(1), "timestamp_ms");
          EXPECT_TRUE(y2025 ? (keys.back() == "is_unsent_image_by_messenger_kid_parent" ||
                               keys.back() == "is_geoblocked_for_viewer")
                            : keys.back() == "bumped_message_metadata")
              << file;

          const std::string sender = repaired(message["sender_name"], count);
          std::int64_t ts = 0;
          EXPECT_EQ(message["timestamp_ms"].get_int64().get(ts), simdjson::SUCCESS);
          EXPECT_LE(ts, previous_ms) << file << ": newest first, across parts too";
          EXPECT_GE(ts, 1420070400000);  // 2015
          EXPECT_LE(ts, 1772323200000);  // 2026-03-01
          previous_ms = ts;

          std::string content;
          std::string strings;
          if (simdjson::dom::element value; message["content"].get(value) == simdjson::SUCCESS) {
            content = repaired(value, count);
            strings = content;
          }
          if (simdjson::dom::element share; message["share"].get(share) == simdjson::SUCCESS) {
            if (simdjson::dom::element text; share["share_text"].get(text) == simdjson::SUCCESS) {
              strings += "\n" + repaired(text, count);
            }
          }
          if (simdjson::dom::array reactions;
              message["reactions"].get(reactions) == simdjson::SUCCESS) {
            for (const auto reaction : reactions) {
              repaired(reaction["reaction"], count);
              repaired(reaction["actor"], count);
            }
          }
          if (is_system_line(content)) {
            ++count.system_messages;
          } else {
            ++count.messages;
          }
          count.texts.push_back({{thread_path, sender, ts}, strings});

          for (const char* key : {"photos", "videos", "audio_files"}) {
            simdjson::dom::array media;
            if (message[key].get(media) != simdjson::SUCCESS) {
              continue;
            }
            for (const auto item : media) {
              ++count.attachments;
              std::string_view uri;
              EXPECT_EQ(item["uri"].get_string().get(uri), simdjson::SUCCESS);
              std::int64_t created = 0;
              EXPECT_EQ(item["creation_timestamp"].get_int64().get(created), simdjson::SUCCESS);
              EXPECT_LE(created, ts / 1000) << "creation_timestamp is in seconds";
              if (uri.starts_with("https://") || !listing.contains(std::string(uri))) {
                ++count.missing_attachments;
              } else {
                referenced.insert(std::string(uri));
              }
            }
          }
        }
      }
    }
  }

  std::set<Occurrence> keys;
  for (const auto& [where, text] : count.texts) {
    EXPECT_TRUE(keys.insert(where).second)
        << where.thread << " " << where.timestamp_ms << ": two records by one sender in one ms";
  }

  std::set<std::pair<std::uint64_t, std::uint64_t>> contents;
  for (const std::string& path : referenced) {
    const FileInfo& info = listing.at(path);
    ++count.media_paths;
    if (contents.insert({info.size, info.hash}).second) {
      ++count.media_files;
      count.media_bytes += info.size;
    }
  }
  for (const auto& [path, info] : listing) {
    const bool in_thread = path.starts_with(messages_root + "/inbox/") ||
                           path.starts_with(messages_root + "/message_requests/");
    const bool media = path.find("/photos/") != std::string::npos ||
                       path.find("/videos/") != std::string::npos ||
                       path.find("/audio/") != std::string::npos;
    if (in_thread && media && !referenced.contains(path)) {
      ++count.unreferenced_media_files;
    }
  }
  return count;
}

std::uint64_t truth_number(simdjson::dom::element truth, const char* key) {
  std::uint64_t value = 0;
  EXPECT_EQ(truth[key].get_uint64().get(value), simdjson::SUCCESS) << key;
  return value;
}

void expect_truth_matches(const fs::path& out, const fs::path& truth_file, bool y2025,
                          std::uint64_t per_file) {
  const Count count = count_export(out, y2025, per_file);
  simdjson::dom::parser parser;
  simdjson::dom::element truth;
  ASSERT_EQ(parser.load(truth_file.string()).get(truth), simdjson::SUCCESS);

  EXPECT_EQ(truth_number(truth, "conversations"), count.conversations);
  EXPECT_EQ(truth_number(truth, "messages"), count.messages);
  EXPECT_EQ(truth_number(truth, "system_messages"), count.system_messages);
  EXPECT_EQ(truth_number(truth, "attachments"), count.attachments);
  EXPECT_EQ(truth_number(truth, "missing_attachments"), count.missing_attachments);
  EXPECT_EQ(truth_number(truth, "media_files"), count.media_files);
  EXPECT_EQ(truth_number(truth, "media_bytes"), count.media_bytes);
  EXPECT_EQ(truth_number(truth, "media_paths"), count.media_paths);
  EXPECT_EQ(truth_number(truth, "unreferenced_media_files"), count.unreferenced_media_files);
  EXPECT_EQ(truth_number(truth, "files"), count.files);
  EXPECT_EQ(truth_number(truth, "bytes"), count.bytes);

  // The export exercises what it is meant to: every case is present at least once.
  EXPECT_GT(count.system_messages, 0U);
  EXPECT_GT(count.missing_attachments, 0U);
  EXPECT_GT(count.unreferenced_media_files, 0U);
  EXPECT_GT(count.media_paths, count.media_files) << "identical media in two places";
  EXPECT_GT(count.attachments, count.media_paths + count.missing_attachments)
      << "a file referenced twice";
  EXPECT_GT(count.non_ascii_strings, 100U) << "names and text in many scripts";
  EXPECT_GT(count.multi_part_threads, 0U);
  EXPECT_GT(count.group_threads, 0U);
  EXPECT_GT(count.request_threads, 0U);
  EXPECT_GT(count.deleted_participants, 0U);

  // Planted words: exactly in the stated messages, nowhere else.
  std::map<std::string, std::set<Occurrence>> stated;
  for (const auto entry : truth["planted"].get_array()) {
    std::string_view word;
    std::string_view thread;
    std::string_view sender;
    std::int64_t ts = 0;
    EXPECT_EQ(entry["word"].get_string().get(word), simdjson::SUCCESS);
    EXPECT_EQ(entry["thread"].get_string().get(thread), simdjson::SUCCESS);
    EXPECT_EQ(entry["sender"].get_string().get(sender), simdjson::SUCCESS);
    EXPECT_EQ(entry["timestamp_ms"].get_int64().get(ts), simdjson::SUCCESS);
    stated[std::string(word)].insert({std::string(thread), std::string(sender), ts});
  }
  EXPECT_GE(stated.size(), 6U);
  for (const auto& [word, occurrences] : stated) {
    std::set<Occurrence> found;
    std::size_t records = 0;
    for (const auto& [where, text] : count.texts) {
      if (text.find(word) != std::string::npos) {
        found.insert(where);
        ++records;
      }
    }
    EXPECT_EQ(found, occurrences) << word;
    EXPECT_EQ(records, occurrences.size()) << word << ": each occurrence names one message";
  }
}

// --- Tests -----------------------------------------------------------------------------------

TEST(GeneratorTest, SameSeedGivesIdenticalTreeAndTruth) {
  TempDir tmp;
  const fs::path a = tmp.path() / "a";
  const fs::path b = tmp.path() / "b";
  auto args_a = small_args(a, 7);
  args_a.insert(args_a.end(), {"--truth", (tmp.path() / "a.json").string()});
  auto args_b = small_args(b, 7);
  args_b.insert(args_b.end(), {"--truth", (tmp.path() / "b.json").string()});
  ASSERT_EQ(run_generator(args_a, tmp.path()).exit_code, 0);
  ASSERT_EQ(run_generator(args_b, tmp.path()).exit_code, 0);

  const Listing la = list_folder(a);
  EXPECT_GT(la.size(), 20U);
  EXPECT_EQ(la, list_folder(b));
  EXPECT_EQ(read_file(tmp.path() / "a.json"), read_file(tmp.path() / "b.json"));
  EXPECT_EQ(fs::last_write_time(a / "your_instagram_activity/messages/secret_conversations.json"),
            fs::last_write_time(b / "your_instagram_activity/messages/secret_conversations.json"));
}

TEST(GeneratorTest, DifferentSeedGivesDifferentExport) {
  TempDir tmp;
  ASSERT_EQ(run_generator(small_args(tmp.path() / "a", 7), tmp.path()).exit_code, 0);
  ASSERT_EQ(run_generator(small_args(tmp.path() / "b", 8), tmp.path()).exit_code, 0);
  const Listing la = list_folder(tmp.path() / "a");
  const Listing lb = list_folder(tmp.path() / "b");
  EXPECT_NE(la, lb);
  std::set<std::uint64_t> hashes_a;
  for (const auto& [path, info] : la) {
    hashes_a.insert(info.hash);
  }
  std::size_t shared = 0;
  for (const auto& [path, info] : lb) {
    shared += hashes_a.contains(info.hash) ? 1U : 0U;
  }
  EXPECT_EQ(shared, 0U) << "no file of one seed appears in the other";
}

TEST(GeneratorTest, TruthMatchesIndependentCount2025) {
  TempDir tmp;
  auto args = small_args(tmp.path() / "out", 11);
  args.insert(args.end(), {"--truth", (tmp.path() / "truth.json").string()});
  ASSERT_EQ(run_generator(args, tmp.path()).exit_code, 0);
  expect_truth_matches(tmp.path() / "out", tmp.path() / "truth.json", true, 100);
}

TEST(GeneratorTest, TruthMatchesIndependentCount2022) {
  TempDir tmp;
  auto args = small_args(tmp.path() / "out", 12);
  args.insert(args.end(), {"--layout", "2022", "--truth", (tmp.path() / "truth.json").string()});
  ASSERT_EQ(run_generator(args, tmp.path()).exit_code, 0);
  EXPECT_TRUE(fs::exists(tmp.path() / "out/messages/inbox"));
  EXPECT_FALSE(fs::exists(tmp.path() / "out/your_instagram_activity"));
  expect_truth_matches(tmp.path() / "out", tmp.path() / "truth.json", false, 100);
}

TEST(GeneratorTest, MediaBytesAreExact) {
  TempDir tmp;
  auto args = small_args(tmp.path() / "out", 5, "123457");  // an odd total
  args.insert(args.end(), {"--truth", (tmp.path() / "truth.json").string()});
  ASSERT_EQ(run_generator(args, tmp.path()).exit_code, 0);
  std::uint64_t media = 0;
  for (const auto& [path, info] : list_folder(tmp.path() / "out")) {
    if (path.starts_with("your_instagram_activity/messages/inbox/") ||
        path.starts_with("your_instagram_activity/messages/message_requests/")) {
      media += path.ends_with(".json") ? 0 : info.size;
    }
  }
  EXPECT_EQ(media, 123457U);
  simdjson::dom::parser parser;
  simdjson::dom::element truth;
  ASSERT_EQ(parser.load((tmp.path() / "truth.json").string()).get(truth), simdjson::SUCCESS);
  EXPECT_EQ(truth_number(truth, "thread_media_bytes"), 123457U);
}

TEST(GeneratorTest, ZipPartsHoldTheSameFiles) {
  TempDir tmp;
  ASSERT_EQ(run_generator(small_args(tmp.path() / "folder", 7), tmp.path()).exit_code, 0);
  auto args = small_args(tmp.path() / "zips", 7);
  args.insert(args.end(), {"--zip", "--parts", "3"});
  ASSERT_EQ(run_generator(args, tmp.path()).exit_code, 0);

  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(tmp.path() / "zips")) {
    names.insert(entry.path().filename().string());
  }
  EXPECT_EQ(names, (std::set<std::string>{"part1.zip", "part2.zip", "part3.zip"}));

  Listing merged;
  std::size_t parts_with_json = 0;
  std::size_t parts_with_media = 0;
  for (const std::string& name : names) {
    const Listing part = list_zip(tmp.path() / "zips" / name);
    EXPECT_FALSE(part.empty()) << name;
    bool json = false;
    bool media = false;
    for (const auto& [path, info] : part) {
      EXPECT_TRUE(merged.emplace(path, info).second) << path << " is in two parts";
      json = json || path.find("/message_") != std::string::npos;
      media = media || path.find("/photos/") != std::string::npos;
    }
    parts_with_json += json ? 1U : 0U;
    parts_with_media += media ? 1U : 0U;
  }
  EXPECT_EQ(merged, list_folder(tmp.path() / "folder"));
  EXPECT_GE(parts_with_json, 2U);
  EXPECT_GE(parts_with_media, 2U);
}

TEST(GeneratorTest, SingleZipWithoutParts) {
  TempDir tmp;
  ASSERT_EQ(run_generator(small_args(tmp.path() / "folder", 9), tmp.path()).exit_code, 0);
  auto args = small_args(tmp.path() / "zip", 9);
  args.emplace_back("--zip");
  ASSERT_EQ(run_generator(args, tmp.path()).exit_code, 0);
  EXPECT_EQ(list_zip(tmp.path() / "zip/part1.zip"), list_folder(tmp.path() / "folder"));

  auto again = small_args(tmp.path() / "zip2", 9);
  again.emplace_back("--zip");
  ASSERT_EQ(run_generator(again, tmp.path()).exit_code, 0);
  EXPECT_EQ(read_file(tmp.path() / "zip/part1.zip"), read_file(tmp.path() / "zip2/part1.zip"))
      << "the zip itself is reproducible";
}

TEST(GeneratorTest, RefusesNonEmptyFolder) {
  TempDir tmp;
  const fs::path out = tmp.path() / "out";
  fs::create_directories(out);
  std::ofstream(out / "keep.txt") << "mine";
  const RunResult result = run_generator(small_args(out, 1), tmp.path());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.stderr_text.find("not empty"), std::string::npos) << result.stderr_text;
  EXPECT_EQ(list_folder(out).size(), 1U);
}

TEST(GeneratorTest, RejectsBadArguments) {
  TempDir tmp;
  const fs::path out = tmp.path() / "out";
  const std::vector<std::vector<std::string>> bad{
      {"--out", out.string(), "--conversations", "10", "--messages", "5"},
      {"--out", out.string(), "--media-bytes", "100"},
      {"--out", out.string(), "--layout", "2019"},
      {"--out", out.string(), "--seed", "12x"},
      {"--out", out.string(), "--truth", (out / "truth.json").string()},
      {"--conversations", "3"},
      {"--out", out.string(), "--frobnicate"},
  };
  for (const auto& args : bad) {
    const RunResult result = run_generator(args, tmp.path());
    EXPECT_EQ(result.exit_code, 2) << args.back();
    EXPECT_NE(result.stderr_text.find("dmvault-gen-instagram: error: "), std::string::npos);
    EXPECT_TRUE(!fs::exists(out) || fs::is_empty(out)) << args.back();
  }
}

}  // namespace
