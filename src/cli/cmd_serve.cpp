#include "cli/cmd_serve.hpp"

#include "cli/common_options.hpp"
#include "cli/vault_access.hpp"
#include "dmvault/error.hpp"
#include "import/catalog_store.hpp"
#include "serve/server.hpp"

#include <CLI/CLI.hpp>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstring>
#include <ctime>
#include <pthread.h>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>

extern char** environ;

namespace dmvault::cli {

namespace {

// SIGINT and SIGTERM are blocked in every thread and taken by one waiting thread, which stops
// the server: the handlers' threads are never interrupted mid-request, and the process ends
// through the normal path that wipes the keys.
class SignalStop {
 public:
  explicit SignalStop(serve::Server& server) : m_server(server) {
    sigemptyset(&m_set);
    sigaddset(&m_set, SIGINT);
    sigaddset(&m_set, SIGTERM);
    sigaddset(&m_set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &m_set, &m_old);
    m_thread = std::thread([this] { wait(); });
  }
  ~SignalStop() {
    m_done.store(true);
    m_thread.join();
    // A signal that came after the server stopped is consumed rather than left pending.
    timespec zero{};
    while (sigtimedwait(&m_set, nullptr, &zero) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &m_old, nullptr);
  }
  SignalStop(const SignalStop&) = delete;
  SignalStop& operator=(const SignalStop&) = delete;
  bool signalled() const { return m_signalled.load(); }

 private:
  void wait() {
    const timespec tick{0, 200'000'000};
    while (!m_done.load()) {
      if (sigtimedwait(&m_set, nullptr, &tick) > 0) {
        m_signalled.store(true);
        m_server.stop();
      }
    }
  }

  serve::Server& m_server;
  sigset_t m_set{};
  sigset_t m_old{};
  std::atomic<bool> m_done{false};
  std::atomic<bool> m_signalled{false};
  std::thread m_thread;
};

void open_browser(const std::string& url, Context& context) {
  std::string program = "xdg-open";
  std::string argument = url;
  char* argv[] = {program.data(), argument.data(), nullptr};
  pid_t pid = 0;
  if (posix_spawnp(&pid, program.c_str(), nullptr, nullptr, argv, environ) != 0) {
    context.output.warning("--open: xdg-open could not be started; open the URL yourself");
    return;
  }
  // xdg-open hands the URL to the browser and returns at once.
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    context.output.warning("--open: xdg-open failed; open the URL yourself");
  }
}

std::string describe(std::chrono::milliseconds duration) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(duration).count();
  if (seconds % 3600 == 0) return std::to_string(seconds / 3600) + "h";
  if (seconds % 60 == 0) return std::to_string(seconds / 60) + "m";
  return std::to_string(seconds) + "s";
}

}  // namespace

std::chrono::milliseconds parse_duration(const std::string& text, const char* option) {
  if (text.empty()) return std::chrono::milliseconds{0};
  std::int64_t number = 0;
  const char* end = text.data() + text.size();
  const auto [rest, ec] = std::from_chars(text.data(), end, number);
  std::int64_t unit = 0;
  const std::string_view suffix(rest, static_cast<std::size_t>(end - rest));
  if (suffix.empty() || suffix == "s") {
    unit = 1000;
  } else if (suffix == "m") {
    unit = 60'000;
  } else if (suffix == "h") {
    unit = 3'600'000;
  }
  constexpr std::int64_t kMaxMs = std::int64_t{366} * 24 * 3'600'000;
  if (ec != std::errc{} || unit == 0 || number < 0 || number > kMaxMs / unit) {
    throw Error(ErrorCode::usage, std::string(option) + ": '" + text + "' is not a duration",
                "write a number of seconds, or a number followed by s, m or h (15m)");
  }
  return std::chrono::milliseconds{number * unit};
}

CLI::App* add_serve_command(CLI::App& app, ServeOptions& options) {
  CLI::App* command =
      app.add_subcommand("serve", "Browse the vault in a local web viewer (nothing on disk)");
  add_vault_argument(*command, options.vault);
  command->add_option("--port", options.port, "Listen on this port (default: a free one)");
  command->add_flag("--open", options.open, "Open the viewer in the default browser");
  command
      ->add_option("--listen", options.listen,
                   "Listen on this IP address instead of 127.0.0.1 (other computers may "
                   "reach it)")
      ->check(non_empty_argument());
  command->add_option("--idle-timeout", options.idle_timeout,
                      "Lock (stop and forget the keys) after this long without a request: "
                      "90s, 15m, 1h");
  add_time_options(*command, options.time);
  add_unlock_options(*command, options.unlock);
  return command;
}

int run_serve(const ServeOptions& options, Context& context) {
  apply_time_options(options.time);
  const std::chrono::milliseconds idle = parse_duration(options.idle_timeout, "--idle-timeout");
  serve::ServeOptions serve_options;
  serve_options.port = options.port;
  serve_options.idle_timeout = idle;
  serve_options.utc = options.time.utc;
  if (!options.listen.empty()) {
    serve_options.listen = options.listen;
    if (!serve::is_loopback(options.listen)) {
      context.output.warning("--listen " + options.listen +
                             ": the viewer is reachable from other computers, over plain HTTP; "
                             "anyone who sees the URL can read the vault");
    }
  }
  require_vault_file(options.vault);
  const Vault vault = open_vault(options.vault, options.unlock, Vault::Mode::read, context);
  catalog::Catalog catalog = import::load_catalog(vault);
  serve::Server server(vault, catalog, serve_options);
  server.bind();
  // From here on Ctrl-C stops the server rather than killing the process, so the keys are
  // always wiped on the way out.
  const SignalStop signals(server);

  std::string url = server.url();
  const std::size_t token_at = url.find("token=") + 6;
  context.output.secret_line(
      std::string_view(url).substr(0, token_at),
      std::span(reinterpret_cast<const unsigned char*>(url.data() + token_at),
                url.size() - token_at));
  context.output.hint(
      "open the URL above in a browser; Ctrl-C stops the viewer" +
      (idle.count() > 0 ? ", as does " + describe(idle) + " without a request" : std::string()));
  if (options.open) open_browser(url, context);

  const serve::Server::StopReason reason = server.run();
  explicit_bzero(url.data(), url.size());
  if (reason == serve::Server::StopReason::idle) {
    context.output.hint("locked after " + describe(idle) + " without a request");
  }
  return 0;
}

}  // namespace dmvault::cli
