// The search language: parser, the AST printer, the translation into a catalog request, and the
// script test that routes terms to the substring index. Error(usage) is the expected answer to a
// malformed query.
#include "fuzz/fuzz_target.hpp"
#include "query/query.hpp"

using namespace dmvault;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = fuzz::text_of(data, size);
  (void)query::needs_substring_search(text);
  fuzz::expect_errors([&] {
    const query::Node node = query::parse(text);
    (void)query::to_string(node);
    (void)query::translate(node, {});
    query::TranslateOptions utc;
    utc.utc = true;
    (void)query::translate(node, utc);
  });
  return 0;
}
