#include "serve/server.hpp"

#include "crypto/crypto.hpp"
#include "dmvault/error.hpp"
#include "query/query.hpp"
#include "serve/api_json.hpp"
#include "serve/assets.hpp"
#include "serve/media_type.hpp"
#include "stats/stats.hpp"
#include "util/hex.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <atomic>
#include <charconv>
#include <condition_variable>
#include <httplib.h>
#include <limits>
#include <mutex>
#include <optional>
#include <sstream>
#include <string_view>
#include <thread>

namespace dmvault::serve {

namespace {

constexpr std::string_view kCookieName = "dmvault_session";
constexpr std::size_t kDefaultPage = 100;
constexpr std::size_t kMaxPage = 1000;
constexpr std::size_t kDefaultHits = 100;
constexpr std::size_t kMaxHits = 5000;

constexpr const char* kCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; "
    "media-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

std::string random_hex(std::size_t bytes) {
  std::vector<std::uint8_t> raw(bytes);
  crypto::random_bytes(raw);
  std::string hex = util::hex_encode(raw);
  explicit_bzero(raw.data(), raw.size());
  return hex;
}

// Constant-time comparison: how much of a guess matches must not show in the response time.
bool same_secret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    diff = static_cast<unsigned char>(
        diff | (static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i])));
  }
  return diff == 0;
}

std::optional<std::string_view> cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const std::size_t end = header.find(';');
    std::string_view pair = header.substr(0, end);
    header = end == std::string_view::npos ? std::string_view{} : header.substr(end + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.size() > name.size() && pair.starts_with(name) && pair[name.size()] == '=') {
      return pair.substr(name.size() + 1);
    }
  }
  return std::nullopt;
}

std::optional<std::int64_t> int_param(const httplib::Request& req, const char* name) {
  if (!req.has_param(name)) return std::nullopt;
  const std::string text = req.get_param_value(name);
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) {
    throw Error(ErrorCode::usage, std::string(name) + ": '" + text + "' is not a number");
  }
  return value;
}

std::size_t limit_param(const httplib::Request& req, std::size_t fallback, std::size_t max) {
  const std::optional<std::int64_t> limit = int_param(req, "limit");
  if (!limit) return fallback;
  if (*limit <= 0) throw Error(ErrorCode::usage, "limit: must be at least 1");
  return std::min(static_cast<std::size_t>(*limit), max);
}

void send_json(httplib::Response& res, const std::string& body, int status = 200) {
  res.status = status;
  res.set_content(body, "application/json; charset=utf-8");
}

void send_error(httplib::Response& res, int status, std::string_view message) {
  std::ostringstream out;
  write_error_json(out, message);
  send_json(res, out.str(), status);
}

}  // namespace

bool is_loopback(const std::string& address) {
  in_addr v4{};
  if (inet_pton(AF_INET, address.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, address.c_str(), &v6) == 1) {
    static const in6_addr loopback = IN6ADDR_LOOPBACK_INIT;
    return std::equal(std::begin(v6.s6_addr), std::end(v6.s6_addr), std::begin(loopback.s6_addr));
  }
  return false;
}

class Server::Impl {
 public:
  Impl(const Vault& vault, catalog::Catalog& catalog, ServeOptions options)
      : m_vault(vault),
        m_catalog(catalog),
        m_options(std::move(options)),
        m_token(random_hex(32)),
        m_session(random_hex(32)) {
    in_addr v4{};
    in6_addr v6{};
    const bool is_v4 = inet_pton(AF_INET, m_options.listen.c_str(), &v4) == 1;
    const bool is_v6 = inet_pton(AF_INET6, m_options.listen.c_str(), &v6) == 1;
    if (!is_v4 && !is_v6) {
      throw Error(ErrorCode::usage, "--listen: '" + m_options.listen + "' is not an IP address",
                  "give an address such as 127.0.0.1 or ::1, not a host name");
    }
    m_host = is_v6 ? "[" + m_options.listen + "]" : m_options.listen;
    set_up();
  }

  ~Impl() {
    explicit_bzero(m_token.data(), m_token.size());
    explicit_bzero(m_session.data(), m_session.size());
  }

  void bind() {
    int port = 0;
    if (m_options.port == 0) {
      port = m_server.bind_to_any_port(m_options.listen);
    } else {
      port = m_server.bind_to_port(m_options.listen, m_options.port) ? m_options.port : -1;
    }
    if (port <= 0) {
      throw Error(ErrorCode::io,
                  "cannot listen on " + m_host + ":" + std::to_string(m_options.port),
                  "the port may be in use; choose another with --port, or --port 0");
    }
    m_port = static_cast<std::uint16_t>(port);
  }

  std::uint16_t port() const { return m_port; }

  std::string url() const {
    return "http://" + m_host + ":" + std::to_string(m_port) + "/?token=" + m_token;
  }

  StopReason run() {
    touch();
    std::thread watchdog([this] { watch_idle(); });
    if (!m_stop_requested.load()) m_server.listen_after_bind();
    {
      const std::lock_guard<std::mutex> lock(m_stop_mutex);
      m_finished = true;
    }
    m_stop_cv.notify_all();
    watchdog.join();
    return m_idle.load() ? StopReason::idle : StopReason::stopped;
  }

  // A stop that comes before the server runs is remembered (run() then returns at once, or the
  // watchdog repeats it once the server is up).
  void stop() {
    m_stop_requested.store(true);
    m_server.stop();
  }

 private:
  void touch() {
    m_last_activity.store(std::chrono::steady_clock::now().time_since_epoch().count());
  }

  void watch_idle() {
    std::unique_lock<std::mutex> lock(m_stop_mutex);
    while (!m_finished) {
      m_stop_cv.wait_for(lock, std::chrono::milliseconds(200));
      if (m_finished) break;
      if (m_stop_requested.load()) {
        m_server.stop();
        continue;
      }
      if (m_options.idle_timeout.count() <= 0) continue;
      const auto last = std::chrono::steady_clock::time_point(
          std::chrono::steady_clock::duration(m_last_activity.load()));
      if (std::chrono::steady_clock::now() - last >= m_options.idle_timeout) {
        m_idle.store(true);
        m_server.stop();
        m_stop_cv.wait_for(lock, std::chrono::milliseconds(200));
      }
    }
  }

  bool host_allowed(const httplib::Request& req) const {
    const std::string host = req.get_header_value("Host");
    const std::string port = ":" + std::to_string(m_port);
    return host == m_host + port || host == "127.0.0.1" + port || host == "localhost" + port ||
           host == "[::1]" + port;
  }

  // Pre-routing: Host check, then the token or the session cookie.
  httplib::Server::HandlerResponse admit(const httplib::Request& req, httplib::Response& res) {
    touch();
    if (!host_allowed(req)) {
      res.status = 403;
      res.set_content("forbidden: unexpected Host header\n", "text/plain; charset=utf-8");
      return httplib::Server::HandlerResponse::Handled;
    }
    // The header by value: cookie_value() returns a view into it, which must outlive the check.
    const std::string cookies = req.get_header_value("Cookie");
    if (req.has_param("token")) {
      if (same_secret(req.get_param_value("token"), m_token)) {
        if (req.path.starts_with("/api/")) return httplib::Server::HandlerResponse::Unhandled;
        // A page: trade the token for the cookie and take it out of the address bar (and so
        // out of the browser's history).
        res.status = 303;
        res.set_header("Location", req.path);
        res.set_header("Set-Cookie", std::string(kCookieName) + "=" + m_session +
                                         "; Path=/; HttpOnly; SameSite=Strict");
        return httplib::Server::HandlerResponse::Handled;
      }
    } else if (const auto session = cookie_value(cookies, kCookieName);
               session && same_secret(*session, m_session)) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    res.status = 403;
    res.set_content("forbidden: open the URL that dmvault serve printed\n",
                    "text/plain; charset=utf-8");
    return httplib::Server::HandlerResponse::Handled;
  }

  // Runs `body` with the catalog and vault to itself (neither is thread-safe) and turns errors
  // into JSON answers.
  template <typename Body>
  void guarded(httplib::Response& res, Body&& body) {
    try {
      const std::lock_guard<std::mutex> lock(m_mutex);
      body();
    } catch (const Error& e) {
      send_error(res, e.code() == ErrorCode::usage ? 400 : 500, e.what());
    } catch (const std::exception&) {
      send_error(res, 500, "internal error");
    }
  }

  void set_up() {
    m_server.set_default_headers({
        {"Content-Security-Policy", kCsp},
        {"Cache-Control", "no-store"},
        {"X-Content-Type-Options", "nosniff"},
        {"Referrer-Policy", "no-referrer"},
        {"X-Frame-Options", "DENY"},
        {"Cross-Origin-Resource-Policy", "same-origin"},
    });
    m_server.set_keep_alive_timeout(2);
    m_server.set_pre_routing_handler(
        [this](const httplib::Request& req, httplib::Response& res) { return admit(req, res); });
    m_server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
      if (res.body.empty() && !res.has_header("Location")) {
        res.set_content(std::to_string(res.status) + "\n", "text/plain; charset=utf-8");
      }
    });

    for (const Asset& asset : assets()) {
      const auto handler = [asset](const httplib::Request&, httplib::Response& res) {
        res.set_content(asset.content.data(), asset.content.size(), asset.media_type.data());
      };
      m_server.Get(std::string(asset.path), handler);
      if (asset.path == "/index.html") m_server.Get("/", handler);
    }

    m_server.Get("/api/conversations", [this](const httplib::Request&, httplib::Response& res) {
      guarded(res, [&] {
        std::ostringstream out;
        write_conversations_json(out, m_catalog.conversations());
        send_json(res, out.str());
      });
    });

    m_server.Get("/api/messages", [this](const httplib::Request& req, httplib::Response& res) {
      guarded(res, [&] { messages(req, res); });
    });

    m_server.Get("/api/search", [this](const httplib::Request& req, httplib::Response& res) {
      guarded(res, [&] {
        const std::string q = req.get_param_value("q");
        if (q.empty()) throw Error(ErrorCode::usage, "q: no query given");
        catalog::SearchRequest request = query::translate(query::parse(q), {.utc = m_options.utc});
        request.limit = limit_param(req, kDefaultHits, kMaxHits);
        request.sort = req.get_param_value("sort") == "oldest"
                           ? catalog::SearchRequest::Sort::oldest
                           : catalog::SearchRequest::Sort::newest;
        const std::vector<catalog::SearchHit> hits = m_catalog.search(request);
        const std::uint64_t total = m_catalog.count_matches(request);
        std::ostringstream out;
        write_hits_json(out, hits, total);
        send_json(res, out.str());
      });
    });

    m_server.Get("/api/stats", [this](const httplib::Request& req, httplib::Response& res) {
      guarded(res, [&] {
        std::ostringstream out;
        stats::write_json(out, stats::compute(m_catalog, int_param(req, "conversation")));
        send_json(res, out.str());
      });
    });

    m_server.Get(R"(/api/media/([0-9a-f]{64}))",
                 [this](const httplib::Request& req, httplib::Response& res) {
                   guarded(res, [&] { media(req, res); });
                 });
  }

  void messages(const httplib::Request& req, httplib::Response& res) {
    const std::optional<std::int64_t> conversation = int_param(req, "conversation");
    if (!conversation) throw Error(ErrorCode::usage, "conversation: no id given");
    const std::size_t limit = limit_param(req, kDefaultPage, kMaxPage);
    const std::optional<std::int64_t> before = int_param(req, "before");
    const std::optional<std::int64_t> after = int_param(req, "after");
    const std::optional<std::int64_t> at = int_param(req, "at");
    const std::optional<std::int64_t> around_ms = int_param(req, "around_ms");
    std::vector<catalog::MessageView> page;
    // One more than asked on each open side says whether there is more to load.
    bool more_before = false;
    bool more_after = false;
    const auto older = [&](std::int64_t id, std::size_t n) {
      auto out = m_catalog.messages_before(*conversation, id, n + 1);
      more_before = out.size() > n;
      if (more_before) out.erase(out.begin());
      return out;
    };
    const auto newer = [&](std::int64_t id, std::size_t n) {
      auto out = m_catalog.messages_after(*conversation, id, n + 1);
      more_after = out.size() > n;
      if (more_after) out.pop_back();
      return out;
    };
    constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    if (before) {
      page = older(*before, limit);
      more_after = true;
    } else if (after) {
      page = newer(*after, limit);
      more_before = true;
    } else if (at || around_ms) {
      std::int64_t pivot = 0;
      if (at) {
        pivot = *at;
      } else {
        // The first message at or after the time, else the last one before it.
        const auto around = m_catalog.messages(*conversation, 2, *around_ms);
        pivot = kMax;
        for (const auto& m : around) {
          if (m.timestamp_ms >= *around_ms) {
            pivot = m.message_id;
            break;
          }
        }
        if (pivot == kMax && !around.empty()) pivot = around.back().message_id;
      }
      page = older(pivot, limit / 2);
      std::vector<catalog::MessageView> rest =
          newer(pivot == kMin ? kMin : pivot - 1, limit - page.size());
      for (auto& m : rest) page.push_back(std::move(m));
    } else {
      page = older(kMax, limit);  // a conversation opens at its newest messages
    }
    std::ostringstream out;
    write_page_json(out, page, more_before, more_after);
    send_json(res, out.str());
  }

  void media(const httplib::Request& req, httplib::Response& res) {
    const std::optional<std::vector<std::uint8_t>> raw = util::hex_decode(req.matches[1].str());
    ObjectId id{};
    if (!raw || raw->size() != id.size()) throw Error(ErrorCode::usage, "not a content id");
    std::copy(raw->begin(), raw->end(), id.begin());
    if (!m_vault.contains(id)) {
      send_error(res, 404, "no such medium in the vault");
      return;
    }
    // The last medium stays decrypted in memory: a player asks for many ranges of one file.
    if (!m_cached || m_cached_id != id) {
      m_cached.reset();
      m_cached = std::make_shared<PlainBytes>(m_vault.read(id));
      m_cached_id = id;
    }
    std::shared_ptr<const PlainBytes> bytes = m_cached;
    res.set_header("Accept-Ranges", "bytes");
    const MediaType type = media_type_of(bytes->span());
    if (!type.inline_safe) res.set_header("Content-Disposition", "attachment");
    // httplib cuts the requested range(s) out of what the provider writes and answers 206 with
    // Content-Range; the provider is called after this handler, outside the lock, and only
    // reads the shared bytes.
    res.set_content_provider(
        bytes->size(), std::string(type.name),
        [bytes](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
          const std::size_t end = std::min(bytes->size(), offset + length);
          if (offset >= end) return true;
          return sink.write(reinterpret_cast<const char*>(bytes->data() + offset), end - offset);
        });
  }

  const Vault& m_vault;
  catalog::Catalog& m_catalog;
  ServeOptions m_options;
  std::string m_token;
  std::string m_session;
  std::string m_host;
  std::uint16_t m_port = 0;
  httplib::Server m_server;
  std::mutex m_mutex;  // the catalog, the vault and the media cache
  std::shared_ptr<PlainBytes> m_cached;
  ObjectId m_cached_id{};
  std::atomic<std::int64_t> m_last_activity{0};
  std::atomic<bool> m_idle{false};
  std::atomic<bool> m_stop_requested{false};
  std::mutex m_stop_mutex;
  std::condition_variable m_stop_cv;
  bool m_finished = false;
};

Server::Server(const Vault& vault, catalog::Catalog& catalog, ServeOptions options)
    : m_impl(std::make_unique<Impl>(vault, catalog, std::move(options))) {}
Server::~Server() = default;
void Server::bind() { m_impl->bind(); }
std::uint16_t Server::port() const { return m_impl->port(); }
std::string Server::url() const { return m_impl->url(); }
Server::StopReason Server::run() { return m_impl->run(); }
void Server::stop() { m_impl->stop(); }

}  // namespace dmvault::serve
