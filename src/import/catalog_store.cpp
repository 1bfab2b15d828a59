#include "import/catalog_store.hpp"

#include "dmvault/error.hpp"
#include "import/scratch_file.hpp"

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
// conversation export, statistics) cost what loading the whole image cost, never more.
class VaultCatalogSource final : public catalog::ImageSource {
 public:
  VaultCatalogSource(const Vault& vault, const ObjectId& id)
      : m_vault(vault), m_pieces(vault.pieces(id)), m_chunks(m_pieces.size()) {
    m_starts.reserve(m_pieces.size());
    for (const Vault::Piece& piece : m_pieces) {
      m_starts.push_back(m_size);
      m_size += piece.size;
    }
  }

  std::uint64_t size() const override { return m_size; }

  void read(std::uint64_t offset, std::span<std::uint8_t> out) override {
    while (!out.empty()) {
      // The piece holding `offset`: the last one starting at or before it.
      const auto after = std::upper_bound(m_starts.begin(), m_starts.end(), offset);
      const auto index = static_cast<std::size_t>(after - m_starts.begin()) - 1;
      const PlainBytes& chunk = chunk_at(index);
      const std::uint64_t within = offset - m_starts[index];
      const std::size_t count =
          static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), chunk.size() - within));
      std::memcpy(out.data(), chunk.data() + within, count);
      out = out.subspan(count);
      offset += count;
    }
  }

 private:
  const PlainBytes& chunk_at(std::size_t index) {
    std::unique_ptr<PlainBytes>& chunk = m_chunks[index];
    if (chunk == nullptr) {
      auto bytes = std::make_unique<PlainBytes>(m_vault.read(m_pieces[index].id));
      if (bytes->size() != m_pieces[index].size || bytes->size() == 0) {
        throw Error(ErrorCode::corrupted, "catalog is damaged: a chunk has the wrong size",
                    "run 'dmvault verify' to list everything that is affected");
      }
      chunk = std::move(bytes);
    }
    return *chunk;
  }

  const Vault& m_vault;
  std::vector<Vault::Piece> m_pieces;
  std::vector<std::uint64_t> m_starts;
  std::uint64_t m_size = 0;
  std::vector<std::unique_ptr<PlainBytes>> m_chunks;
};

}  // namespace

catalog::Catalog load_catalog(const Vault& vault) {
  const auto root = vault.root(kCatalogRoot);
  if (!root) return catalog::Catalog::create();
  return catalog::Catalog::load_paged(std::make_shared<VaultCatalogSource>(vault, *root));
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
