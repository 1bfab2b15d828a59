#include "dmvault/export_tree.hpp"

#include "io/export_tree_internal.hpp"
#include "util/unicode.hpp"

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace dmvault {

namespace io {

namespace {

void append_hex_byte(std::string& out, unsigned char byte) {
  static constexpr char kDigits[] = "0123456789abcdef";
  out += "\\x";
  out += kDigits[byte >> 4];
  out += kDigits[byte & 0x0f];
}

// Decodes one UTF-8 sequence already known to be valid.
char32_t decode_utf8(std::string_view sequence) {
  const auto lead = static_cast<unsigned char>(sequence[0]);
  char32_t cp = sequence.size() == 2   ? (lead & 0x1fu)
                : sequence.size() == 3 ? (lead & 0x0fu)
                                       : (lead & 0x07u);
  for (std::size_t i = 1; i < sequence.size(); ++i) {
    cp = (cp << 6) | (static_cast<unsigned char>(sequence[i]) & 0x3fu);
  }
  return cp;
}

// C1 controls, line/paragraph separators and the bidirectional formatting characters: invisible
// on a terminal, and the last can make "gpj.exe" display as "exe.jpg".
bool is_invisible_control(char32_t cp) {
  return (cp >= 0x80 && cp <= 0x9f) || cp == 0x200e || cp == 0x200f || cp == 0x2028 ||
         cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

constexpr std::string_view kBombHint =
    "this looks like a decompression bomb rather than a message export; if you trust the file, "
    "unpack it with a standard tool and import the folder";
constexpr std::string_view kSizeHint =
    "no real message export comes near this limit; check that this is the export you meant";

}  // namespace

std::string printable(std::string_view bytes, std::size_t max_bytes) {
  std::string out;
  std::size_t i = 0;
  while (i < bytes.size()) {
    if (out.size() >= max_bytes) {
      out += "...";
      break;
    }
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c < 0x80) {
      switch (c) {
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          if (c < 0x20 || c == 0x7f) {
            append_hex_byte(out, c);
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    const std::size_t length = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    const std::string_view sequence = bytes.substr(i, length);
    if (length == 1 || sequence.size() != length || !util::is_valid_utf8(sequence)) {
      append_hex_byte(out, c);
      ++i;
      continue;
    }
    const char32_t cp = decode_utf8(sequence);
    if (is_invisible_control(cp)) {
      char buffer[16];
      std::snprintf(buffer, sizeof buffer, "\\u{%04" PRIX32 "}", static_cast<std::uint32_t>(cp));
      out += buffer;
    } else {
      out.append(sequence);
    }
    i += length;
  }
  return out;
}

std::string describe_bytes(std::uint64_t bytes) {
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
  std::size_t unit = 0;
  std::uint64_t scale = 1024;
  while (unit + 1 < std::size(kUnits) && bytes / scale >= 1024) {
    scale *= 1024;
    ++unit;
  }
  char buffer[32];
  if (bytes % scale == 0) {
    std::snprintf(buffer, sizeof buffer, "%" PRIu64 " %s", bytes / scale, kUnits[unit]);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.1f %s",
                  static_cast<double>(bytes) / static_cast<double>(scale), kUnits[unit]);
  }
  return buffer;
}

NormalizedName normalize_entry_name(std::string_view raw, const ExportLimits& limits) {
  const auto refuse = [](std::string reason) { return NormalizedName{{}, std::move(reason)}; };
  if (raw.empty()) return refuse("empty name");
  // Checked before anything is cut out of the name, so no refused byte can hide in a "."
  // component that normalisation drops.
  if (raw.find('\0') != std::string_view::npos) return refuse("name contains a NUL byte");
  if (!util::is_valid_utf8(raw)) return refuse("name is not valid UTF-8");
  if (raw.find('\\') != std::string_view::npos) return refuse("name contains a backslash");
  if (raw.front() == '/') return refuse("absolute path");
  if (raw.size() >= 2 && is_ascii_letter(raw[0]) && raw[1] == ':') {
    return refuse("absolute path (drive letter)");
  }

  std::string_view rest = raw;
  if (rest.back() == '/') rest.remove_suffix(1);
  std::string path;
  path.reserve(rest.size());
  std::size_t depth = 0;
  for (;;) {
    const std::size_t slash = rest.find('/');
    const std::string_view component = rest.substr(0, slash);
    if (component.empty()) return refuse("path has an empty component");
    if (component == "..") return refuse("path has a '..' component");
    if (component != ".") {
      if (!path.empty()) path += '/';
      path.append(component);
      ++depth;
    }
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  if (path.empty()) return refuse("empty name");
  if (path.size() > limits.max_path_bytes) {
    return refuse("name longer than " + std::to_string(limits.max_path_bytes) + " bytes");
  }
  if (depth > limits.max_path_depth) {
    return refuse("path more than " + std::to_string(limits.max_path_depth) + " levels deep");
  }
  return {std::move(path), {}};
}

VisitBudget::VisitBudget(const ExportLimits& limits, VisitReport& report)
    : m_limits(limits), m_report(report) {}

void VisitBudget::begin_part(std::size_t index, std::string shown_name) {
  check_failed();
  m_part_index = index;
  m_part_name = std::move(shown_name);
  m_member_name.clear();
  m_in_member = false;
  m_part_produced = 0;
  m_entry_produced = 0;
  m_entry_declared = 0;
}

void VisitBudget::begin_member(std::string shown_name, bool already_counted) {
  check_failed();
  m_member_name = std::move(shown_name);
  m_in_member = true;
  m_entry_produced = 0;
  m_entry_declared = 0;
  if (!already_counted && ++m_members > m_limits.max_entries) {
    fail(ErrorCode::bad_input,
         "entry count limit exceeded (more than " + std::to_string(m_limits.max_entries) +
             " entries in the export)",
         std::string(kSizeHint));
  }
}

void VisitBudget::skip(std::string reason) {
  ++m_report.skipped_count;
  if (m_report.skipped.size() < m_limits.max_skipped_reported) {
    m_report.skipped.push_back({m_member_name, m_part_name, std::move(reason)});
  }
}

void VisitBudget::begin_entry(std::uint64_t declared_size, std::string shown_name) {
  m_member_name = std::move(shown_name);
  begin_entry(declared_size);
}

void VisitBudget::begin_entry(std::uint64_t declared_size) {
  check_failed();
  m_entry_declared = declared_size;
  m_entry_produced = 0;
  if (declared_size > m_limits.max_entry_bytes) {
    fail(ErrorCode::bad_input,
         "entry size limit exceeded (declares " + describe_bytes(declared_size) + ", limit " +
             describe_bytes(m_limits.max_entry_bytes) + ")",
         std::string(kSizeHint));
  }
  // Declared sizes are summed as well as produced bytes, so a run of headers that claim
  // terabytes fails at once, before their data is even skipped.
  if (declared_size >
      m_limits.max_total_bytes - std::min(m_declared_total, m_limits.max_total_bytes)) {
    fail(ErrorCode::bad_input,
         "total size limit exceeded (the entries declare more than " +
             describe_bytes(m_limits.max_total_bytes) + ")",
         std::string(kSizeHint));
  }
  m_declared_total += declared_size;
}

std::uint64_t VisitBudget::read_allowance() const {
  const std::uint64_t entry_left =
      m_limits.max_entry_bytes - std::min(m_entry_produced, m_limits.max_entry_bytes);
  const std::uint64_t total_left =
      m_limits.max_total_bytes - std::min(m_produced_total, m_limits.max_total_bytes);
  const std::uint64_t left = std::min(entry_left, total_left);
  return left == UINT64_MAX ? left : left + 1;
}

void VisitBudget::produced(std::uint64_t count) {
  m_entry_produced += count;
  m_part_produced += count;
  m_produced_total += count;
  if (m_entry_produced > m_limits.max_entry_bytes) {
    fail(ErrorCode::bad_input,
         "entry size limit exceeded (more than " + describe_bytes(m_limits.max_entry_bytes) +
             (m_entry_produced > m_entry_declared
                  ? ", though it declares " + describe_bytes(m_entry_declared)
                  : std::string()) +
             ")",
         std::string(kSizeHint));
  }
  if (m_produced_total > m_limits.max_total_bytes) {
    fail(ErrorCode::bad_input,
         "total size limit exceeded (more than " + describe_bytes(m_limits.max_total_bytes) +
             " in the export)",
         std::string(kSizeHint));
  }
}

void VisitBudget::check_ratio(std::uint64_t entry_compressed, std::uint64_t part_compressed) {
  const std::uint64_t ratio = m_limits.max_ratio;
  if (ratio == 0) return;
  const auto over = [&](std::uint64_t out, std::uint64_t in) {
    return out > m_limits.ratio_check_after && out / ratio > in;
  };
  const auto detail = [&](std::uint64_t out, std::uint64_t in) {
    return describe_bytes(out) + " from " + describe_bytes(in) + ", more than " +
           std::to_string(ratio) + ":1";
  };
  if (over(m_entry_produced, entry_compressed)) {
    fail(ErrorCode::bad_input,
         "compression ratio limit exceeded (" + detail(m_entry_produced, entry_compressed) + ")",
         std::string(kBombHint));
  }
  if (over(m_part_produced, part_compressed)) {
    fail(ErrorCode::bad_input,
         "compression ratio limit exceeded for the whole archive (" +
             detail(m_part_produced, part_compressed) + ")",
         std::string(kBombHint));
  }
}

void VisitBudget::check_failed() const {
  if (m_failure) throw *m_failure;
}

void VisitBudget::damaged(std::string_view detail) {
  if (m_in_member) {
    fail(ErrorCode::bad_input, "archive is truncated or damaged: " + printable(detail),
         std::string(kDamagedHint));
  }
  // Between members: name the last one read, which is where the damage starts.
  fail(ErrorCode::bad_input,
       "archive is truncated or damaged" +
           (m_member_name.empty() ? std::string() : " after " + m_member_name) + ": " +
           printable(detail),
       std::string(kDamagedHint));
}

void VisitBudget::os_failure(std::string_view what, int error_number) {
  fail(ErrorCode::io, std::string(what) + ": " + std::strerror(error_number),
       "check that the export is readable and the disk is healthy");
}

std::string VisitBudget::where() const {
  return m_in_member ? m_part_name + ": " + m_member_name : m_part_name;
}

void VisitBudget::fail(ErrorCode code, const std::string& what, std::string hint) {
  m_failure.emplace(code, where() + ": " + what, std::move(hint));
  throw *m_failure;
}

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = other.release();
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (m_fd >= 0) ::close(m_fd);
}

}  // namespace io

namespace {

enum class PartKind { folder, archive, empty_zip, file };

struct Part {
  std::filesystem::path path;
  std::string shown;
  PartKind kind = PartKind::folder;
  std::string entry_path;  // PartKind::file: the one entry's path (the file's name)
};

// Names that promise an archive. A file so named that libarchive does not recognise is a broken
// or unsupported archive, reported as such, rather than a one-file export of its raw bytes.
bool has_archive_extension(const std::filesystem::path& path) {
  std::string extension = path.extension().string();
  for (char& c : extension) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  static constexpr std::string_view kArchiveExtensions[] = {
      ".zip", ".tar", ".tgz",  ".gz", ".zst", ".tzst", ".xz",   ".txz",
      ".bz2", ".tbz", ".tbz2", ".7z", ".rar", ".lz4",  ".lzma", ".z"};
  for (const std::string_view known : kArchiveExtensions) {
    if (extension == known) return true;
  }
  return false;
}

Part inspect_part(const std::filesystem::path& path, const ExportLimits& limits) {
  Part part{path, io::printable(path.native()), PartKind::folder, {}};
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int error_number = errno;
    if (error_number == ENOENT || error_number == ENOTDIR) {
      throw Error(ErrorCode::bad_input, part.shown + ": no such file or folder",
                  "check the path of the export");
    }
    throw Error(ErrorCode::bad_input, part.shown + ": cannot open: " + std::strerror(error_number),
                "check that the export is readable");
  }
  if (S_ISDIR(st.st_mode)) {
    io::probe_folder(path, part.shown);
    part.kind = PartKind::folder;
  } else if (S_ISREG(st.st_mode)) {
    switch (io::probe_archive(path, part.shown)) {
      case io::ArchiveKind::archive:
        part.kind = PartKind::archive;
        break;
      case io::ArchiveKind::empty_zip:
        part.kind = PartKind::empty_zip;
        break;
      case io::ArchiveKind::not_an_archive: {
        if (has_archive_extension(path)) {
          throw Error(ErrorCode::bad_input, part.shown + ": not a zip or tar archive, nor a folder",
                      std::string(io::kNotAnExportHint));
        }
        // Some exports are one plain file (a WhatsApp chat .txt): the export is that file, under
        // its own name, as if it were the only file of a folder.
        io::NormalizedName name = io::normalize_entry_name(path.filename().native(), limits);
        if (!name.reason.empty()) {
          throw Error(ErrorCode::bad_input,
                      part.shown + ": the file's name cannot be used (" + name.reason + ")",
                      "rename the file, or give the folder or archive it belongs to");
        }
        part.kind = PartKind::file;
        part.entry_path = std::move(name.path);
        break;
      }
    }
  } else {
    throw Error(ErrorCode::bad_input, part.shown + ": not a zip or tar archive, nor a folder",
                std::string(io::kNotAnExportHint));
  }
  return part;
}

}  // namespace

struct ExportTree::Impl {
  std::vector<Part> parts;
  ExportLimits limits;
  io::VisitReport report;
};

ExportTree::ExportTree(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
ExportTree::ExportTree(ExportTree&&) noexcept = default;
ExportTree& ExportTree::operator=(ExportTree&&) noexcept = default;
ExportTree::~ExportTree() = default;

ExportTree ExportTree::open(std::vector<std::filesystem::path> parts, const ExportLimits& limits) {
  if (parts.empty()) {
    throw Error(ErrorCode::bad_input, "no export given", "name the export's folder or archive");
  }
  auto impl = std::make_unique<Impl>();
  impl->limits = limits;
  impl->parts.reserve(parts.size());
  for (const auto& path : parts) impl->parts.push_back(inspect_part(path, limits));
  return ExportTree(std::move(impl));
}

void ExportTree::visit(const Visitor& fn) {
  m_impl->report = {};
  io::VisitBudget budget(m_impl->limits, m_impl->report);
  for (std::size_t i = 0; i < m_impl->parts.size(); ++i) {
    const Part& part = m_impl->parts[i];
    budget.begin_part(i, part.shown);
    switch (part.kind) {
      case PartKind::folder:
        io::visit_folder(part.path, budget, fn);
        break;
      case PartKind::archive:
        io::visit_archive(part.path, budget, fn);
        break;
      case PartKind::empty_zip:
        break;
      case PartKind::file:
        io::visit_file(part.path, part.entry_path, budget, fn);
        break;
    }
  }
}

const std::vector<SkippedEntry>& ExportTree::skipped() const { return m_impl->report.skipped; }

std::uint64_t ExportTree::skipped_count() const { return m_impl->report.skipped_count; }

std::uint64_t ExportTree::bytes_read() const { return m_impl->report.bytes_read; }

std::vector<std::string> ExportTree::part_names() const {
  std::vector<std::string> names;
  names.reserve(m_impl->parts.size());
  for (const auto& part : m_impl->parts) names.push_back(part.shown);
  return names;
}

bool ExportTree::revisits_cheaply() const {
  return std::none_of(m_impl->parts.begin(), m_impl->parts.end(),
                      [](const Part& part) { return part.kind == PartKind::archive; });
}

}  // namespace dmvault
