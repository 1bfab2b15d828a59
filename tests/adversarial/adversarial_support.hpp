// Helpers for the adversarial suites: children started asynchronously (so a test can kill them
// or run several at once) whose peak memory is read from wait4, and snapshots of folder trees to
// prove that nothing was written where it must not be.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <sys/types.h>
#include <vector>

namespace dmvault::testing {

// The generator (dmvault-gen-instagram) with `args`; true when it exited 0.
bool generate_export(const std::vector<std::string>& args);

struct ChildOptions {
  std::map<std::string, std::string> env = {{"TZ", "UTC"}};
  std::filesystem::path cwd = {};          // empty: the test's working directory
  std::filesystem::path stdout_file = {};  // empty: /dev/null
  std::filesystem::path stderr_file = {};  // empty: /dev/null
  std::string stdin_text = {};             // given on a pipe (at most 64 KiB)
};

// Starts `argv` (argv[0] is the program's path) and returns its pid.
pid_t start_child(const std::vector<std::string>& argv, const ChildOptions& options);

struct ChildEnd {
  int status = -1;       // exit status, or 128 + signal number
  long max_rss_kib = 0;  // peak resident memory (ru_maxrss)
};
// Waits for `pid` (up to 120 s, then kills it and reports the kill).
ChildEnd wait_child(pid_t pid);

// start_child + wait_child, capturing stdout and stderr in memory.
struct ChildRun {
  ChildEnd end;
  std::string out;
  std::string err;
};
ChildRun run_child(const std::vector<std::string>& argv, ChildOptions options);

// Every regular file under `root` (recursively) with its contents; symlinks are recorded as
// "symlink -> target".
std::map<std::filesystem::path, std::string> snapshot_tree(const std::filesystem::path& root);

// The paths of `after` that are new or changed compared to `before`.
std::vector<std::filesystem::path> changed_files(
    const std::map<std::filesystem::path, std::string>& before,
    const std::map<std::filesystem::path, std::string>& after);

std::string file_bytes(const std::filesystem::path& path);
void write_bytes(const std::filesystem::path& path, const std::string& bytes);

}  // namespace dmvault::testing
