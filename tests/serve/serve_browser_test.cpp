// The viewer end to end in real headless Chromium (Debian's chromium; skipped where it is not
// installed): the printed URL opens the page (token -> cookie -> redirect), the conversations
// are listed, #/search shows the planted word's hit highlighted, a conversation shows its photo
// decoded by the browser (naturalWidth > 0, which the page records as data-loaded="1"), the
// statistics page draws its charts, and a screenshot is a real PNG.
#include "cli/vault_fixture.hpp"
#include "serve/serve_process.hpp"
#include "serve/test_png.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <httplib.h>
#include <iterator>
#include <unistd.h>

namespace dmvault {
namespace {

namespace fs = std::filesystem;

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

constexpr const char* kChromium = "/usr/bin/chromium";
constexpr const char* kPlanted = "zanzibarquokka";

// Chromium with a throw-away profile; its stdout (the DOM for --dump-dom).
std::string chromium(const fs::path& profile, const std::vector<std::string>& args,
                     const std::string& url) {
  std::string command = std::string("timeout 180 ") + kChromium +
                        " --headless --no-sandbox --disable-gpu --no-first-run"
                        " --disable-extensions --disable-background-networking"
                        " --virtual-time-budget=15000 --user-data-dir='" +
                        profile.string() + "'";
  for (const std::string& arg : args) command += " '" + arg + "'";
  command += " '" + url + "' 2>/dev/null";
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  pclose(pipe);
  return out;
}

TEST(ServeBrowser, ChromiumShowsConversationsSearchAndAPhoto) {
  if (access(kChromium, X_OK) != 0) GTEST_SKIP() << "chromium is not installed";
  testing::VaultFixture vault("serve-browser", {{"TZ", "UTC"}}, {"--timezone", "UTC"});
  const fs::path export_dir = vault.dir() / "export";
  fs::create_directories(export_dir);
  std::ofstream(export_dir / "WhatsApp Chat with Bo.txt")
      << "11/13/24, 12:05 PM - Bo: IMG-20241113-WA0001.png (file attached)\n"
      << "lunch at the market\n"
      << "11/13/24, 12:06 PM - Sam: the " << kPlanted << " is back\n"
      << "11/14/24, 9:00 PM - Bo: see you tomorrow\n";
  std::ofstream(export_dir / "IMG-20241113-WA0001.png", std::ios::binary) << testing::test_png();
  const auto imported = vault.import(export_dir);
  ASSERT_EQ(imported.status, 0) << imported.err;

  testing::ServeProcess serve(
      {"serve", vault.vault().string(), "--passphrase-file", vault.pass().string()});
  ASSERT_TRUE(serve.started()) << serve.err();
  httplib::Client client("127.0.0.1", serve.port());
  const auto list = client.Get("/api/conversations?token=" + serve.token());
  ASSERT_TRUE(list);
  const std::size_t id_at = list->body.find("\"id\":");
  ASSERT_NE(id_at, std::string::npos) << list->body;
  const std::string id = std::to_string(std::stoll(list->body.substr(id_at + 5)));

  const fs::path profile = vault.dir() / "chromium-profile";
  // The printed URL: the conversations are listed.
  const std::string home = chromium(profile / "1", {"--dump-dom"}, serve.url());
  ASSERT_FALSE(home.empty()) << "chromium printed nothing";
  EXPECT_NE(home.find("data-state=\"ready\""), std::string::npos) << home;
  EXPECT_NE(home.find("data-conversation=\"" + id + "\""), std::string::npos) << home;
  EXPECT_NE(home.find(">Bo<"), std::string::npos) << home;

  // Search by URL: the hit is shown with the word highlighted, linked to its message.
  const std::string search =
      chromium(profile / "2", {"--dump-dom"}, serve.url() + "#/search?q=" + kPlanted);
  EXPECT_NE(search.find("data-state=\"ready\""), std::string::npos) << search;
  EXPECT_NE(search.find(std::string("<mark>") + kPlanted + "</mark>"), std::string::npos) << search;
  EXPECT_NE(search.find("1 match"), std::string::npos) << search;

  // The conversation: the photo decoded in the browser.
  const std::string conversation =
      chromium(profile / "3", {"--dump-dom"}, serve.url() + "#/c/" + id);
  EXPECT_NE(conversation.find("data-state=\"ready\""), std::string::npos) << conversation;
  EXPECT_NE(conversation.find("<img"), std::string::npos) << conversation;
  EXPECT_NE(conversation.find("data-loaded=\"1\""), std::string::npos) << conversation;
  EXPECT_NE(conversation.find("lunch at the market"), std::string::npos) << conversation;

  // The statistics page draws its canvases.
  const std::string stats = chromium(profile / "4", {"--dump-dom"}, serve.url() + "#/stats");
  EXPECT_NE(stats.find("data-state=\"ready\""), std::string::npos) << stats;
  EXPECT_NE(stats.find("id=\"chart-months\""), std::string::npos) << stats;
  EXPECT_NE(stats.find("3 messages"), std::string::npos) << stats;

  const fs::path shot = vault.dir() / "shot.png";
  chromium(profile / "5", {"--screenshot=" + shot.string(), "--window-size=1200,900"},
           serve.url() + "#/c/" + id);
  ASSERT_TRUE(fs::exists(shot));
  const std::string png = read_bytes(shot);
  EXPECT_GT(png.size(), 2000U);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1A\n", 8));

  EXPECT_EQ(serve.stop(SIGINT), 0) << serve.err();
}

}  // namespace
}  // namespace dmvault
