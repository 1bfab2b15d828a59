// The viewer's page, script and style sheet (src/serve/assets/), compiled into the binary at
// build time (embed_assets.cmake): the viewer loads nothing from outside and reads no file.
#pragma once

#include <span>
#include <string_view>

namespace dmvault::serve {

struct Asset {
  std::string_view path;  // "/index.html", "/app.js" ...
  std::string_view media_type;
  std::string_view content;
};

std::span<const Asset> assets();

}  // namespace dmvault::serve
