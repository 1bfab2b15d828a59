#include "unit/export/exporter_fixture.hpp"

#include "cli/display.hpp"
#include "cli/message_json.hpp"
#include "cli/output.hpp"
#include "import/catalog_store.hpp"
#include "io/memory_storage.hpp"
#include "vault/vault_test_support.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <iostream>
#include <sstream>

namespace dmvault::testing {

namespace {

class StringWriter final : public exporting::FileWriter {
 public:
  void write(std::span<const std::uint8_t> bytes) override {
    text.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }
  std::string text;
};

constexpr std::int64_t kDay = 1565776800000;  // 2019-08-14T10:00:00Z

Message message(std::string sender, std::int64_t at, MessageKind kind, std::string text) {
  Message m;
  m.sender = std::move(sender);
  m.timestamp_ms = at;
  m.kind = kind;
  m.text = std::move(text);
  m.raw = "{}";
  return m;
}

}  // namespace

void MemorySink::add_file(const exporting::FileInfo& file,
                          const std::function<void(exporting::FileWriter&)>& produce) {
  StringWriter writer;
  produce(writer);
  if (file.size) {
    EXPECT_EQ(*file.size, writer.text.size()) << file.path;
  }
  if (!files.emplace(file.path, std::move(writer.text)).second) duplicates.push_back(file.path);
}

exporting::Presentation cli_presentation() {
  static std::ostringstream sink_out;
  static const cli::Output plain(sink_out, sink_out, false, false);
  exporting::Presentation show;
  show.message_json = [](std::ostream& out, const catalog::MessageView& m) {
    cli::write_message_json(out, m, nullptr);
  };
  show.message_text = [](std::ostream& out, const catalog::MessageView& m) {
    cli::write_message_text(out, plain, m);
  };
  show.timestamp = cli::format_timestamp;
  show.local_minute = cli::format_local_minute;
  show.local_date = cli::format_local_date;
  return show;
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

ExportFixture::ExportFixture() {
  setenv("TZ", "UTC", 1);
  tzset();
  auto storage = std::make_unique<io::MemoryStorage>();
  io::MemoryStorage& memory = *storage;
  Vault::create_on(memory, passphrase("fixture"), fast_options());
  vault = std::make_unique<Vault>(
      Vault::open_on(std::move(storage), passphrase("fixture"), write_options()));
  catalog = std::make_unique<catalog::Catalog>(catalog::Catalog::create());

  const auto store = [&](const std::string& path, const std::string& bytes) {
    stored_files[path] = bytes;
    const ObjectId id =
        vault->put(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
    return catalog::ResolvedAttachment{id, bytes.size(), {}};
  };
  const auto beach1 = store("inbox/trip/photos/beach.jpg", "JPEG-ONE");
  const auto beach2 = store("inbox/trip/photos2/beach.jpg", "JPEG-TWO-LONGER");
  const auto clip = store("inbox/trip/videos/clip.mp4", "MP4-DATA");
  const auto evil = store("inbox/evil/photos/evil.jpg", "EVIL");
  store("inbox/trip/message_1.json", "{\"messages\": []}\n");

  catalog::SourceRecord source;
  source.platform = "instagram";
  source.export_name = "fixture.zip";
  source.imported_ms = kDay;
  source.tool_version = "test";
  const std::int64_t source_id = catalog->begin_source(source);
  for (const auto& [path, bytes] : stored_files) {
    const ObjectId id =
        vault->id_of(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
    catalog->add_file(source_id, {path, id, bytes.size(), 1565776800});
  }

  Conversation trip;
  trip.platform = "instagram";
  trip.thread_id = "trip_1";
  trip.title = "Trip <2019> & \"friends\"";
  trip.is_group = true;
  trip.participants = {{"Ana", "ana", false}, {"Bob", "bob", false}, {"Me", "me", true}};
  catalog->add_conversation(source_id, trip);
  const auto add = [&](const std::string& thread, const Message& m,
                       const std::vector<catalog::ResolvedAttachment>& resolved = {}) {
    catalog->add_message(source_id, "instagram", thread, m, resolved);
  };
  Message hello = message("Ana", kDay, MessageKind::text, "Hello, \"world\"\nsecond line");
  hello.reactions.push_back({"Bob", "\u2764", std::nullopt});
  add("trip_1", hello);
  Message photo = message("Bob", kDay + 60'000, MessageKind::media, "");
  photo.attachments.push_back(
      {AttachmentKind::photo, "inbox/trip/photos/beach.jpg", "beach.jpg", std::nullopt});
  add("trip_1", photo, {beach1});
  Message script = message("Me", kDay + 120'000, MessageKind::text, "<script>alert(1)</script>");
  script.reply_to = "Hello";
  add("trip_1", script);
  Message share = message("Ana", kDay + 180'000, MessageKind::share, "Look");
  share.share = Share{"https://example.com/x?a=1&b=2", "A page", "someone"};
  add("trip_1", share);
  Message bad_link = message("Ana", kDay + 190'000, MessageKind::share, "");
  bad_link.share = Share{"javascript:alert(1)", "click", ""};
  add("trip_1", bad_link);
  add("trip_1", message("", kDay + 240'000, MessageKind::system, "Ana named the group"));
  Message media = message("Bob", kDay + 86'400'000, MessageKind::media, "two, files");
  media.attachments.push_back(
      {AttachmentKind::video, "inbox/trip/videos/clip.mp4", "clip.mp4", std::nullopt});
  media.attachments.push_back(
      {AttachmentKind::photo, "inbox/trip/photos2/beach.jpg", "beach.jpg", std::nullopt});
  add("trip_1", media, {clip, beach2});

  Conversation hostile;
  hostile.platform = "instagram";
  hostile.thread_id = "evil_2";
  hostile.title = "../../etc/passwd\x1b[31m";
  hostile.participants = {{"Eve", "eve", false}, {"Me", "me", true}};
  catalog->add_conversation(source_id, hostile);
  Message eve = message("Eve", kDay + 2 * 86'400'000, MessageKind::media, "hi");
  eve.attachments.push_back(
      {AttachmentKind::photo, "inbox/evil/photos/evil.jpg", "../../x/\x01.bashrc", std::nullopt});
  eve.attachments.push_back(
      {AttachmentKind::photo, "inbox/evil/gone.jpg", "gone.jpg", std::nullopt});
  add("evil_2", eve, {evil, catalog::ResolvedAttachment{std::nullopt, 0, {}}});

  source.messages_added = 8;
  catalog->finish_source(source_id, source);
  import::store_catalog(*vault, *catalog);
  vault->commit();
}

ExportFixture::~ExportFixture() = default;

MemorySink ExportFixture::run(exporting::Format format, const exporting::Selection& selection,
                              std::size_t page_size) {
  exporting::ExportRequest request;
  request.format = format;
  request.selection = selection;
  request.presentation = cli_presentation();
  request.page_size = page_size;
  MemorySink sink;
  exporting::export_vault(*vault, *catalog, request, sink);
  EXPECT_TRUE(sink.finished);
  EXPECT_TRUE(sink.duplicates.empty());
  return sink;
}

}  // namespace dmvault::testing
