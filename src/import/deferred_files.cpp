#include "import/deferred_files.hpp"

#include "dmvault/error.hpp"
#include "dmvault/secret.hpp"

#include <algorithm>
#include <array>

namespace dmvault::import {

namespace {

// Thrown through ExportTree::visit to stop it when the import is abandoned.
struct Stopped {};

}  // namespace

bool is_media_path(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const std::size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || name.size() - dot > 6) return false;
  std::string extension(name.substr(dot + 1));
  for (char& c : extension) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  // What the platforms attach: photos, stickers, videos, voice notes, shared documents.
  static constexpr std::array<std::string_view, 34> kMedia = {
      "jpg", "jpeg", "png",  "gif",  "webp", "heic", "heif", "avif", "bmp",  "tif", "tiff", "ico",
      "mp4", "m4v",  "mov",  "webm", "mkv",  "avi",  "3gp",  "mpg",  "mpeg", "mp3", "m4a",  "aac",
      "ogg", "oga",  "opus", "wav",  "amr",  "flac", "wma",  "pdf",  "tgs",  "caf"};
  return std::find(kMedia.begin(), kMedia.end(), extension) != kMedia.end();
}

DeferredFiles::DeferredFiles(Vault& vault, ExportTree& tree) : m_vault(vault), m_tree(tree) {}

DeferredFiles::~DeferredFiles() {
  if (m_thread.joinable()) {
    m_stop = true;
    m_thread.join();
  }
}

std::size_t DeferredFiles::add(const ExportEntry& entry) {
  m_files.push_back(File{entry.part, entry.path, {}, 0});
  return m_files.size() - 1;
}

void DeferredFiles::start() {
  if (m_running || m_done || m_files.empty()) return;
  m_snapshot.emplace(m_vault.snapshot());
  m_running = true;
  m_thread = std::thread([this] {
    try {
      store_all();
    } catch (...) {
      m_error = std::current_exception();
    }
  });
}

void DeferredFiles::wait() {
  if (m_done) return;
  if (m_files.empty()) {
    // Nothing was left for later (an archive, or no media): no second visit at all, which for
    // an archive would decompress it again.
  } else if (m_running) {
    m_thread.join();
    m_running = false;
    m_snapshot.reset();
  } else {
    try {
      store_all();
    } catch (...) {
      m_error = std::current_exception();
    }
  }
  m_done = true;
  if (m_error) std::rethrow_exception(m_error);
}

// A second visit of the export, in the same order as the first: each file added is found again
// by its part and path, and the entries between are left unread (for a folder, opened and
// closed).
void DeferredFiles::store_all() {
  PlainBytes buffer(std::size_t{1} << 20);
  std::size_t next = 0;
  m_tree.visit([&](const ExportEntry& entry, EntryReader& reader) {
    if (m_stop) throw Stopped{};
    if (next == m_files.size()) return;
    File& file = m_files[next];
    if (entry.part != file.part || entry.path != file.path) return;
    ++next;
    auto writer = m_vault.writer();
    for (std::size_t n; (n = reader.read(buffer.span())) != 0;) {
      writer->write(buffer.span().first(n));
      file.size += n;
      if (m_stop) throw Stopped{};
    }
    file.id = writer->finish();
  });
  if (next != m_files.size()) {
    const File& gone = m_files[next];
    throw Error(ErrorCode::bad_input,
                m_tree.part_names().at(gone.part) + ": " + gone.path +
                    ": was removed while the export was being imported",
                "import the export again once nothing is changing it");
  }
}

}  // namespace dmvault::import
