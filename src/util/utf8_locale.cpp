#include "util/utf8_locale.hpp"

#include <initializer_list>
#include <locale.h>

namespace dmvault::util {

namespace {

// Made once and never freed: a locale_t may be in use by any thread until the process ends.
locale_t utf8_locale() {
  static const locale_t locale = [] {
    // C.UTF-8 is built into glibc since 2.35; the others cover older or different C libraries.
    for (const char* name : {"C.UTF-8", "C.utf8", "en_US.UTF-8"}) {
      if (const locale_t found = newlocale(LC_ALL_MASK, name, locale_t{})) return found;
    }
    return locale_t{};
  }();
  return locale;
}

}  // namespace

bool has_utf8_locale() { return utf8_locale() != locale_t{}; }

ScopedUtf8Locale::ScopedUtf8Locale() {
  if (const locale_t utf8 = utf8_locale()) m_previous = uselocale(utf8);
}

ScopedUtf8Locale::~ScopedUtf8Locale() {
  if (m_previous != nullptr) uselocale(static_cast<locale_t>(m_previous));
}

}  // namespace dmvault::util
