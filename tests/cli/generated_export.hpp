// Helpers for the CLI suites that run the project's export generator (dmvault-gen-instagram,
// whose path the test target defines as DMVAULT_GEN_BINARY) and read the files it writes.
#pragma once

#include <filesystem>
#include <fstream>
#include <spawn.h>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <vector>

extern char** environ;

namespace dmvault::testing {

// Runs the generator with `args`; its exit status, or -1 when it could not run.
inline int run_generator(const std::vector<std::string>& args) {
  std::vector<std::string> argv_s{DMVAULT_GEN_BINARY};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawn(&pid, DMVAULT_GEN_BINARY, nullptr, nullptr, argv.data(), environ) != 0) return -1;
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace dmvault::testing
