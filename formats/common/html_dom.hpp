// Reading export pages with gumbo, for the importers of HTML exports (Meta, Telegram): a parse
// that refuses absurdly deep nesting before gumbo sees it, and the small DOM queries both need.
// Elements are matched by single class tokens, never by whole class strings, which exporters
// change with every redesign.
#pragma once

#include <gumbo.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace dmvault::formats {

// Real export pages nest 12 to 20 levels deep. gumbo's tree building is linear in the depth for
// every tag, so unbounded nesting would make a hostile file take hours.
inline constexpr std::size_t kMaxHtmlDepth = 512;

// Conservative upper bound of the element nesting depth, computed on the bytes before gumbo sees
// them (end tags close; void and self-closed tags do not open; comments, scripts and styles hold
// no elements).
std::size_t estimated_html_depth(std::string_view html);

// A parsed page. It points into `html`, which must outlive it.
class HtmlDocument {
 public:
  // Throws Error(bad_input) naming `path` when the page nests deeper than kMaxHtmlDepth (the
  // hint says it is not `what`, e.g. "a Telegram export page") or when gumbo fails.
  HtmlDocument(std::string_view html, const std::string& path, std::string_view what);
  const GumboNode* root() const { return m_output->document; }

 private:
  std::unique_ptr<GumboOutput, void (*)(GumboOutput*)> m_output;
};

bool is_element(const GumboNode* node);
// Text, whitespace or CDATA: a node whose text is node->v.text.text.
bool is_text(const GumboNode* node);
GumboTag tag_of(const GumboNode* node);  // GUMBO_TAG_UNKNOWN for text, comments, the document

// The children of an element or of the document.
const GumboVector& children_of(const GumboNode* node);
inline const GumboNode* child_at(const GumboVector& children, unsigned i) {
  return static_cast<const GumboNode*>(children.data[i]);
}

// The bytes of `element` in `html` (the page it was parsed from), start tag to end tag as the
// file has them: a record's raw form.
std::string_view source_of(const GumboNode* element, std::string_view html);

// Pushes the children of `node` on `stack` so that they pop in document order (for depth-first
// walks without recursion, which a hostile page could make as deep as kMaxHtmlDepth).
void push_children(const GumboNode* node, std::vector<const GumboNode*>& stack);

// The attribute's value; empty when absent or when `node` is no element.
std::string_view attribute(const GumboNode* node, const char* name);

// Whether `token` is one of the whitespace-separated tokens of the class attribute.
bool has_class(const GumboNode* node, std::string_view token);

template <std::size_t N>
bool has_any_class(const GumboNode* node, const std::array<std::string_view, N>& tokens) {
  return std::any_of(tokens.begin(), tokens.end(),
                     [&](std::string_view t) { return has_class(node, t); });
}

}  // namespace dmvault::formats
