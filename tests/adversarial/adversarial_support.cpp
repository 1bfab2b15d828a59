#include "adversarial/adversarial_support.hpp"

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <signal.h>
#include <stdexcept>
#include <sys/resource.h>
#include <sys/wait.h>
#include <system_error>
#include <thread>
#include <unistd.h>

namespace dmvault::testing {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const std::string& what) {
  throw std::system_error(errno, std::generic_category(), what);
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> result;
  for (std::string& s : strings) result.push_back(s.data());
  result.push_back(nullptr);
  return result;
}

}  // namespace

bool generate_export(const std::vector<std::string>& args) {
  std::vector<std::string> argv{DMVAULT_GEN_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("--quiet");
  return run_child(argv, {}).end.status == 0;
}

pid_t start_child(const std::vector<std::string>& argv, const ChildOptions& options) {
  if (options.stdin_text.size() > 65536) throw std::runtime_error("stdin text over 64 KiB");
  int input[2] = {-1, -1};
  if (::pipe2(input, O_CLOEXEC) != 0) fail("pipe2");
  if (!options.stdin_text.empty() &&
      ::write(input[1], options.stdin_text.data(), options.stdin_text.size()) !=
          static_cast<ssize_t>(options.stdin_text.size())) {
    fail("write stdin");
  }
  ::close(input[1]);
  const std::string out = options.stdout_file.empty() ? "/dev/null" : options.stdout_file.string();
  const std::string err = options.stderr_file.empty() ? "/dev/null" : options.stderr_file.string();
  const std::string cwd = options.cwd.string();
  std::vector<std::string> env_strings;
  for (const char* name : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "PATH"}) {
    // A variable the caller sets replaces the inherited one (getenv takes the first).
    if (options.env.count(name) > 0) continue;
    if (const char* value = std::getenv(name)) {
      env_strings.push_back(std::string(name) + "=" + value);
    }
  }
  for (const auto& [name, value] : options.env) env_strings.push_back(name + "=" + value);
  std::vector<std::string> argv_strings = argv;
  std::vector<char*> argv_pointers = pointers(argv_strings);
  std::vector<char*> env_pointers = pointers(env_strings);
  // fork, not posix_spawn: a vfork-style spawn shares the test's address space until exec, and
  // the kernel then carries the test's own peak RSS into the child's ru_maxrss; a forked copy
  // starts its high-water mark at the test's current size, which is small.
  const pid_t pid = ::fork();
  if (pid < 0) fail("fork");
  if (pid == 0) {
    const int out_fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (out_fd < 0 || err_fd < 0 || ::dup2(input[0], 0) < 0 || ::dup2(out_fd, 1) < 0 ||
        ::dup2(err_fd, 2) < 0 || (!cwd.empty() && ::chdir(cwd.c_str()) != 0)) {
      ::_exit(127);
    }
    ::execve(argv_strings[0].c_str(), argv_pointers.data(), env_pointers.data());
    ::_exit(127);
  }
  ::close(input[0]);
  return pid;
}

ChildEnd wait_child(pid_t pid) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  ChildEnd end;
  for (;;) {
    int status = 0;
    struct rusage usage = {};
    const pid_t got = ::wait4(pid, &status, WNOHANG, &usage);
    if (got < 0) {
      if (errno == EINTR) continue;
      fail("wait4");
    }
    if (got == pid) {
      end.max_rss_kib = usage.ru_maxrss;
      if (WIFEXITED(status)) end.status = WEXITSTATUS(status);
      if (WIFSIGNALED(status)) end.status = 128 + WTERMSIG(status);
      return end;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      int ignored = 0;
      ::waitpid(pid, &ignored, 0);
      throw std::runtime_error("child " + std::to_string(pid) + " did not finish within 120 s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

ChildRun run_child(const std::vector<std::string>& argv, ChildOptions options) {
  char pattern[] = "/tmp/dmvault-child-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) fail("mkdtemp");
  const fs::path dir = pattern;
  options.stdout_file = dir / "out";
  options.stderr_file = dir / "err";
  ChildRun run;
  try {
    run.end = wait_child(start_child(argv, options));
  } catch (...) {
    fs::remove_all(dir);
    throw;
  }
  run.out = file_bytes(dir / "out");
  run.err = file_bytes(dir / "err");
  fs::remove_all(dir);
  return run;
}

std::map<fs::path, std::string> snapshot_tree(const fs::path& root) {
  std::map<fs::path, std::string> files;
  std::error_code ec;
  if (!fs::exists(root, ec)) return files;
  for (auto it = fs::recursive_directory_iterator(
           root, fs::directory_options::skip_permission_denied, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    const fs::path& p = it->path();
    if (it->is_symlink(ec)) {
      files[p] = "symlink -> " + fs::read_symlink(p, ec).string();
    } else if (it->is_regular_file(ec)) {
      files[p] = file_bytes(p);
    } else if (it->is_directory(ec)) {
      files[p / ""] = "directory";
    }
  }
  return files;
}

std::vector<fs::path> changed_files(const std::map<fs::path, std::string>& before,
                                    const std::map<fs::path, std::string>& after) {
  std::vector<fs::path> changed;
  for (const auto& [path, bytes] : after) {
    const auto old = before.find(path);
    if (old == before.end() || old->second != bytes) changed.push_back(path);
  }
  return changed;
}

std::string file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_bytes(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace dmvault::testing
