// The JSON accessors of meta_json_file.hpp and simdjson's DOM types by their short names, for the
// importers outside the Meta family that read their JSON with them (Discord, Telegram, X). A
// file that includes this header uses these names throughout dmvault::formats.
#pragma once

#include "meta/meta_json_file.hpp"

namespace dmvault::formats {

using meta::as_array;
using meta::as_bool;
using meta::as_int64;
using meta::as_object;
using meta::as_string;
using meta::member;
using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

}  // namespace dmvault::formats
