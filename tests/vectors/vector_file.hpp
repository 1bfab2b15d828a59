// Reader for tests/vectors/vectors.txt, the test vectors written by gen_vectors.py: blocks of
// "name: value" lines separated by blank lines, each block starting with "kind: K"; byte strings
// are hex, integers decimal, "#" starts a comment line. Deliberately self-contained (its own hex
// decoder) so that the code under test is not also the code that reads the expected values.
#pragma once

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <map>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dmvault::test {

inline std::string to_hex(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const std::uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xf]);
  }
  return out;
}

class Vector {
 public:
  Vector(std::string kind, int line) : m_kind(std::move(kind)), m_line(line) {}

  const std::string& kind() const { return m_kind; }
  // "kind 'name' (vectors.txt line N)", for failure messages.
  std::string where() const {
    return m_kind + " '" + (has("name") ? text("name") : std::string()) + "' (vectors.txt line " +
           std::to_string(m_line) + ")";
  }

  bool has(const std::string& field) const { return m_fields.count(field) != 0; }

  const std::string& text(const std::string& field) const {
    const auto it = m_fields.find(field);
    if (it == m_fields.end()) throw std::runtime_error(where() + ": no field '" + field + "'");
    return it->second;
  }

  std::vector<std::uint8_t> bytes(const std::string& field) const {
    const std::string& hex = text(field);
    if (hex.size() % 2 != 0) throw std::runtime_error(where() + ": odd hex in '" + field + "'");
    std::vector<std::uint8_t> out(hex.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
      unsigned value = 0;
      const char* first = hex.data() + 2 * i;
      const auto [end, error] = std::from_chars(first, first + 2, value, 16);
      if (error != std::errc() || end != first + 2) {
        throw std::runtime_error(where() + ": bad hex in '" + field + "'");
      }
      out[i] = static_cast<std::uint8_t>(value);
    }
    return out;
  }

  template <std::size_t N>
  std::array<std::uint8_t, N> array(const std::string& field) const {
    const std::vector<std::uint8_t> value = bytes(field);
    if (value.size() != N) {
      throw std::runtime_error(where() + ": '" + field + "' is " + std::to_string(value.size()) +
                               " bytes, expected " + std::to_string(N));
    }
    std::array<std::uint8_t, N> out{};
    std::copy(value.begin(), value.end(), out.begin());
    return out;
  }

  std::uint64_t u64(const std::string& field) const {
    const std::string& digits = text(field);
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (digits.empty() || error != std::errc() || end != digits.data() + digits.size()) {
      throw std::runtime_error(where() + ": bad integer in '" + field + "'");
    }
    return value;
  }

  void set(const std::string& field, std::string value) {
    if (!m_fields.emplace(field, std::move(value)).second) {
      throw std::runtime_error(where() + ": field '" + field + "' given twice");
    }
  }

 private:
  std::string m_kind;
  int m_line;
  std::map<std::string, std::string> m_fields;
};

inline std::vector<Vector> load_vectors(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw std::runtime_error("cannot open " + path);
  std::vector<Vector> vectors;
  bool in_block = false;
  std::string line;
  int number = 0;
  while (std::getline(file, line)) {
    ++number;
    if (line.empty()) {
      in_block = false;
      continue;
    }
    if (line[0] == '#') continue;
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) {
      throw std::runtime_error(path + ":" + std::to_string(number) + ": no ':' in line");
    }
    const std::string name = line.substr(0, colon);
    std::string value = line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.erase(0, 1);
    if (!in_block) {
      if (name != "kind") {
        throw std::runtime_error(path + ":" + std::to_string(number) + ": block without kind");
      }
      vectors.emplace_back(value, number);
      in_block = true;
    } else {
      vectors.back().set(name, std::move(value));
    }
  }
  return vectors;
}

inline std::vector<Vector> vectors_of_kind(std::string_view kind) {
  static const std::vector<Vector> all =
      load_vectors(std::string(DMVAULT_SOURCE_DIR) + "/tests/vectors/vectors.txt");
  std::vector<Vector> out;
  for (const Vector& v : all) {
    if (v.kind() == kind) out.push_back(v);
  }
  return out;
}

}  // namespace dmvault::test
