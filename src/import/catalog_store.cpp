#include "import/catalog_store.hpp"

#include "dmvault/error.hpp"
#include "import/scratch_file.hpp"
#include "util/plain_region.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

namespace dmvault::import {

namespace {

// The catalog object read piece by piece: a chunk is decrypted the first time a page in it is
// needed and then kept (wiped when the catalog closes), so every chunk is decrypted at most once
// and a query that needs a few pages of a large catalog decrypts a few chunks. Keeping every
// chunk read, instead of a bounded cache, makes a query that walks the whole catalog (a
// conversation export, statistics) cost what loading the whole image cost, never more. The
// chunks are kept in one region the size of the image (util::PlainRegion), each at its place.
class VaultCatalogSource final : public catalog::ImageSource {
 public:
  VaultCatalogSource(const Vault& vault, const ObjectId& id, CatalogReading reading)
      : m_vault(vault),
        m_pieces(vault.pieces(id)),
        m_starts(starts_of(m_pieces)),
        m_size(m_pieces.empty() ? 0 : m_starts.back() + m_pieces.back().size),
        m_loaded(m_pieces.size(), false),
        m_image(static_cast<std::size_t>(m_size), reading == CatalogReading::whole
                                                      ? util::PlainRegion::Filling::whole
                                                      : util::PlainRegion::Filling::in_parts) {}

  std::uint64_t size() const override { return m_size; }

  void read(std::uint64_t offset, std::span<std::uint8_t> out) override {
    while (!out.empty()) {
      // The piece holding `offset`: the last one starting at or before it.
      const auto after = std::upper_bound(m_starts.begin(), m_starts.end(), offset);
      const auto index = static_cast<std::size_t>(after - m_starts.begin()) - 1;
      load(index);
      const std::uint64_t within = offset - m_starts[index];
      const std::size_t count = static_cast<std::size_t>(
          std::min<std::uint64_t>(out.size(), m_pieces[index].size - within));
      const auto bytes = m_image.view(static_cast<std::size_t>(offset), count);
      std::memcpy(out.data(), bytes.data(), count);
      out = out.subspan(count);
      offset += count;
    }
  }

 private:
  static std::vector<std::uint64_t> starts_of(const std::vector<Vault::Piece>& pieces) {
    std::vector<std::uint64_t> starts;
    starts.reserve(pieces.size());
    std::uint64_t at = 0;
    for (const Vault::Piece& piece : pieces) {
      starts.push_back(at);
      at += piece.size;
    }
    return starts;
  }

  void load(std::size_t index) {
    if (m_loaded[index]) return;
    const PlainBytes bytes = m_vault.read(m_pieces[index].id);
    if (bytes.size() != m_pieces[index].size || bytes.empty()) {
      throw Error(ErrorCode::corrupted, "catalog is damaged: a chunk has the wrong size",
                  "run 'dmvault verify' to list everything that is affected");
    }
    m_image.write(static_cast<std::size_t>(m_starts[index]), bytes.span());
    m_loaded[index] = true;
  }

  const Vault& m_vault;
  std::vector<Vault::Piece> m_pieces;
  std::vector<std::uint64_t> m_starts;
  std::uint64_t m_size;
  std::vector<bool> m_loaded;
  util::PlainRegion m_image;
};

}  // namespace

catalog::Catalog load_catalog(const Vault& vault, CatalogReading reading) {
  const auto root = vault.root(kCatalogRoot);
  if (!root) return catalog::Catalog::create();
  return catalog::Catalog::load_paged(std::make_shared<VaultCatalogSource>(vault, *root, reading));
}

catalog::Catalog load_catalog_for_update(const Vault& vault,
                                         const std::filesystem::path& scratch_directory) {
  auto file = EncryptedScratchFile::create(scratch_directory);
  auto index_file = EncryptedScratchFile::create(scratch_directory);
  const auto root = vault.root(kCatalogRoot);
  if (!root) return catalog::Catalog::create_in(std::move(file), std::move(index_file));
  std::uint64_t at = 0;
  vault.read_stream(*root, [&](std::span<const std::uint8_t> piece) {
    file->write(at, piece);
    at += piece.size();
  });
  return catalog::Catalog::load_into(std::move(file), std::move(index_file));
}

void store_catalog(Vault& vault, catalog::Catalog& catalog) {
  auto writer = vault.writer();
  catalog.stream_image([&](std::span<const std::uint8_t> piece) { writer->write(piece); });
  vault.set_root(kCatalogRoot, writer->finish());
}

}  // namespace dmvault::import
