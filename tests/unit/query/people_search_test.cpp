// Linked people through the whole search path: a catalog with one person's accounts on three
// platforms, queries parsed and translated as the CLI does, run by the catalog.
#include "catalog/catalog.hpp"
#include "dmvault/error.hpp"
#include "query/query.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace dmvault {
namespace {

struct Account {
  std::string platform;
  std::string sender;
  std::string sender_id;
};

class PeopleSearch : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::int64_t source = m_catalog.begin_source({0, "mixed", "test", 1, "test", 0, 0, 0, 0});
    // Ana writes as "Ana Souza" on Instagram, "+351912345678" on SMS, "ana_s" (id 77) on X;
    // Anabela is someone else whose name also contains "ana".
    add(source, {"instagram", "Ana Souza", ""}, "ig-1", "instagram hello", 1'000);
    add(source, {"sms", "+351912345678", "+351912345678"}, "sms-1", "sms hello", 2'000);
    add(source, {"x", "ana_s", "77"}, "x-1", "x hello", 3'000);
    add(source, {"x", "Someone", "88"}, "x-2", "x other", 4'000);
    add(source, {"sms", "Bruno", "+44123"}, "sms-2", "sms other", 5'000);
    m_catalog.finish_source(source, {});
  }

  void add(std::int64_t source, const Account& account, const std::string& thread,
           const std::string& text, std::int64_t ms) {
    Conversation c;
    c.platform = account.platform;
    c.thread_id = thread;
    c.title = "with " + account.sender;
    for (const std::string& name : {account.sender, std::string("Me")}) {
      Participant p;
      p.name = name;
      p.platform_id = name == "Me" ? "" : account.sender_id;
      p.is_self = name == "Me";
      c.participants.push_back(p);
    }
    c.source_path = thread;
    m_catalog.add_conversation(source, c);
    Message m;
    m.sender = account.sender;
    m.sender_id = account.sender_id;
    m.timestamp_ms = ms;
    m.text = text;
    m.raw = "{}";
    m.source_path = thread;
    m_catalog.add_message(source, account.platform, thread, m, {});
  }

  std::vector<std::string> texts(const std::string& query) {
    const auto hits = m_catalog.search(query::translate(query::parse(query), {true}));
    std::vector<std::string> result;
    for (const auto& hit : hits) result.push_back(hit.message.text);
    std::sort(result.begin(), result.end());
    return result;
  }

  catalog::Catalog m_catalog = catalog::Catalog::create();
};

using Texts = std::vector<std::string>;

TEST_F(PeopleSearch, WithoutLinksFromMatchesOnlyTheSenderName) {
  EXPECT_EQ(texts("from:\"ana souza\""), Texts{"instagram hello"});
}

TEST_F(PeopleSearch, LinkedAccountsSearchAsOnePerson) {
  m_catalog.link_person("Ana Souza", {{"sms", "+351912345678"}, {"x", "77"}});
  EXPECT_EQ(texts("from:\"ana souza\""), (Texts{"instagram hello", "sms hello", "x hello"}));
  // Accents and case of the person's name do not matter, as for sender names.
  EXPECT_EQ(texts("from:\"ANA SÓUZA\" hello"), (Texts{"instagram hello", "sms hello", "x hello"}));
  EXPECT_EQ(texts("with:\"Ana Souza\""), (Texts{"instagram hello", "sms hello", "x hello"}));
  // Other people are untouched.
  EXPECT_EQ(texts("from:bruno"), Texts{"sms other"});
  EXPECT_EQ(texts("from:ana -platform:instagram"), (Texts{"sms hello", "x hello"}));
}

TEST_F(PeopleSearch, AHandleMatchesANameOrAnIdOnItsPlatformOnly) {
  // "ana_s" is a display name on X; linked without a platform it matches on every platform.
  m_catalog.link_person("Zed", {{"", "ANA_S"}});
  EXPECT_EQ(texts("from:zed"), Texts{"x hello"});
  // An id linked on the wrong platform matches nothing.
  m_catalog.link_person("Bruno Costa", {{"x", "+44123"}});
  EXPECT_EQ(texts("from:costa"), Texts{});
  m_catalog.link_person("Bruno Costa", {{"sms", "+44123"}});
  EXPECT_EQ(texts("from:costa"), Texts{"sms other"});
}

TEST_F(PeopleSearch, AHandleBelongsToOnePerson) {
  m_catalog.link_person("Ana Souza", {{"x", "77"}});
  try {
    m_catalog.link_person("Someone Else", {{"sms", "+44123"}, {"x", "77"}});
    FAIL() << "a handle was linked twice";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::usage);
    EXPECT_NE(std::string(error.what()).find("Ana Souza"), std::string::npos);
  }
  // The failed link changed nothing, not even its first, valid handle.
  const auto people = m_catalog.people();
  ASSERT_EQ(people.size(), 1U);
  EXPECT_EQ(people[0].name, "Ana Souza");
  // Linking again what is linked is a no-op; the same name in other case is the same person.
  m_catalog.link_person("ana souza", {{"x", "77"}, {"sms", "+351912345678"}});
  ASSERT_EQ(m_catalog.people().size(), 1U);
  EXPECT_EQ(m_catalog.people()[0].handles.size(), 2U);
}

TEST_F(PeopleSearch, UnlinkRemovesHandlesThenThePerson) {
  m_catalog.link_person("Ana Souza", {{"sms", "+351912345678"}, {"x", "77"}});
  EXPECT_TRUE(m_catalog.unlink_person("Ana Souza", {{"x", "77"}}));
  EXPECT_EQ(texts("from:\"ana souza\""), (Texts{"instagram hello", "sms hello"}));
  EXPECT_FALSE(m_catalog.unlink_person("Ana Souza", {{"x", "77"}}));
  EXPECT_TRUE(m_catalog.unlink_person("Ana Souza", {}));
  EXPECT_TRUE(m_catalog.people().empty());
  EXPECT_FALSE(m_catalog.unlink_person("Nobody", {}));
  EXPECT_EQ(texts("from:\"ana souza\""), Texts{"instagram hello"});
}

TEST_F(PeopleSearch, LinksSurviveSerialisation) {
  m_catalog.link_person("Ana Souza", {{"sms", "+351912345678"}});
  const PlainBytes image = m_catalog.serialize();
  m_catalog = catalog::Catalog::load(image.span());
  EXPECT_EQ(texts("from:\"ana souza\""), (Texts{"instagram hello", "sms hello"}));
  ASSERT_EQ(m_catalog.people().size(), 1U);
  EXPECT_EQ(m_catalog.people()[0].handles[0].handle, "+351912345678");
}

TEST_F(PeopleSearch, NamesAndHandlesMustNotBeEmpty) {
  EXPECT_THROW(m_catalog.link_person("  ", {{"x", "77"}}), Error);
  EXPECT_THROW(m_catalog.link_person("Ana", {}), Error);
  EXPECT_THROW(m_catalog.link_person("Ana", {{"x", ""}}), Error);
  EXPECT_TRUE(m_catalog.people().empty());
}

}  // namespace
}  // namespace dmvault
