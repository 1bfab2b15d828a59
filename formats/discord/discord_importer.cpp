#include "discord/discord_importer.hpp"

#include "discord/discord_internal.hpp"
#include "dmvault/error.hpp"
#include "meta/meta_json_names.hpp"

#include <algorithm>

namespace dmvault::formats {

namespace {

using discord::Layout;

constexpr int kCertain = 100;
// A JSON file too large to look into, named the way DiscordChatExporter names its files
// ("Server - channel [123].json").
constexpr int kLikely = 80;
// How many channel folders detection looks into before giving up on a package.
constexpr std::size_t kChannelsChecked = 3;

std::uint64_t size_of(const ExportFiles& files, const std::string& path) {
  for (const ExportFile& f : files.files()) {
    if (f.path == path) return f.size;
  }
  return 0;
}

// A package channel whose channel.json is a JSON object with an "id".
bool is_package_channel(const ExportFiles& files, const discord::PackageChannel& channel) {
  if (channel.channel_file.empty() ||
      size_of(files, channel.channel_file) > discord::kMaxDetectRead) {
    return false;
  }
  const PlainBytes bytes = files.read(channel.channel_file, discord::kMaxDetectRead);
  const meta::JsonFile file(channel.channel_file, text_of(bytes));
  const auto root = meta::as_object(file.root());
  return root && meta::member(*root, "id").has_value();
}

int score(const ExportFiles& files, const Layout& layout) {
  for (const discord::Package& package : layout.packages) {
    for (std::size_t i = 0; i < package.channels.size() && i < kChannelsChecked; ++i) {
      try {
        if (is_package_channel(files, package.channels[i])) return kCertain;
      } catch (const Error&) {
        // a damaged channel.json: look at the next one
      }
    }
  }
  int best = 0;
  for (const std::string& path : layout.dce_files) {
    if (size_of(files, path) > discord::kMaxDetectRead) {
      if (discord::dce_file_name(path)) best = kLikely;
      continue;
    }
    if (discord::looks_like_dce(text_of(files.read(path, discord::kMaxDetectRead))))
      return kCertain;
  }
  return best;
}

class DiscordImporter final : public Importer {
 public:
  std::string name() const override { return std::string(discord::kPlatform); }

  std::string description() const override {
    return "Discord (the data package's messages, or DiscordChatExporter JSON)";
  }

  int detect(const ExportFiles& files) const override {
    try {
      return score(files, discord::scan_layout(files.files()));
    } catch (const Error&) {
      return 0;  // detection never fails an import; the chosen importer reports the problem
    }
  }

  void import(const ExportFiles& files, ImportSink& sink,
              const ImportOptions& options) const override {
    const Layout layout = discord::scan_layout(files.files());
    discord::ImportContext context(files, sink, options);
    for (const discord::Package& package : layout.packages) {
      discord::import_package(context, package);
    }
    bool any_dce = false;
    for (const std::string& path : layout.dce_files) {
      // Only DiscordChatExporter's own names are read past the detection size: anything else
      // that large is some other JSON that happens to sit next to the export.
      if (size_of(files, path) > discord::kMaxDetectRead && !discord::dce_file_name(path)) {
        sink.warning(path,
                     "ignored: too large to be checked and not named like a "
                     "DiscordChatExporter file");
        continue;
      }
      if (discord::import_dce_file(context, path)) {
        any_dce = true;
      } else {
        sink.warning(path, "ignored: not a DiscordChatExporter JSON export");
      }
    }
    if (layout.packages.empty() && !any_dce) {
      throw Error(ErrorCode::bad_input,
                  "no Discord export here (no messages/c<id>/ folder of a data package and no "
                  "DiscordChatExporter JSON file)",
                  "give the package.zip Discord sent, or the folder of .json files "
                  "DiscordChatExporter wrote (export format JSON)");
    }
  }
};

}  // namespace

std::unique_ptr<Importer> make_discord_importer() { return std::make_unique<DiscordImporter>(); }

}  // namespace dmvault::formats
