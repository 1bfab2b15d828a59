// dmvault serve at the HTTP level, on a generated Instagram export: the token and the session
// cookie guard everything, the Host header is checked, the security headers are on every
// answer, media answer range requests with the medium's bytes, the API finds planted words and
// pages through whole conversations, the statistics equal the generator's ground truth, the
// viewer listens on 127.0.0.1 only, stops cleanly and locks when idle, and writes no file.
#include "cli/generated_export.hpp"
#include "cli/vault_fixture.hpp"
#include "serve/serve_process.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <csignal>
#include <cstring>
#include <fstream>
#include <httplib.h>
#include <ifaddrs.h>
#include <map>
#include <netinet/in.h>
#include <set>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace dmvault {
namespace {

namespace fs = std::filesystem;
using testing::ServeProcess;

struct Planted {
  std::string word;
  std::uint64_t count = 0;
};

struct Truth {
  std::uint64_t conversations = 0;
  std::uint64_t messages = 0;
  std::uint64_t system_messages = 0;
  std::uint64_t attachments = 0;
  std::multiset<std::uint64_t> thread_messages;  // messages per thread
  std::map<std::string, std::uint64_t> planted;  // word -> occurrences
};

testing::VaultFixture* s_vault = nullptr;
fs::path* s_export = nullptr;
Truth* s_truth = nullptr;

class ServeHttp : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    s_vault = new testing::VaultFixture("serve");
    s_export = new fs::path(s_vault->dir() / "export");
    const fs::path truth_path = s_vault->dir() / "truth.json";
    ASSERT_EQ(testing::run_generator({"--out", s_export->string(), "--truth", truth_path.string(),
                                      "--conversations", "6", "--messages", "900", "--media-bytes",
                                      "400K", "--seed", "21", "--quiet"}),
              0);
    const auto r = s_vault->import(*s_export);
    ASSERT_EQ(r.status, 0) << r.err;

    s_truth = new Truth;
    simdjson::dom::parser parser;
    const std::string json = testing::read_file(truth_path);
    simdjson::dom::element doc = parser.parse(json);
    s_truth->conversations = doc["conversations"].get_uint64().value();
    s_truth->messages = doc["messages"].get_uint64().value();
    s_truth->system_messages = doc["system_messages"].get_uint64().value();
    s_truth->attachments = doc["attachments"].get_uint64().value();
    for (simdjson::dom::element t : doc["threads"].get_array()) {
      s_truth->thread_messages.insert(t["messages"].get_uint64().value());
    }
    for (simdjson::dom::element p : doc["planted"].get_array()) {
      ++s_truth->planted[std::string(p["word"].get_string().value())];
    }
  }
  static void TearDownTestSuite() {
    delete s_truth;
    delete s_export;
    delete s_vault;
    s_truth = nullptr;
    s_export = nullptr;
    s_vault = nullptr;
  }
  void SetUp() override { ASSERT_NE(s_truth, nullptr) << "the suite's setup failed"; }

  static std::vector<std::string> serve_args(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"serve", s_vault->vault().string(), "--passphrase-file",
                                  s_vault->pass().string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
};

// Percent-encodes everything but unreserved ASCII (planted words hold accents).
std::string url_encode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

// GET with the token in the query (the way scripts use the API).
httplib::Result get_with_token(httplib::Client& client, const ServeProcess& p,
                               const std::string& path) {
  const char sep = path.find('?') == std::string::npos ? '?' : '&';
  return client.Get(path + sep + "token=" + p.token());
}

simdjson::dom::element parse(simdjson::dom::parser& parser, const httplib::Result& r) {
  return parser.parse(r->body);
}

void expect_security_headers(const httplib::Result& r) {
  ASSERT_TRUE(r);
  const std::string csp = r->get_header_value("Content-Security-Policy");
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("http"), std::string::npos) << "no external source: " << csp;
  EXPECT_EQ(r->get_header_value("Cache-Control"), "no-store");
  EXPECT_EQ(r->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(r->get_header_value("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(r->get_header_value("X-Frame-Options"), "DENY");
}

TEST_F(ServeHttp, EveryRequestWithoutTokenOrCookieIsForbidden) {
  ServeProcess p(serve_args());
  ASSERT_TRUE(p.started()) << p.err();
  EXPECT_EQ(p.token().size(), 64U);
  EXPECT_EQ(p.url(), "http://127.0.0.1:" + std::to_string(p.port()) + "/?token=" + p.token());
  httplib::Client client("127.0.0.1", p.port());
  for (const std::string path : {"/", "/index.html", "/app.js", "/api/conversations", "/api/stats",
                                 "/api/search?q=a", "/nothing"}) {
    const auto r = client.Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 403) << path;
    EXPECT_EQ(r->body.find("conversations\":"), std::string::npos) << path;
    expect_security_headers(r);
  }
  // A wrong token, a token one character short, a forged cookie.
  std::string wrong = p.token();
  wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
  EXPECT_EQ(client.Get("/api/conversations?token=" + wrong)->status, 403);
  EXPECT_EQ(client.Get("/api/conversations?token=" + p.token().substr(1))->status, 403);
  EXPECT_EQ(client.Get("/api/conversations", {{"Cookie", "dmvault_session=" + p.token()}})->status,
            403);
  // Another run's token does not open this one.
  ServeProcess other(serve_args());
  ASSERT_TRUE(other.started()) << other.err();
  EXPECT_NE(other.token(), p.token());
  EXPECT_EQ(client.Get("/api/conversations?token=" + other.token())->status, 403);

  const auto ok = get_with_token(client, p, "/api/conversations");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  simdjson::dom::parser parser;
  EXPECT_EQ(parse(parser, ok)["conversations"].get_array().size(), s_truth->conversations);
  EXPECT_EQ(p.stop(SIGINT), 0) << p.err();
  EXPECT_EQ(other.stop(SIGTERM), 0) << other.err();
}

TEST_F(ServeHttp, TheTokenIsTradedForASessionCookie) {
  ServeProcess p(serve_args());
  ASSERT_TRUE(p.started()) << p.err();
  httplib::Client client("127.0.0.1", p.port());
  const auto redirect = client.Get("/?token=" + p.token());
  ASSERT_TRUE(redirect);
  EXPECT_EQ(redirect->status, 303);
  EXPECT_EQ(redirect->get_header_value("Location"), "/");
  expect_security_headers(redirect);
  const std::string cookie = redirect->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos) << cookie;
  EXPECT_EQ(cookie.find(p.token()), std::string::npos) << "the cookie is not the token";
  const std::string session = cookie.substr(0, cookie.find(';'));
  ASSERT_TRUE(session.starts_with("dmvault_session=")) << cookie;

  const httplib::Headers with_cookie{{"Cookie", session}};
  const auto page = client.Get("/", with_cookie);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Content-Type").rfind("text/html", 0), 0U);
  expect_security_headers(page);
  // The CSP holds: no inline script or handler in the page.
  EXPECT_EQ(page->body.find("<script>"), std::string::npos);
  EXPECT_NE(page->body.find("<script src=\"/app.js\""), std::string::npos);
  EXPECT_EQ(page->body.find(" onclick="), std::string::npos);
  for (const std::string asset : {"/app.js", "/app.css"}) {
    const auto r = client.Get(asset, with_cookie);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << asset;
    EXPECT_GT(r->body.size(), 1000U) << asset;
    EXPECT_EQ(r->body.find("http://"), std::string::npos) << asset << ": no external resource";
    EXPECT_EQ(r->body.find("https://"), std::string::npos) << asset << ": no external resource";
  }
  const auto api = client.Get("/api/conversations", {{"Cookie", "theme=dark; " + session}});
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 200);
  EXPECT_EQ(api->get_header_value("Cache-Control"), "no-store");
  EXPECT_EQ(p.stop(SIGINT), 0) << p.err();
}

TEST_F(ServeHttp, TheHostHeaderMustNameTheViewer) {
  ServeProcess p(serve_args());
  ASSERT_TRUE(p.started()) << p.err();
  httplib::Client client("127.0.0.1", p.port());
  const std::string port = std::to_string(p.port());
  const std::string path = "/api/conversations?token=" + p.token();
  // DNS rebinding: a page of evil.example whose name now points at 127.0.0.1.
  for (const std::string& host :
       std::vector<std::string>{"evil.example:" + port, "evil.example", "127.0.0.1", "127.0.0.1:1",
                                "localhost.evil.example:" + port}) {
    const auto r = client.Get(path, {{"Host", host}});
    ASSERT_TRUE(r) << host;
    EXPECT_EQ(r->status, 403) << host;
  }
  for (const std::string& host :
       std::vector<std::string>{"127.0.0.1:" + port, "localhost:" + port}) {
    const auto r = client.Get(path, {{"Host", host}});
    ASSERT_TRUE(r) << host;
    EXPECT_EQ(r->status, 200) << host;
  }
  EXPECT_EQ(p.stop(SIGINT), 0);
}

// A local address other than loopback, if this machine has one.
std::optional<std::string> other_local_address() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return std::nullopt;
  std::optional<std::string> found;
  for (ifaddrs* a = list; a != nullptr && !found; a = a->ifa_next) {
    if (a->ifa_addr == nullptr || a->ifa_addr->sa_family != AF_INET) continue;
    sockaddr_in in{};
    std::memcpy(&in, a->ifa_addr, sizeof in);
    if ((ntohl(in.sin_addr.s_addr) >> 24) == 127) continue;
    char text[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, &in.sin_addr, text, sizeof text);
    found = text;
  }
  freeifaddrs(list);
  return found;
}

bool can_connect(const std::string& address, int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in in{};
  in.sin_family = AF_INET;
  in.sin_port = htons(static_cast<std::uint16_t>(port));
  inet_pton(AF_INET, address.c_str(), &in.sin_addr);
  sockaddr addr{};
  std::memcpy(&addr, &in, sizeof in);
  const bool ok = connect(fd, &addr, sizeof in) == 0;
  close(fd);
  return ok;
}

TEST_F(ServeHttp, ListensOnLoopbackOnlyUnlessToldWithAWarning) {
  {
    ServeProcess p(serve_args());
    ASSERT_TRUE(p.started()) << p.err();
    EXPECT_TRUE(p.url().starts_with("http://127.0.0.1:"));
    EXPECT_TRUE(can_connect("127.0.0.1", p.port()));
    if (const auto other = other_local_address()) {
      EXPECT_FALSE(can_connect(*other, p.port())) << *other;
    }
    EXPECT_EQ(p.err().find("warning"), std::string::npos) << p.err();
    EXPECT_EQ(p.stop(SIGINT), 0);
  }
  {
    // A host name is refused (exit 2, usage) and nothing listens.
    ServeProcess p(serve_args({"--listen", "example.com"}));
    EXPECT_FALSE(p.started());
    EXPECT_EQ(p.wait_exit(std::chrono::seconds(30)), 2);
    EXPECT_NE(p.err().find("not an IP address"), std::string::npos) << p.err();
  }
  {
    ServeProcess p(serve_args({"--listen", "0.0.0.0"}));
    ASSERT_TRUE(p.started()) << p.err();
    EXPECT_NE(p.err().find("warning: --listen 0.0.0.0"), std::string::npos) << p.err();
    EXPECT_TRUE(can_connect("127.0.0.1", p.port()));
    EXPECT_EQ(p.stop(SIGINT), 0);
  }
  {
    // Another loopback address is no exposure: no warning.
    ServeProcess p(serve_args({"--listen", "127.0.0.2"}));
    ASSERT_TRUE(p.started()) << p.err();
    EXPECT_EQ(p.err().find("warning"), std::string::npos) << p.err();
    EXPECT_EQ(p.stop(SIGINT), 0);
  }
}

struct Medium {
  std::string id;
  std::string kind;
  std::uint64_t size = 0;
};

// The media of the first page of every conversation.
std::vector<Medium> media_of(httplib::Client& client, const ServeProcess& p) {
  std::vector<Medium> out;
  simdjson::dom::parser parser;
  const auto list = get_with_token(client, p, "/api/conversations");
  const std::string list_body = list->body;
  simdjson::dom::parser list_parser;
  for (simdjson::dom::element c : list_parser.parse(list_body)["conversations"].get_array()) {
    const auto page = get_with_token(
        client, p,
        "/api/messages?limit=1000&conversation=" + std::to_string(c["id"].get_int64().value()));
    for (simdjson::dom::element m : parser.parse(page->body)["messages"].get_array()) {
      for (simdjson::dom::element a : m["attachments"].get_array()) {
        std::string_view id;
        if (a["media"].get_string().get(id) != simdjson::SUCCESS) continue;
        out.push_back({std::string(id), std::string(a["kind"].get_string().value()),
                       a["size"].get_uint64().value()});
      }
    }
  }
  return out;
}

TEST_F(ServeHttp, MediaAnswerRangeRequestsWithTheMediumsBytes) {
  ServeProcess p(serve_args());
  ASSERT_TRUE(p.started()) << p.err();
  httplib::Client client("127.0.0.1", p.port());
  const std::vector<Medium> media = media_of(client, p);
  ASSERT_FALSE(media.empty());
  // The stored files of the export, to compare what is served with.
  std::set<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(*s_export)) {
    if (entry.is_regular_file() && entry.path().extension() != ".json") {
      files.insert(testing::read_file(entry.path()));
    }
  }
  std::set<std::string> kinds;
  for (const Medium& medium : media) {
    if (medium.size < 200 || kinds.contains(medium.kind)) continue;
    kinds.insert(medium.kind);
    const std::string path = "/api/media/" + medium.id + "?token=" + p.token();
    const auto full = client.Get(path);
    ASSERT_TRUE(full);
    EXPECT_EQ(full->status, 200);
    EXPECT_EQ(full->body.size(), medium.size);
    EXPECT_TRUE(files.contains(full->body)) << medium.kind << ": not a file of the export";
    EXPECT_EQ(full->get_header_value("Accept-Ranges"), "bytes");
    expect_security_headers(full);
    const std::string type = full->get_header_value("Content-Type");
    if (medium.kind == "photo") {
      EXPECT_EQ(type, "image/jpeg");
    } else if (medium.kind == "video") {
      EXPECT_EQ(type, "video/mp4");
    }

    const auto part = client.Get(path, {{"Range", "bytes=100-199"}});
    ASSERT_TRUE(part);
    EXPECT_EQ(part->status, 206) << medium.kind;
    EXPECT_EQ(part->get_header_value("Content-Range"),
              "bytes 100-199/" + std::to_string(medium.size));
    EXPECT_EQ(part->body, full->body.substr(100, 100));
    const auto tail = client.Get(path, {{"Range", "bytes=-50"}});
    ASSERT_TRUE(tail);
    EXPECT_EQ(tail->status, 206);
    EXPECT_EQ(tail->body, full->body.substr(full->body.size() - 50));
    const auto open_end = client.Get(path, {{"Range", "bytes=150-"}});
    ASSERT_TRUE(open_end);
    EXPECT_EQ(open_end->status, 206);
    EXPECT_EQ(open_end->body, full->body.substr(150));
  }
  EXPECT_TRUE(kinds.contains("photo"));
  // An id that is no content of the vault, and one that is not an id.
  const auto missing = client.Get("/api/media/" + std::string(64, '0') + "?token=" + p.token());
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(client.Get("/api/media/xyz?token=" + p.token())->status, 404);
  EXPECT_EQ(p.stop(SIGINT), 0);
}

TEST_F(ServeHttp, SearchFindsEveryPlantedWord) {
  ServeProcess p(serve_args());
  ASSERT_TRUE(p.started()) << p.err();
  httplib::Client client("127.0.0.1", p.port());
  ASSERT_FALSE(s_truth->planted.empty());
  simdjson::dom::parser parser;
  for (const auto& [word, count] : s_truth->planted) {
    const auto r =
        client.Get("/api/search?limit=100&q=" + url_encode(word) + "&token=" + p.token());
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << word << ": " << r->body;
    simdjson::dom::element doc = parse(parser, r);
    EXPECT_EQ(doc["total"].get_uint64().value(), count) << word;
    EXPECT_EQ(doc["hits"].get_array().size(), count) << word;
    for (simdjson::dom::element hit : doc["hits"].get_array()) {
      const std::string_view text = hit["text"].get_string().value();
      EXPECT_NE(text.find(word), std::string_view::npos) << word;
      const std::string_view snippet = hit["snippet"].get_string().value();
      EXPECT_NE(snippet.find('\x02'), std::string_view::npos) << snippet;
      EXPECT_NE(snippet.find('\x03'), std::string_view::npos) << snippet;
      // The hit opens in its conversation at its message.
      const std::int64_t id = hit["message_id"].get_int64().value();
      const auto page =
          get_with_token(client, p,
                         "/api/messages?limit=20&conversation=" +
                             std::to_string(hit["conversation_id"].get_int64().value()) +
                             "&at=" + std::to_string(id));
      simdjson::dom::parser page_parser;
      bool found = false;
      for (simdjson::dom::element m : page_parser.parse(page->body)["messages"].get_array()) {
        found = found || m["message_id"].get_int64().value() == id;
      }
      EXPECT_TRUE(found) << word;
    }
  }
  // The query language, and its mistakes as 400 with a JSON error.
  const auto photos = get_with_token(client, p, "/api/search?q=has%3Aphoto&limit=1");
  ASSERT_TRUE(photos);
  EXPECT_EQ(photos->status, 200);
  EXPECT_GT(parse(parser, photos)["total"].get_uint64().value(), 0U);
  const auto bad = get_with_token(client, p, "/api/search?q=%22unclosed");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("\"error\""), std::string::npos);
  EXPECT_EQ(p.stop(SIGINT), 0);
}

TEST_F(ServeHttp, PagesWalkWholeConversationsBothWays) {
  ServeProcess p(serve_args());
  ASSERT_TRUE(p.started()) << p.err();
  httplib::Client client("127.0.0.1", p.port());
  const auto list = get_with_token(client, p, "/api/conversations");
  simdjson::dom::parser list_parser;
  simdjson::dom::parser parser;
  for (simdjson::dom::element c : list_parser.parse(list->body)["conversations"].get_array()) {
    const std::string id = std::to_string(c["id"].get_int64().value());
    const std::uint64_t total = c["messages"].get_uint64().value();
    const std::string base = "/api/messages?limit=7&conversation=" + id;
    // Backwards from the newest.
    std::vector<std::int64_t> backwards;
    std::string anchor;
    for (;;) {
      const auto r = get_with_token(client, p, base + anchor);
      ASSERT_EQ(r->status, 200) << r->body;
      simdjson::dom::element doc = parse(parser, r);
      std::vector<std::int64_t> page;
      for (simdjson::dom::element m : doc["messages"].get_array()) {
        page.push_back(m["message_id"].get_int64().value());
      }
      ASSERT_LE(page.size(), 7U);
      backwards.insert(backwards.begin(), page.begin(), page.end());
      if (!doc["more_before"].get_bool().value()) break;
      ASSERT_FALSE(page.empty());
      anchor = "&before=" + std::to_string(page.front());
    }
    EXPECT_EQ(backwards.size(), total) << "conversation " << id;
    EXPECT_TRUE(std::is_sorted(backwards.begin(), backwards.end()));
    EXPECT_EQ(std::adjacent_find(backwards.begin(), backwards.end()), backwards.end());
    // Forwards from the oldest gives the same messages.
    std::vector<std::int64_t> forwards;
    anchor = "&after=" + std::to_string(backwards.front() - 1);
    for (;;) {
      const auto r = get_with_token(client, p, base + anchor);
      simdjson::dom::element doc = parse(parser, r);
      for (simdjson::dom::element m : doc["messages"].get_array()) {
        forwards.push_back(m["message_id"].get_int64().value());
      }
      if (!doc["more_after"].get_bool().value()) break;
      anchor = "&after=" + std::to_string(forwards.back());
    }
    EXPECT_EQ(forwards, backwards) << "conversation " << id;
  }
  const auto bad = get_with_token(client, p, "/api/messages?conversation=x");
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(p.stop(SIGINT), 0);
}

TEST_F(ServeHttp, StatisticsEqualTheGroundTruth) {
  const auto cli = s_vault->dm({"stats", s_vault->vault().string(), "--json"});
  ASSERT_EQ(cli.status, 0) << cli.err;
  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(cli.out);
  simdjson::dom::element totals = doc["totals"];
  EXPECT_EQ(totals["conversations"].get_uint64().value(), s_truth->conversations);
  EXPECT_EQ(totals["messages"].get_uint64().value(), s_truth->messages);
  EXPECT_EQ(totals["system_messages"].get_uint64().value(), s_truth->system_messages);
  EXPECT_EQ(totals["attachments"].get_uint64().value(), s_truth->attachments);
  std::uint64_t media = 0;
  for (const auto field : doc["media"].get_object()) media += field.value.get_uint64().value();
  EXPECT_EQ(media, s_truth->attachments);
  std::multiset<std::uint64_t> per_thread;
  std::uint64_t by_month_sum = 0;
  for (simdjson::dom::element c : doc["per_conversation"].get_array()) {
    per_thread.insert(c["messages"].get_uint64().value());
    for (const auto field : c["by_month"].get_object()) {
      by_month_sum += field.value.get_uint64().value();
    }
  }
  EXPECT_EQ(per_thread, s_truth->thread_messages);
  EXPECT_EQ(by_month_sum, s_truth->messages);
  std::uint64_t people = 0;
  for (simdjson::dom::element person : doc["per_person"].get_array()) {
    people += person["messages"].get_uint64().value();
  }
  EXPECT_EQ(people, s_truth->messages);
  std::uint64_t hours = 0;
  for (simdjson::dom::element h : doc["hours"].get_array()) hours += h.get_uint64().value();
  EXPECT_EQ(hours, s_truth->messages);
  std::uint64_t days = 0;
  for (simdjson::dom::element d : doc["weekdays"].get_array()) days += d.get_uint64().value();
  EXPECT_EQ(days, s_truth->messages);
  EXPECT_EQ(doc["hours"].get_array().size(), 24U);
  EXPECT_EQ(doc["weekdays"].get_array().size(), 7U);
  EXPECT_FALSE(doc["top_words"].get_array().size() == 0);

  // The viewer serves the same document.
  ServeProcess p(serve_args());
  ASSERT_TRUE(p.started()) << p.err();
  httplib::Client client("127.0.0.1", p.port());
  const auto api = get_with_token(client, p, "/api/stats");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 200);
  EXPECT_EQ(api->body, cli.out);
  EXPECT_EQ(p.stop(SIGINT), 0);

  // One conversation: its own numbers.
  simdjson::dom::element first = doc["per_conversation"].at(0);
  const std::string id = std::to_string(first["id"].get_int64().value());
  const auto one =
      s_vault->dm({"stats", s_vault->vault().string(), "--json", "--conversation", id});
  ASSERT_EQ(one.status, 0) << one.err;
  simdjson::dom::parser one_parser;
  EXPECT_EQ(one_parser.parse(one.out)["totals"]["messages"].get_uint64().value(),
            first["messages"].get_uint64().value());
  const auto text = s_vault->dm({"stats", s_vault->vault().string()});
  ASSERT_EQ(text.status, 0) << text.err;
  EXPECT_NE(text.out.find(std::to_string(s_truth->messages) + " messages"), std::string::npos)
      << text.out;
  EXPECT_EQ(s_vault->dm({"stats", s_vault->vault().string(), "--conversation", "999999"}).status,
            2);
}

TEST_F(ServeHttp, StopsOnSignalsAndLocksWhenIdle) {
  {
    ServeProcess p(serve_args());
    ASSERT_TRUE(p.started()) << p.err();
    EXPECT_EQ(p.stop(SIGTERM), 0) << p.err();
  }
  {
    ServeProcess p(serve_args({"--idle-timeout", "1s"}));
    ASSERT_TRUE(p.started()) << p.err();
    EXPECT_EQ(p.wait_exit(std::chrono::seconds(20)), 0) << p.err();
    EXPECT_NE(p.err().find("locked after 1s"), std::string::npos) << p.err();
  }
  {
    // Requests keep it open: 3 requests 600 ms apart outlast a 1 s timeout.
    ServeProcess p(serve_args({"--idle-timeout", "1"}));
    ASSERT_TRUE(p.started()) << p.err();
    httplib::Client client("127.0.0.1", p.port());
    for (int i = 0; i < 3; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(600));
      const auto r = get_with_token(client, p, "/api/conversations");
      ASSERT_TRUE(r) << i;
      EXPECT_EQ(r->status, 200);
    }
    EXPECT_EQ(p.wait_exit(std::chrono::seconds(20)), 0) << p.err();
  }
  ServeProcess bad(serve_args({"--idle-timeout", "soon"}));
  EXPECT_EQ(bad.wait_exit(std::chrono::seconds(30)), 2);
}

// Under strace: every file the viewer opens while it is browsed is opened read-only, and no
// file is created, renamed, removed or truncated.
TEST_F(ServeHttp, BrowsingWritesNoFile) {
  if (access("/usr/bin/strace", X_OK) != 0) GTEST_SKIP() << "strace is not installed";
  const fs::path log = s_vault->dir() / "strace.log";
  std::vector<std::string> wrapper{"/usr/bin/strace",
                                   "-f",
                                   "-qq",
                                   "-o",
                                   log.string(),
                                   "-e",
                                   "trace=open,openat,openat2,creat,rename,renameat,renameat2,"
                                   "unlink,unlinkat,mkdir,mkdirat,truncate,ftruncate,link,"
                                   "linkat,symlink,symlinkat"};
  // LeakSanitizer cannot run under ptrace (sanitizer builds): leaks are checked by the other
  // tests, which run the viewer untraced.
  ServeProcess p(serve_args(), {{"TZ", "UTC"}, {"ASAN_OPTIONS", "detect_leaks=0"}}, wrapper);
  if (!p.started() && p.err().find("ptrace") != std::string::npos) {
    GTEST_SKIP() << "ptrace is not permitted here: " << p.err();
  }
  ASSERT_TRUE(p.started()) << p.err();
  const std::string marker = "serve started";
  std::ofstream(log.string() + ".mark") << marker;  // the test's own write, not the viewer's
  httplib::Client client("127.0.0.1", p.port());
  ASSERT_EQ(client.Get("/?token=" + p.token())->status, 303);
  EXPECT_EQ(get_with_token(client, p, "/api/conversations")->status, 200);
  EXPECT_EQ(get_with_token(client, p, "/api/stats")->status, 200);
  EXPECT_EQ(get_with_token(client, p, "/api/search?q=has%3Aphoto")->status, 200);
  const std::vector<Medium> media = media_of(client, p);
  ASSERT_FALSE(media.empty());
  EXPECT_EQ(get_with_token(client, p, "/api/media/" + media.front().id)->status, 200);
  // Ctrl-C goes to the viewer itself (strace would pass it on as its own death).
  const std::string children = testing::read_file("/proc/" + std::to_string(p.pid()) + "/task/" +
                                                  std::to_string(p.pid()) + "/children");
  ASSERT_FALSE(children.empty());
  ASSERT_EQ(kill(std::stoi(children), SIGINT), 0);
  EXPECT_EQ(p.wait_exit(std::chrono::seconds(30)), 0) << p.err();

  const std::string trace = testing::read_file(log);
  ASSERT_FALSE(trace.empty());
  std::size_t opens = 0;
  for (const std::string& line : testing::lines_of(trace)) {
    if (line.find("open") != std::string::npos && line.find("= -1") == std::string::npos) {
      ++opens;
      EXPECT_EQ(line.find("O_WRONLY"), std::string::npos) << line;
      EXPECT_EQ(line.find("O_RDWR"), std::string::npos) << line;
      EXPECT_EQ(line.find("O_CREAT"), std::string::npos) << line;
      EXPECT_EQ(line.find("O_TRUNC"), std::string::npos) << line;
    }
    for (const char* call :
         {"creat(", "rename", "unlink", "mkdir", "truncate(", "link(", "linkat(", "symlink"}) {
      EXPECT_EQ(line.find(call), std::string::npos) << line;
    }
  }
  EXPECT_GT(opens, 0U) << "strace saw the opens";
}

}  // namespace
}  // namespace dmvault
