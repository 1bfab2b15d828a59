// Shared between the parts of the Discord importer: where the inputs are in the tree
// (discord_layout), the RFC 4180 reader of the package's messages.csv (discord_csv), the package
// reader (discord_package) and the DiscordChatExporter reader (discord_dce). Field notes and
// evidence: formats/discord/FORMAT.md.
#pragma once

#include "common/import_context.hpp"
#include "dmvault/importer.hpp"
#include "meta/meta_json_names.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace dmvault::formats::discord {

inline constexpr std::string_view kPlatform = "discord";

// Files larger than this are never read during detection.
inline constexpr std::uint64_t kMaxDetectRead = std::uint64_t{64} << 20;
// The package's small JSON files (index.json, channel.json, user.json).
inline constexpr std::uint64_t kMaxSmallFile = std::uint64_t{64} << 20;

// One channel folder of a data package: messages/c<id>/ (or messages/<id>/ before 2021-12).
struct PackageChannel {
  std::string dir;            // "<prefix>messages/c123/"
  std::string id;             // "123"
  std::string channel_file;   // "<dir>channel.json", or "" when missing
  std::string messages_file;  // "<dir>messages.csv" or "<dir>messages.json"
  bool csv = false;
};

struct Package {
  std::string messages_dir;                  // "<prefix>messages/" (its name may be localised)
  std::string index_file;                    // "<messages_dir>index.json", or ""
  std::vector<std::string> user_candidates;  // "<prefix>*/user.json" outside messages_dir
  std::vector<PackageChannel> channels;      // sorted by dir
};

struct Layout {
  std::vector<Package> packages;       // sorted by messages_dir
  std::vector<std::string> dce_files;  // *.json outside packages, sorted; checked when read
};

Layout scan_layout(const std::vector<ExportFile>& files);

// Whether the start of a JSON file looks like a DiscordChatExporter export: an object whose
// first members are "guild" and "channel". Never throws.
bool looks_like_dce(std::string_view bytes);

// Whether a path is named the way DiscordChatExporter names its files:
// "<server> - <channel> [<channel id>].json", with " [part N]" before ".json" when partitioned.
bool dce_file_name(std::string_view path);

// One record of an RFC 4180 file: its fields (quotes removed, "" turned into ") and where its
// bytes are.
struct CsvRecord {
  std::vector<std::string> fields;
  std::size_t begin = 0;  // offset of the record's first byte
  std::size_t end = 0;    // offset just past its last field (before the line break)
  std::size_t line = 1;   // 1-based line the record starts on
};

// Reads records one at a time from `text` (which must outlive the reader). Fields are separated
// by ',', records by LF or CRLF; a quoted field may hold separators, line breaks and "" for a
// quote. A quote inside an unquoted field is kept as a character (lenient, like most readers).
class CsvReader {
 public:
  CsvReader(std::string_view text, std::string path);
  // False at the end of the text. Error(bad_input, "<path>: line N: ...") for a quoted field that
  // is never closed or a closing quote followed by something else than ',' or a line break.
  bool next(CsvRecord& record);

 private:
  std::string_view m_text;
  std::string m_path;
  std::size_t m_pos = 0;
  std::size_t m_line = 1;
};

// The creation time a Discord id (a snowflake) carries: its top 42 bits are milliseconds since
// 2015-01-01. nullopt when `id` is not a decimal number.
std::optional<std::int64_t> snowflake_ms(std::string_view id);

// The attachment kind a file name or URL suggests by its extension.
AttachmentKind kind_from_name(std::string_view name);

// What every reader needs while importing; a channel exported in two parts is announced once.
using formats::ImportContext;

void import_package(ImportContext& context, const Package& package);
// False (nothing emitted) when the file is not a DiscordChatExporter export; Error(bad_input)
// when it is named like one (dce_file_name) but is not, or is damaged.
bool import_dce_file(ImportContext& context, const std::string& path);

}  // namespace dmvault::formats::discord
