#include "util/json_writer.hpp"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstdint>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>

namespace dmvault::util {
namespace {

std::string encoded(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

TEST(JsonWriter, NestedDocument) {
  std::ostringstream out;
  JsonWriter json(out);
  json.begin_object();
  json.field("name", "ana");
  json.field("count", 3);
  json.field("big", std::numeric_limits<std::uint64_t>::max());
  json.field("negative", std::int64_t{-42});
  json.field("flag", false);
  json.key("nothing").null();
  json.key("list").begin_array();
  json.value(1).value("two").begin_object().end_object().begin_array().end_array();
  json.end_array();
  json.key("empty").begin_object().end_object();
  json.end_object();
  EXPECT_TRUE(json.complete());
  EXPECT_EQ(out.str(),
            R"({"name":"ana","count":3,"big":18446744073709551615,"negative":-42,"flag":false,)"
            R"("nothing":null,"list":[1,"two",{},[]],"empty":{}})");
}

TEST(JsonWriter, EscapesControlCharacters) {
  EXPECT_EQ(encoded("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(encoded("\b\f\n\r\t"), R"("\b\f\n\r\t")");
  EXPECT_EQ(encoded(std::string("\x00\x01\x1f\x7f", 4)), R"("\u0000\u0001\u001f\u007f")");
  EXPECT_EQ(encoded("/"), R"("/")");
}

TEST(JsonWriter, KeepsValidUtf8) {
  const std::string text =
      "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xEF\xBF\xBF \xF4\x8F\xBF\xBF";
  EXPECT_EQ(encoded(text), "\"" + text + "\"");
}

TEST(JsonWriter, ReplacesInvalidUtf8) {
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(encoded("caf\xE9"), "\"caf" + r + "\"");                    // Latin-1
  EXPECT_EQ(encoded("\xC0\xAF"), "\"" + r + r + "\"");                  // overlong
  EXPECT_EQ(encoded("\xED\xA0\x80"), "\"" + r + r + r + "\"");          // surrogate
  EXPECT_EQ(encoded("\xF4\x90\x80\x80"), "\"" + r + r + r + r + "\"");  // > U+10FFFF
  EXPECT_EQ(encoded("\xE2\x82"), "\"" + r + "\"");                      // truncated
  EXPECT_EQ(encoded("\xE2\x82x"), "\"" + r + "x\"");                    // maximal subpart
  EXPECT_EQ(encoded("\xF0\x9F\x98"), "\"" + r + "\"");
  EXPECT_EQ(encoded("\x80\xBF"), "\"" + r + r + "\"");  // lone continuations
  EXPECT_EQ(encoded("\xFF"), "\"" + r + "\"");
}

TEST(JsonWriter, EveryByteStringGivesParseableJson) {
  // All one- and two-byte strings, and some longer ones: each must parse back.
  simdjson::dom::parser parser;
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; b += 3) {
      std::string text;
      text += static_cast<char>(a);
      text += static_cast<char>(b);
      text += "\xE2\x82";
      std::ostringstream out;
      JsonWriter json(out);
      json.begin_array().value(text).end_array();
      const std::string document = out.str();
      simdjson::dom::element element;
      ASSERT_EQ(parser.parse(document).get(element), simdjson::SUCCESS) << document;
    }
  }
}

TEST(JsonWriter, MisuseIsALogicError) {
  std::ostringstream out;
  {
    JsonWriter json(out);
    json.begin_object();
    EXPECT_THROW(json.value(1), std::logic_error);  // a value needs a key
    EXPECT_THROW(json.end_array(), std::logic_error);
    json.key("k");
    EXPECT_THROW(json.key("again"), std::logic_error);
    EXPECT_THROW(json.end_object(), std::logic_error);  // the key has no value
  }
  {
    JsonWriter json(out);
    json.begin_array();
    EXPECT_THROW(json.key("k"), std::logic_error);
    EXPECT_THROW(json.end_object(), std::logic_error);
  }
  {
    JsonWriter json(out);
    json.value(1);
    EXPECT_TRUE(json.complete());
    EXPECT_THROW(json.value(2), std::logic_error);
  }
}

}  // namespace
}  // namespace dmvault::util
