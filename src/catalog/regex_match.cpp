#include "catalog/regex_match.hpp"

#include "dmvault/error.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <sqlite3.h>

#include <pcre2.h>
#include <string>

namespace dmvault::catalog {

namespace {

// Generous for any sane pattern on a message (the longest are a few hundred kB), small enough
// that catastrophic backtracking stops within a fraction of a second.
constexpr std::uint32_t kMatchLimit = 5'000'000;
constexpr std::uint32_t kDepthLimit = 100'000;

std::string pcre_message(int code) {
  PCRE2_UCHAR buffer[256];
  const int length = pcre2_get_error_message(code, buffer, sizeof buffer);
  if (length < 0) return "error " + std::to_string(code);
  return std::string(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(length));
}

}  // namespace

struct Regex::Code {
  pcre2_code* code = nullptr;
  pcre2_match_context* context = nullptr;
  ~Code() {
    pcre2_match_context_free(context);
    pcre2_code_free(code);
  }
};

Regex::Regex(std::unique_ptr<Code> code) : m_code(std::move(code)) {}
Regex::Regex(Regex&&) noexcept = default;
Regex& Regex::operator=(Regex&&) noexcept = default;
Regex::~Regex() = default;

Regex Regex::compile(std::string_view pattern) {
  int error = 0;
  PCRE2_SIZE offset = 0;
  auto code = std::make_unique<Code>();
  // MATCH_INVALID_UTF: the catalog holds valid UTF-8, but a match must never be undefined
  // behaviour whatever the text is. UCP: \w, \b and [[:alpha:]] know every script.
  code->code =
      pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                    PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &error, &offset, nullptr);
  if (code->code == nullptr) {
    throw Error(ErrorCode::usage,
                "--regex: " + pcre_message(error) + " at position " + std::to_string(offset + 1),
                "the pattern is Perl-compatible (PCRE2); put (?i) first to ignore case");
  }
  // JIT when the platform has it; the interpreter gives the same answers otherwise.
  pcre2_jit_compile(code->code, PCRE2_JIT_COMPLETE);
  code->context = pcre2_match_context_create(nullptr);
  if (code->context == nullptr) throw std::bad_alloc();
  pcre2_set_match_limit(code->context, kMatchLimit);
  pcre2_set_depth_limit(code->context, kDepthLimit);
  return Regex(std::move(code));
}

std::vector<std::pair<std::size_t, std::size_t>> Regex::find(std::string_view text,
                                                             std::size_t max) const {
  std::vector<std::pair<std::size_t, std::size_t>> found;
  pcre2_match_data* data = pcre2_match_data_create_from_pattern(m_code->code, nullptr);
  if (data == nullptr) throw std::bad_alloc();
  std::size_t at = 0;
  int rc = 0;
  while (found.size() < max && at <= text.size()) {
    rc = pcre2_match(m_code->code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), at, 0,
                     data, m_code->context);
    if (rc < 0) break;
    const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(data);
    const std::size_t begin = ovector[0];
    const std::size_t end = ovector[1];
    if (end > begin) {
      found.emplace_back(begin, end);
      at = end;
    } else {
      // An empty match (a pattern like x*): count it once, then step over one character.
      if (found.empty() && max == 1) found.emplace_back(begin, end);
      at = begin + 1;
      while (at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) ++at;
    }
  }
  pcre2_match_data_free(data);
  if (rc < 0 && rc != PCRE2_ERROR_NOMATCH) {
    throw Error(ErrorCode::usage,
                "--regex: the pattern cannot be matched against a message: " + pcre_message(rc),
                "simplify the pattern: nested repetitions like (a+)+ backtrack without end");
  }
  return found;
}

bool Regex::matches(std::string_view text) const { return !find(text, 1).empty(); }

namespace {

thread_local std::optional<Error> t_regexp_error;

void regexp_function(sqlite3_context* context, int argc, sqlite3_value** argv) {
  if (argc != 2 || sqlite3_value_type(argv[0]) == SQLITE_NULL ||
      sqlite3_value_type(argv[1]) == SQLITE_NULL) {
    sqlite3_result_int(context, 0);
    return;
  }
  try {
    auto* regex = static_cast<Regex*>(sqlite3_get_auxdata(context, 0));
    if (regex == nullptr) {
      const auto* pattern = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
      auto compiled = std::make_unique<Regex>(Regex::compile(
          std::string_view(pattern, static_cast<std::size_t>(sqlite3_value_bytes(argv[0])))));
      regex = compiled.release();
      // SQLite owns it from here, and may free it at once (then it is gone for the next row).
      sqlite3_set_auxdata(context, 0, regex, [](void* p) { delete static_cast<Regex*>(p); });
      regex = static_cast<Regex*>(sqlite3_get_auxdata(context, 0));
      if (regex == nullptr) {
        sqlite3_result_error_nomem(context);
        return;
      }
    }
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
    const std::string_view view(text, static_cast<std::size_t>(sqlite3_value_bytes(argv[1])));
    sqlite3_result_int(context, regex->matches(view) ? 1 : 0);
  } catch (const Error& error) {
    t_regexp_error = error;
    sqlite3_result_error(context, error.what(), -1);
  } catch (const std::bad_alloc&) {
    sqlite3_result_error_nomem(context);
  }
}

}  // namespace

void register_regexp_function(sqlite3* db) {
  const int rc = sqlite3_create_function_v2(db, "dm_regexp", 2,
                                            SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                            nullptr, regexp_function, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) throw Error(ErrorCode::io, "catalog: registering dm_regexp failed");
}

std::optional<Error> take_regexp_error() {
  std::optional<Error> error;
  error.swap(t_regexp_error);
  return error;
}

}  // namespace dmvault::catalog
