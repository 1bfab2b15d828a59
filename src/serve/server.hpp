// The local viewer behind `dmvault serve`: an HTTP server (cpp-httplib) over an open vault and
// its catalog, for one person on this computer. Everything it shows is decrypted in memory per
// request and nothing is written to disk.
//
// Access: a random per-run token (32 bytes from the CSPRNG, hex) in the printed URL. The first
// page request with it gets an HttpOnly, SameSite=Strict session cookie and a redirect that drops
// the token from the address bar; any other request without the token or the cookie gets 403,
// as does one whose Host header is not this server's address (DNS rebinding). Every response
// carries a strict Content-Security-Policy, Cache-Control: no-store, nosniff, no-referrer and
// X-Frame-Options: DENY.
//
// The JSON API (documented in dmvault-serve(1)):
//   GET /api/conversations                 the conversations with counts and date ranges
//   GET /api/messages?conversation=ID[&before=MSG|&after=MSG|&at=MSG|&around_ms=T][&limit=N]
//   GET /api/search?q=QUERY[&limit=N]      the full query language of dmvault(1)
//   GET /api/stats[?conversation=ID]       the numbers of `dmvault stats --json`
//   GET /api/media/CONTENT_ID              an attachment's bytes (HTTP ranges answered)
#pragma once

#include "catalog/catalog.hpp"
#include "dmvault/vault.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace dmvault::serve {

struct ServeOptions {
  std::string listen = "127.0.0.1";           // an IP address literal
  std::uint16_t port = 0;                     // 0: a free port chosen by the system
  std::chrono::milliseconds idle_timeout{0};  // 0: never
  bool utc = false;                           // query dates in UTC (else the local zone, TZ)
};

// Whether `address` is a loopback address (127.0.0.0/8, ::1), which only this computer reaches.
bool is_loopback(const std::string& address);

class Server {
 public:
  enum class StopReason { stopped, idle };

  // Keeps references to `vault` and `catalog`, which must outlive the server.
  Server(const Vault& vault, catalog::Catalog& catalog, ServeOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the listening socket; Error(io) when the address or port cannot be had.
  void bind();
  std::uint16_t port() const;
  // The address to open, with the access token: http://127.0.0.1:PORT/?token=HEX.
  std::string url() const;
  // Serves until stop() is called or the idle timeout passes.
  StopReason run();
  // Stops run() from any thread.
  void stop();

 private:
  class Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace dmvault::serve
