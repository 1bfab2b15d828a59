// `dmvault serve` running in the background for the viewer's tests: started with pipes on stdout
// and stderr (optionally under a wrapper such as strace), its printed URL read back, stopped with
// a signal.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <sys/types.h>
#include <vector>

namespace dmvault::testing {

class ServeProcess {
 public:
  // Runs `wrapper` (may be empty) + DMVAULT_BINARY + `args` with only `env` as its environment,
  // and waits up to 60 s for the URL line.
  explicit ServeProcess(const std::vector<std::string>& args,
                        const std::map<std::string, std::string>& env = {{"TZ", "UTC"}},
                        const std::vector<std::string>& wrapper = {});
  ~ServeProcess();
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  bool started() const { return m_port != 0; }
  const std::string& url() const { return m_url; }
  const std::string& token() const { return m_token; }
  int port() const { return m_port; }
  pid_t pid() const { return m_pid; }

  // Sends `signal_number` and waits for the exit; the exit status, or 128 + the signal.
  int stop(int signal_number);
  // Waits up to `timeout` for the process to end on its own; its status, or -1 on timeout.
  int wait_exit(std::chrono::milliseconds timeout);
  // Everything written to stderr (complete once the process has ended).
  const std::string& err();

 private:
  void drain_err();
  int reap(int options);

  pid_t m_pid = -1;
  int m_out = -1;
  int m_err = -1;
  int m_status = -1;
  std::string m_url;
  std::string m_token;
  int m_port = 0;
  std::string m_err_text;
};

}  // namespace dmvault::testing
