// dmvault-gen-instagram: writes a deterministic synthetic Instagram export with its ground truth,
// for the demo, the tests and the benchmarks. It depends on nothing outside this folder but the
// standard library and libarchive (for --zip).
#include "gen_export.hpp"
#include "gen_sink.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace gen = dmvault::formats::instagram::generator;

namespace {

constexpr std::string_view kProgram = "dmvault-gen-instagram";

constexpr std::string_view kHelp = R"help(usage: dmvault-gen-instagram --out DIR [options]

Writes a synthetic Instagram "Download Your Information" export (JSON) into DIR, which must be
empty or not exist. The output is a pure function of the options: the same options and seed
give byte-identical files on every platform (the zips themselves: with the same libarchive and
zlib), and every file has the same modification time, the "export date" 2026-03-02.

Options:
  --out DIR                the folder to write (required)
  --conversations N        threads, message requests included (default 20)
  --messages N             messages over all threads, system lines included (default 2000;
                           at least --conversations)
  --media-bytes N          total size of the media files in the thread folders, exactly
                           (default 5M; 0 = none, else at least 4096; suffixes K, M, G = 2^10,
                           2^20, 2^30)
  --seed S                 any 64-bit number (default 1)
  --layout 2022|2025       2025: your_instagram_activity/messages/inbox/<user>_<15-17 digits>/
                           with is_geoblocked_for_viewer keys; 2022: messages/inbox/<user>_<10
                           alnum>/ with type, is_unsent, is_taken_down, bumped_message_metadata
                           and thread_type (default 2025)
  --messages-per-file N    messages per message_N.json (default 10000, as Meta; message_1.json
                           holds the newest); smaller values give multi-part threads in small
                           exports
  --zip                    write DIR/part1.zip ... partK.zip instead of a folder tree (JSON
                           deflated, media stored)
  --parts K                with --zip: split the tree over K zips (default 1), each file going
                           to the part holding the fewest bytes so far, so a thread's JSON and
                           its media often land in different parts; ignored without --zip
  --truth FILE             write the ground truth as JSON to FILE (not inside DIR)
  --quiet                  no summary on stderr
  --help, --version

What is generated: 1:1 threads, group chats with titles (or named after their members), message
requests, deleted accounts ("Instagram User", a different person in each thread); names in many
scripts; text in several languages, emoji, multi-line messages, links; photos (albums of up to
4), videos and voice notes; shares of posts and reels ("X sent an attachment."), story replies,
reactions (on the message, plus a separate "Reacted <emoji> to your message " notice), "Liked a
message", calls (call_duration, 0 = missed), unsent messages, "(edited)" messages (2025),
group events ("X named the group T.", "X added Y to the group.", "You left the group.").
Timestamps run from 2015 to 2026, newest first in every file. Every non-ASCII character is
written as Meta's mojibake: one \u00XX escape per UTF-8 byte. Media files are random bytes
behind a JPEG, MP4, AAC or M4A header. Side files (profile, posts with their media/ files,
messages/secret_conversations.json) are there for importers to skip;
their shapes are plausible,
    not copied from a real export.

        Ground truth(--truth),
    with the definitions of `dmvault info-- json`
    : conversations thread
          folders(inbox / and message_requests /) messages message records with a sender that are
      not system lines : text,
                         media,
                         shares,
                         story replies,
                         calls and unsent messages system_messages platform notices
    : "Liked a message",
      "Reacted X to your message ",
      and group events(named, added, left);
every record is either a message or
    a system message attachments media references from messages(entries of photos,
                                                                videos and audio_files),
    including missing_attachments
    : references to files the export lacks(an expired local path or a CDN URL) media_files,
      media_bytes distinct file contents referenced by at least one message and present in the
      export,
      and their total size(identical copies of a file in two threads count once)
          media_paths referenced files present in the export,
      counted by path unreferenced_media_files media files in thread folders that no message
          references thread_media_files
          / bytes every media file in the thread
          folders(thread_media_bytes equals-- media - bytes) files,
      bytes every file of the export tree,
      side files included(with-- zip
                          : the files inside the zips, uncompressed) kinds records per kind
    : text,
      photos,
      videos,
      audio,
      share,
      story_reply,
      call,
      unsent,
      liked_message,
      reaction_notice,
      group_event planted rare words planted in the content of known text messages,
      one entry per message : word,
                              thread(thread_path),
                              file,
                              sender,
                              timestamp_ms;
                           (thread, sender, timestamp_ms) identifies the message
  threads                  per thread: thread_path, title, participants, messages,
                           system_messages, json_files, first and last timestamp_ms
Names and words in the truth are plain UTF-8, not mojibake.

Exit status: 0 done, 1 error while writing, 2 usage error.
)help";

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct CliOptions {
  gen::GeneratorOptions generator;
  std::optional<std::filesystem::path> out;
  std::optional<std::filesystem::path> truth;
  unsigned parts = 1;
  bool zip = false;
  bool quiet = false;
};

std::uint64_t parse_count(std::string_view flag, std::string_view text, bool allow_suffix) {
  std::uint64_t multiplier = 1;
  if (allow_suffix && !text.empty()) {
    switch (text.back()) {
      case 'K':
      case 'k':
        multiplier = 1ULL << 10;
        break;
      case 'M':
      case 'm':
        multiplier = 1ULL << 20;
        break;
      case 'G':
      case 'g':
        multiplier = 1ULL << 30;
        break;
      default:
        break;
    }
    if (multiplier != 1) {
      text.remove_suffix(1);
    }
  }
  if (text.empty() || text.size() > 20) {
    throw UsageError(std::string(flag) + ": expected a number, got \"" + std::string(text) + "\"");
  }
  std::uint64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') {
      throw UsageError(std::string(flag) + ": expected a number, got \"" + std::string(text) +
                       "\"");
    }
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) {
      throw UsageError(std::string(flag) + ": the number is too large");
    }
    value = value * 10 + digit;
  }
  if (value > UINT64_MAX / multiplier) {
    throw UsageError(std::string(flag) + ": the number is too large");
  }
  return value * multiplier;
}

// nullopt when --help or --version was answered.
std::optional<CliOptions> parse(int argc, char** argv) {
  CliOptions options;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    std::optional<std::string_view> inline_value;
    if (const auto eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
      inline_value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    }
    const auto value = [&]() -> std::string_view {
      if (inline_value) {
        return *inline_value;
      }
      if (i + 1 >= argc) {
        throw UsageError(std::string(arg) + " needs a value");
      }
      return argv[++i];
    };
    const auto no_value = [&] {
      if (inline_value) {
        throw UsageError(std::string(arg) + " takes no value");
      }
    };
    if (arg == "--help" || arg == "-h") {
      no_value();
      std::cout << kHelp;
      return std::nullopt;
    }
    if (arg == "--version") {
      no_value();
      std::cout << kProgram << " " << DMVAULT_VERSION << "\n";
      return std::nullopt;
    }
    if (arg == "--out") {
      const std::string_view v = value();
      if (v.empty()) {
        throw UsageError("--out needs a folder");
      }
      options.out = std::filesystem::path(v);
    } else if (arg == "--conversations") {
      options.generator.conversations = parse_count(arg, value(), false);
    } else if (arg == "--messages") {
      options.generator.messages = parse_count(arg, value(), false);
    } else if (arg == "--media-bytes") {
      options.generator.media_bytes = parse_count(arg, value(), true);
    } else if (arg == "--seed") {
      options.generator.seed = parse_count(arg, value(), false);
    } else if (arg == "--messages-per-file") {
      options.generator.messages_per_file = parse_count(arg, value(), false);
    } else if (arg == "--layout") {
      const std::string_view v = value();
      if (v == "2025") {
        options.generator.layout = gen::Layout::y2025;
      } else if (v == "2022") {
        options.generator.layout = gen::Layout::y2022;
      } else {
        throw UsageError("--layout: expected 2022 or 2025, got \"" + std::string(v) + "\"");
      }
    } else if (arg == "--parts") {
      const std::uint64_t parts = parse_count(arg, value(), false);
      if (parts < 1 || parts > 100) {
        throw UsageError("--parts must be between 1 and 100");
      }
      options.parts = static_cast<unsigned>(parts);
    } else if (arg == "--zip") {
      no_value();
      options.zip = true;
    } else if (arg == "--truth") {
      const std::string_view v = value();
      if (v.empty()) {
        throw UsageError("--truth needs a file name");
      }
      options.truth = std::filesystem::path(v);
    } else if (arg == "--quiet" || arg == "-q") {
      no_value();
      options.quiet = true;
    } else {
      throw UsageError("unknown option \"" + std::string(arg) + "\"");
    }
  }
  if (!options.out) {
    throw UsageError("--out DIR is required");
  }
  if (const std::string problem = gen::validate_options(options.generator); !problem.empty()) {
    throw UsageError(problem);
  }
  if (!options.zip) {
    options.parts = 1;
  }
  return options;
}

// DIR must be empty or absent: the generator never mixes its files with
// anything else.
void prepare_output(const CliOptions& options) {
  const std::filesystem::path& out = *options.out;
  if (options.truth) {
    const auto root = std::filesystem::weakly_canonical(out);
    const auto truth = std::filesystem::weakly_canonical(*options.truth);
    const auto [root_end, truth_it] =
        std::mismatch(root.begin(), root.end(), truth.begin(), truth.end());
    if (root_end == root.end()) {
      throw UsageError(options.truth->string() + ": the truth file must not be inside --out");
    }
  }
  std::error_code ec;
  const auto status = std::filesystem::status(out, ec);
  if (std::filesystem::exists(status)) {
    if (!std::filesystem::is_directory(status)) {
      throw UsageError(out.string() + ": exists and is not a folder");
    }
    if (!std::filesystem::is_empty(out, ec) || ec) {
      throw UsageError(out.string() + ": the folder is not empty; give a new or empty folder");
    }
  } else {
    std::filesystem::create_directories(out, ec);
    if (ec) {
      throw std::runtime_error(out.string() + ": cannot create the folder: " + ec.message());
    }
  }
}

void write_text_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(text.data(), static_cast<std::streamsize>(text.size()));
  file.close();
  if (!file) {
    throw std::runtime_error(path.string() + ": cannot write the truth file");
  }
}

int run(int argc, char** argv) {
  const std::optional<CliOptions> parsed = parse(argc, argv);
  if (!parsed) {
    return 0;
  }
  const CliOptions& options = *parsed;
  prepare_output(options);

  const auto start = std::chrono::steady_clock::now();
  const auto sink = options.zip
                        ? gen::make_zip_sink(*options.out, options.parts, gen::export_mtime())
                        : gen::make_folder_sink(*options.out, gen::export_mtime());
  const gen::Truth truth = gen::generate_export(options.generator, *sink);
  if (options.truth) {
    write_text_file(*options.truth,
                    gen::truth_to_json(truth, options.generator, options.zip ? options.parts : 0));
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!options.quiet) {
    const std::uint64_t records = truth.messages + truth.system_messages;
    std::fprintf(stderr,
                 "%s: wrote %llu conversations, %llu messages, %llu "
                 "files (%.1f MB) to %s in "
                 "%.2f s (%.0f messages/s, %.0f MB/s)\n",
                 kProgram.data(), static_cast<unsigned long long>(truth.conversations),
                 static_cast<unsigned long long>(records),
                 static_cast<unsigned long long>(truth.files),
                 static_cast<double>(truth.bytes) / 1e6, options.out->c_str(), seconds,
                 static_cast<double>(records) / std::max(seconds, 1e-9),
                 static_cast<double>(truth.bytes) / 1e6 / std::max(seconds, 1e-9));
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const UsageError& e) {
    std::cerr << kProgram << ": error: " << e.what() << "\n"
              << kProgram << ": hint: see " << kProgram << " --help\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << kProgram << ": error: " << e.what() << "\n";
    return 1;
  }
}
