// A UTF-8 C locale for the calling thread only. libarchive converts entry names through the C
// library's current locale, which in a program that never called setlocale() is ASCII: every
// non-ASCII UTF-8 name then fails to convert (and libarchive 3.6's pax writer crashes reporting
// it). Both the export reader (src/io) and the archive writer (src/export) therefore make every
// libarchive call inside a ScopedUtf8Locale; uselocale leaves the rest of the process alone.
#pragma once

namespace dmvault::util {

// True when the C library has a UTF-8 locale (C.UTF-8, C.utf8 or en_US.UTF-8); without one,
// ScopedUtf8Locale changes nothing and only ASCII names survive libarchive.
bool has_utf8_locale();

// Switches the calling thread to the UTF-8 locale for the object's lifetime, then back.
class ScopedUtf8Locale {
 public:
  ScopedUtf8Locale();
  ~ScopedUtf8Locale();
  ScopedUtf8Locale(const ScopedUtf8Locale&) = delete;
  ScopedUtf8Locale& operator=(const ScopedUtf8Locale&) = delete;

 private:
  // The thread's locale before, a locale_t kept opaque so that callers need not see <locale.h>.
  void* m_previous = nullptr;
};

}  // namespace dmvault::util
