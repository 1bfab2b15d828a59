#include "common/html_dom.hpp"

#include "common/format_text.hpp"
#include "dmvault/error.hpp"

namespace dmvault::formats {

namespace {

void destroy_output(GumboOutput* output) { gumbo_destroy_output(&kGumboDefaultOptions, output); }

bool is_tag_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

}  // namespace

std::size_t estimated_html_depth(std::string_view html) {
  static constexpr std::array<std::string_view, 14> kVoid = {
      "area",  "base", "br",   "col",    "embed", "hr",  "img",
      "input", "link", "meta", "source", "track", "wbr", "param"};
  std::size_t depth = 0;
  std::size_t deepest = 0;
  std::size_t pos = 0;
  while ((pos = html.find('<', pos)) != std::string_view::npos) {
    ++pos;
    if (html.substr(pos, 3) == "!--") {
      const std::size_t end = html.find("-->", pos + 3);
      if (end == std::string_view::npos) break;
      pos = end + 3;
      continue;
    }
    if (pos < html.size() && html[pos] == '/') {
      if (depth > 0) --depth;
      continue;
    }
    std::size_t end = pos;
    while (end < html.size() && is_tag_name_char(html[end])) ++end;
    if (end == pos) continue;
    const std::string name = ascii_lower(html.substr(pos, end - pos));
    const std::size_t close = html.find('>', end);
    if (close == std::string_view::npos) break;
    pos = close + 1;
    if (html[close - 1] == '/' || std::find(kVoid.begin(), kVoid.end(), name) != kVoid.end()) {
      continue;
    }
    if (name == "script" || name == "style") {
      const std::size_t stop = html.find("</", pos);
      if (stop == std::string_view::npos) break;
      pos = stop + 2;
      continue;
    }
    deepest = std::max(deepest, ++depth);
  }
  return deepest;
}

HtmlDocument::HtmlDocument(std::string_view html, const std::string& path, std::string_view what)
    : m_output(nullptr, destroy_output) {
  if (estimated_html_depth(html) > kMaxHtmlDepth) {
    throw Error(ErrorCode::bad_input,
                path + ": HTML nested more than " + std::to_string(kMaxHtmlDepth) +
                    " levels deep, which no export does",
                "the file is not " + std::string(what) + "; check what was given to import");
  }
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;  // errors are not used; do not collect them
  m_output.reset(gumbo_parse_with_options(&options, html.data(), html.size()));
  if (!m_output) throw Error(ErrorCode::bad_input, path + ": the HTML parser failed");
}

bool is_element(const GumboNode* node) {
  return node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE;
}

bool is_text(const GumboNode* node) {
  return node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE ||
         node->type == GUMBO_NODE_CDATA;
}

GumboTag tag_of(const GumboNode* node) {
  return is_element(node) ? node->v.element.tag : GUMBO_TAG_UNKNOWN;
}

const GumboVector& children_of(const GumboNode* node) {
  return node->type == GUMBO_NODE_DOCUMENT ? node->v.document.children : node->v.element.children;
}

void push_children(const GumboNode* node, std::vector<const GumboNode*>& stack) {
  const GumboVector& kids = children_of(node);
  for (unsigned i = kids.length; i-- > 0;) stack.push_back(child_at(kids, i));
}

std::string_view source_of(const GumboNode* element, std::string_view html) {
  const GumboElement& e = element->v.element;
  std::size_t begin = e.start_pos.offset;
  if (e.original_tag.data != nullptr && e.original_tag.length != 0) {
    begin = static_cast<std::size_t>(e.original_tag.data - html.data());
  }
  std::size_t end = e.end_pos.offset;
  if (e.original_end_tag.data != nullptr && e.original_end_tag.length != 0) {
    end =
        static_cast<std::size_t>(e.original_end_tag.data - html.data()) + e.original_end_tag.length;
  }
  begin = std::min(begin, html.size());
  end = std::min(std::max(end, begin), html.size());
  return html.substr(begin, end - begin);
}

std::string_view attribute(const GumboNode* node, const char* name) {
  if (!is_element(node)) return {};
  const GumboAttribute* a = gumbo_get_attribute(&node->v.element.attributes, name);
  return a == nullptr || a->value == nullptr ? std::string_view() : std::string_view(a->value);
}

bool has_class(const GumboNode* node, std::string_view token) {
  std::string_view classes = attribute(node, "class");
  while (!classes.empty()) {
    const std::size_t start = classes.find_first_not_of(" \t\n\r\f");
    if (start == std::string_view::npos) break;
    classes.remove_prefix(start);
    const std::size_t end = classes.find_first_of(" \t\n\r\f");
    if (classes.substr(0, end) == token) return true;
    if (end == std::string_view::npos) break;
    classes.remove_prefix(end);
  }
  return false;
}

}  // namespace dmvault::formats
