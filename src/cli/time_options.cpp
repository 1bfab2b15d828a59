#include "cli/time_options.hpp"

#include "dmvault/error.hpp"

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>

namespace dmvault::cli {

namespace {

// Only names that the tz database could hold: no '..', no absolute path, no leading ':' trick.
bool is_zone_name(const std::string& name) {
  if (name.empty() || name.size() > 128 || name.front() == '/' || name.back() == '/') return false;
  for (const char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '/' || c == '_' || c == '-' || c == '+';
    if (!ok) return false;
  }
  return name.find("//") == std::string::npos && name.find("..") == std::string::npos;
}

bool zone_exists(const std::string& name) {
  const char* tzdir = std::getenv("TZDIR");
  const std::filesystem::path dir =
      tzdir != nullptr && *tzdir != '\0' ? tzdir : "/usr/share/zoneinfo";
  std::ifstream file(dir / name, std::ios::binary);
  char magic[4] = {};
  return file.read(magic, 4) && std::string_view(magic, 4) == "TZif";
}

void set_zone(const std::string& tz) {
  if (setenv("TZ", tz.c_str(), 1) != 0) {
    throw Error(ErrorCode::io, "cannot set the time zone: out of memory");
  }
  tzset();
}

}  // namespace

void add_time_options(CLI::App& command, TimeOptions& options) {
  command.add_flag("--utc", options.utc, "Show times, and read the query's dates, in UTC");
  command.add_option("--tz", options.tz,
                     "Show times, and read the query's dates, in this zone (e.g. Europe/Lisbon)");
}

void apply_time_options(const TimeOptions& options) {
  if (options.utc && !options.tz.empty()) {
    throw Error(ErrorCode::usage, "--utc and --tz ask for two different zones", "give one of them");
  }
  if (options.utc) {
    set_zone("UTC0");
    return;
  }
  if (options.tz.empty()) return;
  if (options.tz == "UTC" || options.tz == "Z") {
    set_zone("UTC0");
    return;
  }
  if (!is_zone_name(options.tz) || !zone_exists(options.tz)) {
    throw Error(ErrorCode::usage, "--tz: '" + options.tz + "' is not a time zone",
                "write an Area/City name of the tz database, e.g. Europe/Lisbon or "
                "America/Sao_Paulo (see /usr/share/zoneinfo)");
  }
  set_zone(options.tz);
}

}  // namespace dmvault::cli
