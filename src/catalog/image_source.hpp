// Random read access to a catalog image that is not held in memory as a whole: a paged catalog
// (Catalog::load_paged) reads its database pages through it, on demand.
#pragma once

#include <cstdint>
#include <span>

namespace dmvault::catalog {

class ImageSource {
 public:
  virtual ~ImageSource() = default;
  virtual std::uint64_t size() const = 0;
  // Copies bytes [offset, offset + out.size()) of the image, which lie within size(), into
  // `out`. Throws Error for a damaged or missing part of the image.
  virtual void read(std::uint64_t offset, std::span<std::uint8_t> out) = 0;
};

}  // namespace dmvault::catalog
