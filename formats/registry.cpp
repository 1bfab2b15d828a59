// Every importer dmvault knows, listed here explicitly (no static self-registration, so the
// list is what the code says, in a fixed order).
#include "dmvault/importer.hpp"
#include "instagram/instagram_importer.hpp"

namespace dmvault {

std::vector<std::unique_ptr<Importer>> all_importers() {
  std::vector<std::unique_ptr<Importer>> importers;
  importers.push_back(formats::make_instagram_importer());
  return importers;
}

}  // namespace dmvault
