#include "io/memory_storage.hpp"

#include "io/crash_random.hpp"
#include "io/storage_errors.hpp"

#include <algorithm>
#include <cerrno>
#include <random>
#include <stdexcept>

namespace dmvault::io {
namespace {

constexpr const char* kName = "<memory>";

// Far beyond what any test writes, yet small enough that a bogus offset becomes an EFBIG error
// like a real file's instead of an attempt to allocate exabytes.
constexpr std::uint64_t kMaxSize = std::uint64_t{1} << 36;

void apply_write(std::vector<std::uint8_t>& image, std::uint64_t offset,
                 std::span<const std::uint8_t> bytes) {
  const auto begin = static_cast<std::size_t>(offset);
  if (image.size() < begin + bytes.size()) image.resize(begin + bytes.size());
  std::copy(bytes.begin(), bytes.end(), image.begin() + static_cast<std::ptrdiff_t>(begin));
}

}  // namespace

MemoryStorage::MemoryStorage(std::vector<std::uint8_t> image)
    : m_contents(image), m_durable(std::move(image)) {}

std::uint64_t MemoryStorage::size() { return m_contents.size(); }

void MemoryStorage::read_at(std::uint64_t offset, std::span<std::uint8_t> out) {
  if (offset > m_contents.size() || out.size() > m_contents.size() - offset) {
    throw end_of_file_error(kName, offset);
  }
  std::copy_n(m_contents.begin() + static_cast<std::ptrdiff_t>(offset), out.size(), out.begin());
}

void MemoryStorage::write_at(std::uint64_t offset, std::span<const std::uint8_t> data) {
  ++m_operation_count;
  if (offset > kMaxSize || data.size() > kMaxSize - offset) throw write_error(kName, EFBIG);
  if (data.empty()) return;
  apply_write(m_contents, offset, data);
  m_pending.push_back({false, offset, {data.begin(), data.end()}});
}

void MemoryStorage::sync() {
  ++m_operation_count;
  m_durable = m_contents;
  m_pending.clear();
}

void MemoryStorage::truncate(std::uint64_t new_size) {
  ++m_operation_count;
  if (new_size > kMaxSize) throw truncate_error(kName, EFBIG);
  m_contents.resize(static_cast<std::size_t>(new_size));
  m_pending.push_back({true, new_size, {}});
}

std::string MemoryStorage::describe() const { return kName; }

std::vector<std::uint8_t> MemoryStorage::contents() const { return m_contents; }

std::vector<std::uint8_t> MemoryStorage::durable_image() const { return m_durable; }

std::vector<std::uint8_t> MemoryStorage::crash_image(std::uint64_t seed, CrashModel model) const {
  if (model.sector_size == 0) throw std::invalid_argument("CrashModel::sector_size must be > 0");
  std::mt19937_64 rng(seed);
  std::vector<std::uint8_t> image = m_durable;

  const auto apply = [&](const PendingOperation& operation, bool torn) {
    if (operation.is_truncate) {
      image.resize(static_cast<std::size_t>(operation.offset));
      return;
    }
    if (!torn) {
      apply_write(image, operation.offset, operation.bytes);
      return;
    }
    for (const detail::SectorPiece& piece :
         detail::sector_pieces(operation.offset, operation.bytes.size(), model.sector_size)) {
      if (detail::coin(rng)) {
        apply_write(image, piece.offset,
                    std::span(operation.bytes).subspan(piece.begin, piece.length));
      }
    }
    // The new size may reach the disk without the data that justified it (the gap reads back
    // as zeros), as with a writeback-mode journal.
    const std::uint64_t end = operation.offset + operation.bytes.size();
    if (image.size() < end && detail::coin(rng)) image.resize(static_cast<std::size_t>(end));
  };

  if (model.reorder) {
    // Each image draws its own survival rate (0, 1/4, ... 1), so that over many seeds the images
    // span "nothing reached the disk" to "everything did", not only middling mixtures.
    const std::uint64_t survival_quarters = detail::uniform_below(rng, 5);
    std::vector<std::size_t> survivors;
    for (std::size_t i = 0; i < m_pending.size(); ++i) {
      if (detail::uniform_below(rng, 4) < survival_quarters) survivors.push_back(i);
    }
    detail::shuffle(survivors, rng);
    for (const std::size_t i : survivors)
      apply(m_pending[i], model.torn_writes && detail::coin(rng));
  } else {
    const auto complete =
        static_cast<std::size_t>(detail::uniform_below(rng, m_pending.size() + 1));
    for (std::size_t i = 0; i < complete; ++i) apply(m_pending[i], false);
    // A truncate is atomic: only a write can be caught halfway.
    if (complete < m_pending.size() && model.torn_writes && !m_pending[complete].is_truncate) {
      apply(m_pending[complete], true);
    }
  }
  return image;
}

}  // namespace dmvault::io
