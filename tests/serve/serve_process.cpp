#include "serve/serve_process.hpp"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace dmvault::testing {

ServeProcess::ServeProcess(const std::vector<std::string>& args,
                           const std::map<std::string, std::string>& env,
                           const std::vector<std::string>& wrapper) {
  int out[2];
  int err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) return;
  std::vector<std::string> argv_s = wrapper;
  argv_s.push_back(DMVAULT_BINARY);
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_s;
  for (const auto& [key, value] : env) env_s.push_back(key + "=" + value);
  std::vector<char*> envp;
  for (std::string& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  const int rc =
      posix_spawn(&m_pid, argv_s.front().c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  close(err[1]);
  m_out = out[0];
  m_err = err[0];
  fcntl(m_err, F_SETFL, O_NONBLOCK);
  if (rc != 0) {
    m_pid = -1;
    return;
  }
  // The first stdout line is the URL.
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    pollfd p{m_out, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) {
      drain_err();
      continue;
    }
    char buffer[512];
    const ssize_t n = read(m_out, buffer, sizeof buffer);
    if (n <= 0) break;
    line.append(buffer, static_cast<std::size_t>(n));
  }
  drain_err();
  const std::size_t end = line.find('\n');
  if (end == std::string::npos) return;
  m_url = line.substr(0, end);
  const std::size_t token_at = m_url.find("/?token=");
  if (token_at == std::string::npos) return;
  m_token = m_url.substr(token_at + 8);
  const std::size_t colon = m_url.rfind(':', token_at);
  m_port = std::stoi(m_url.substr(colon + 1, token_at - colon - 1));
}

ServeProcess::~ServeProcess() {
  if (m_pid > 0 && m_status < 0) {
    kill(m_pid, SIGKILL);
    reap(0);
  }
  if (m_out >= 0) close(m_out);
  if (m_err >= 0) close(m_err);
}

void ServeProcess::drain_err() {
  if (m_err < 0) return;
  char buffer[4096];
  for (;;) {
    const ssize_t n = read(m_err, buffer, sizeof buffer);
    if (n <= 0) break;
    m_err_text.append(buffer, static_cast<std::size_t>(n));
  }
}

int ServeProcess::reap(int options) {
  int status = 0;
  pid_t r = 0;
  do {
    r = waitpid(m_pid, &status, options);
  } while (r < 0 && errno == EINTR);
  if (r != m_pid) return -1;
  m_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return m_status;
}

int ServeProcess::stop(int signal_number) {
  if (m_pid <= 0) return -1;
  if (m_status >= 0) return m_status;
  kill(m_pid, signal_number);
  const int status = wait_exit(std::chrono::seconds(30));
  if (status >= 0) return status;
  kill(m_pid, SIGKILL);
  return reap(0);
}

int ServeProcess::wait_exit(std::chrono::milliseconds timeout) {
  if (m_pid <= 0) return -1;
  if (m_status >= 0) return m_status;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    drain_err();
    if (reap(WNOHANG) >= 0) {
      drain_err();
      return m_status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return -1;
}

const std::string& ServeProcess::err() {
  drain_err();
  return m_err_text;
}

}  // namespace dmvault::testing
