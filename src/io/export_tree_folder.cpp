// The folder side of ExportTree: a depth-first walk in byte order of names, and the one-file
// export (a plain file given on its own, read the same way as a file of a folder).
//
// The walk holds a descriptor for each folder on the current path and opens every child relative
// to it (openat with O_NOFOLLOW), rather than walking with std::filesystem paths: a path is
// resolved again at each use, so a folder swapped for a symlink between listing and opening would
// lead the walk outside the export; a descriptor cannot be redirected. Symlinks are never
// followed and fifos, sockets and devices never read: all are skipped and reported. Files are
// opened with O_NONBLOCK and checked again after opening, so one swapped for a fifo after the
// listing cannot hang the import.
#include "io/export_tree_internal.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace dmvault::io {

namespace {

std::string join(const std::string& folder, const std::string& name) {
  return folder.empty() ? name : folder + '/' + name;
}

std::size_t depth_of(const std::string& relative) {
  return relative.empty()
             ? 0
             : static_cast<std::size_t>(std::count(relative.begin(), relative.end(), '/')) + 1;
}

const char* special_file_reason(mode_t mode) {
  if (S_ISLNK(mode)) return "symbolic link (not followed)";
  if (S_ISFIFO(mode)) return "fifo";
  if (S_ISSOCK(mode)) return "socket";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "device file";
  return "unsupported file type";
}

// One folder on the path being walked: its descriptor and its children, sorted.
struct Level {
  UniqueFd fd;
  std::string relative;  // '/'-joined from the part's root; empty for the root
  std::vector<std::string> names;
  std::size_t next = 0;
};

// Lists the children of `fd`, counting each as a member (so a folder of millions of files trips
// the entry limit while it is listed, not after).
std::vector<std::string> list_folder(int fd, const std::string& relative, VisitBudget& budget) {
  const int own = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (own < 0) budget.os_failure("cannot read the folder", errno);
  DIR* dir = ::fdopendir(own);
  if (dir == nullptr) {
    const int error_number = errno;
    ::close(own);
    budget.os_failure("cannot read the folder", error_number);
  }
  // fdopendir shares the descriptor's offset; rewind in case it was used before.
  ::rewinddir(dir);
  std::vector<std::string> names;
  try {
    for (;;) {
      errno = 0;
      const dirent* child = ::readdir(dir);
      if (child == nullptr) {
        if (errno != 0) budget.os_failure("cannot read the folder", errno);
        break;
      }
      const std::string name = child->d_name;
      if (name == "." || name == "..") continue;
      budget.begin_member(printable(join(relative, name)));
      budget.end_member();
      names.push_back(name);
    }
  } catch (...) {
    ::closedir(dir);
    throw;
  }
  ::closedir(dir);
  // std::string compares as unsigned bytes: the order is the same on every machine and locale.
  std::sort(names.begin(), names.end());
  return names;
}

class FolderEntryReader final : public EntryReader {
 public:
  FolderEntryReader(int fd, VisitBudget& budget) : m_fd(fd), m_budget(budget) {}

  std::size_t read(std::span<std::uint8_t> out) override {
    m_budget.check_failed();
    std::size_t total = 0;
    while (total < out.size() && !m_end) {
      const auto want = static_cast<std::size_t>(
          std::min<std::uint64_t>(out.size() - total, m_budget.read_allowance()));
      const ssize_t got = ::read(m_fd, out.data() + total, want);
      if (got < 0) {
        if (errno == EINTR) continue;
        m_budget.os_failure("cannot read", errno);
      }
      if (got == 0) {
        m_end = true;
        break;
      }
      // The file may have grown since it was listed: the limits hold on what is really read.
      m_budget.produced(static_cast<std::uint64_t>(got));
      total += static_cast<std::size_t>(got);
    }
    m_budget.delivered(total);
    return total;
  }

 private:
  int m_fd;
  VisitBudget& m_budget;
  bool m_end = false;
};

UniqueFd open_folder_at(int parent, const char* name) {
  return UniqueFd(::openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
}

}  // namespace

void probe_folder(const std::filesystem::path& path, const std::string& shown_name) {
  const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) {
    throw Error(ErrorCode::bad_input, shown_name + ": cannot open: " + std::strerror(errno),
                "check that the export is readable");
  }
}

void visit_folder(const std::filesystem::path& path, VisitBudget& budget,
                  const ExportTree::Visitor& visitor) {
  const ExportLimits& limits = budget.limits();
  std::vector<Level> stack;
  {
    // The root is the folder the user named, so a symlink to it is followed.
    UniqueFd root(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (root.get() < 0) {
      throw Error(ErrorCode::bad_input,
                  budget.part_name() + ": cannot open: " + std::strerror(errno),
                  "check that the export is readable");
    }
    std::vector<std::string> names = list_folder(root.get(), {}, budget);
    stack.push_back({std::move(root), {}, std::move(names)});
  }

  while (!stack.empty()) {
    Level& level = stack.back();
    if (level.next == level.names.size()) {
      stack.pop_back();
      continue;
    }
    const std::string& name = level.names[level.next++];
    const int parent = level.fd.get();
    const std::string relative = join(level.relative, name);
    budget.begin_member(printable(relative), /*already_counted=*/true);

    struct stat st {};
    if (::fstatat(parent, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      // Gone since it was listed: nothing to read, and nothing of the export's to report.
      if (errno == ENOENT) {
        budget.end_member();
        continue;
      }
      budget.os_failure("cannot read", errno);
    }

    if (S_ISDIR(st.st_mode)) {
      const NormalizedName normalized = normalize_entry_name(relative, limits);
      if (!normalized.reason.empty()) {
        budget.skip("folder not read: " + normalized.reason);
      } else if (depth_of(relative) >= limits.max_path_depth) {
        budget.skip("folder not read: its files would be more than " +
                    std::to_string(limits.max_path_depth) + " levels deep");
      } else {
        UniqueFd child = open_folder_at(parent, name.c_str());
        if (child.get() < 0) {
          if (errno == ELOOP || errno == ENOTDIR) {
            budget.skip("replaced while being read");
          } else if (errno != ENOENT) {
            budget.os_failure("cannot open", errno);
          }
        } else {
          budget.end_member();
          std::vector<std::string> names = list_folder(child.get(), relative, budget);
          // `level` and `name` refer into `stack`; push_back may move it, so nothing after
          // this line uses them.
          stack.push_back({std::move(child), relative, std::move(names)});
          continue;
        }
      }
      budget.end_member();
      continue;
    }

    if (!S_ISREG(st.st_mode)) {
      budget.skip(special_file_reason(st.st_mode));
      budget.end_member();
      continue;
    }

    NormalizedName normalized = normalize_entry_name(relative, limits);
    if (!normalized.reason.empty()) {
      budget.skip(std::move(normalized.reason));
      budget.end_member();
      continue;
    }
    const UniqueFd file(
        ::openat(parent, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
    if (file.get() < 0) {
      if (errno == ELOOP) {
        budget.skip("symbolic link (not followed)");
      } else if (errno != ENOENT) {
        budget.os_failure("cannot open", errno);
      }
      budget.end_member();
      continue;
    }
    // Listed as a regular file, but it could have been swapped for a fifo or device since.
    if (::fstat(file.get(), &st) != 0) budget.os_failure("cannot read", errno);
    if (!S_ISREG(st.st_mode)) {
      budget.skip(special_file_reason(st.st_mode));
      budget.end_member();
      continue;
    }

    ExportEntry entry;
    entry.path = std::move(normalized.path);
    entry.size = static_cast<std::uint64_t>(st.st_size);
    entry.mtime_unix = static_cast<std::int64_t>(st.st_mtim.tv_sec);
    entry.part = budget.part_index();
    budget.begin_entry(entry.size, printable(entry.path));
    FolderEntryReader reader(file.get(), budget);
    visitor(entry, reader);
    budget.check_failed();
    budget.end_member();
  }
}

void visit_file(const std::filesystem::path& path, const std::string& entry_path,
                VisitBudget& budget, const ExportTree::Visitor& visitor) {
  budget.begin_member(printable(entry_path));
  // The file the user named, so a symlink to it is followed, as for a folder's root; it is
  // checked again once open, since it could have been swapped for a fifo after open().
  const UniqueFd file(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (file.get() < 0) budget.os_failure("cannot open", errno);
  struct stat st {};
  if (::fstat(file.get(), &st) != 0) budget.os_failure("cannot read", errno);
  if (!S_ISREG(st.st_mode)) {
    budget.skip(special_file_reason(st.st_mode));
    budget.end_member();
    return;
  }
  ExportEntry entry;
  entry.path = entry_path;
  entry.size = static_cast<std::uint64_t>(st.st_size);
  entry.mtime_unix = static_cast<std::int64_t>(st.st_mtim.tv_sec);
  entry.part = budget.part_index();
  budget.begin_entry(entry.size, printable(entry.path));
  FolderEntryReader reader(file.get(), budget);
  visitor(entry, reader);
  budget.check_failed();
  budget.end_member();
}

}  // namespace dmvault::io
