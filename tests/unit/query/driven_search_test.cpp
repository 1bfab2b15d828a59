// The driven plan (walk one required term's postings in id order and stop at the limit) must
// return exactly what the general plan returns: same messages, same order, same counts. The
// general plan is the reference: the same request with its driver removed. Both also run on a
// paged copy of the catalog (read page by page from an image source, as every read-only command
// reads a vault's catalog).
#include "catalog/catalog.hpp"
#include "catalog/image_source.hpp"
#include "dmvault/error.hpp"
#include "query/query.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace dmvault {
namespace {

class ImageInMemory final : public catalog::ImageSource {
 public:
  explicit ImageInMemory(PlainBytes image) : m_image(std::move(image)) {}
  std::uint64_t size() const override { return m_image.size(); }
  void read(std::uint64_t offset, std::span<std::uint8_t> out) override {
    std::memcpy(out.data(), m_image.data() + offset, out.size());
  }

 private:
  PlainBytes m_image;
};

const char* const kWords[] = {"kiwi", "mango", "good", "morning", "papaya", "zebra", "caf\u00e9"};
const char* const kSenders[] = {"Ana Souza", "Bruno", "Chlo\u00e9"};

catalog::Catalog sample_catalog() {
  catalog::Catalog catalog = catalog::Catalog::create();
  const std::int64_t source = catalog.begin_source({0, "instagram", "test", 1, "test", 0, 0, 0, 0});
  for (int t = 0; t < 3; ++t) {
    Conversation c;
    c.platform = "instagram";
    c.thread_id = "thread-" + std::to_string(t);
    c.title = t == 2 ? "Mango lovers" : "chat " + std::to_string(t);
    c.source_path = c.thread_id;
    catalog.add_conversation(source, c);
  }
  // 900 messages whose words follow a fixed pattern: common words, rarer ones, phrases.
  std::uint32_t state = 12345;
  for (int i = 0; i < 900; ++i) {
    Message m;
    m.sender = kSenders[i % 3];
    m.timestamp_ms = 1'600'000'000'000 + static_cast<std::int64_t>(i) * 3'600'000;
    for (int w = 0; w < 4; ++w) {
      state = state * 1103515245U + 12345U;
      const std::uint32_t pick = (state >> 16) % 20;
      if (pick < 7) m.text += std::string(m.text.empty() ? "" : " ") + kWords[pick];
    }
    if (i % 5 == 0) m.text += " good morning";
    if (m.text.empty()) m.text = "ok";
    m.raw = "{}";
    m.source_path = "thread-" + std::to_string(i % 3);
    catalog.add_message(source, "instagram", "thread-" + std::to_string(i % 3), m, {});
  }
  catalog.finish_source(source, {});
  return catalog;
}

std::vector<std::int64_t> ids_of(catalog::Catalog& catalog, const catalog::SearchRequest& request) {
  std::vector<std::int64_t> ids;
  for (const catalog::SearchHit& hit : catalog.search(request))
    ids.push_back(hit.message.message_id);
  return ids;
}

void expect_same_results(catalog::Catalog& catalog, const std::string& query) {
  for (const auto sort :
       {catalog::SearchRequest::Sort::newest, catalog::SearchRequest::Sort::oldest}) {
    for (const std::size_t limit :
         {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{50}}) {
      catalog::SearchRequest driven = query::translate(query::parse(query), {true});
      driven.sort = sort;
      driven.limit = limit;
      catalog::SearchRequest general = driven;
      general.driver_param = 0;
      general.driven_where.clear();
      SCOPED_TRACE(query + " limit " + std::to_string(limit) +
                   (sort == catalog::SearchRequest::Sort::oldest ? " oldest" : " newest"));
      const auto expected = ids_of(catalog, general);
      EXPECT_EQ(ids_of(catalog, driven), expected);
      EXPECT_EQ(catalog.count_matches(driven), catalog.count_matches(general));
      if (limit == 0 && query != "nothinghere") {
        EXPECT_FALSE(expected.empty());
      }
    }
  }
}

const char* const kQueries[] = {
    "kiwi",
    "mango",
    "\"good morning\"",
    "papa*",
    "cafe",
    "kiwi mango",
    "kiwi -zebra",
    "from:bruno kiwi",
    "kiwi after:2020-09-20",
    "(zebra OR papaya) kiwi",
    "mango in:lovers",
    "nothinghere",
    "morning from:chloe",
};

TEST(DrivenSearch, MatchesTheGeneralPlanExactly) {
  catalog::Catalog catalog = sample_catalog();
  for (const char* query : kQueries) {
    ASSERT_NE(query::translate(query::parse(query), {true}).driver_param, 0) << query;
    expect_same_results(catalog, query);
  }
}

TEST(DrivenSearch, WithARegexToo) {
  catalog::Catalog catalog = sample_catalog();
  catalog::SearchRequest driven = query::translate(query::parse("kiwi"), {true});
  driven.regex = "k[i]wi m";
  catalog::SearchRequest general = driven;
  general.driver_param = 0;
  const auto expected = ids_of(catalog, general);
  EXPECT_FALSE(expected.empty());
  EXPECT_EQ(ids_of(catalog, driven), expected);
  EXPECT_EQ(catalog.count_matches(driven), expected.size());
}

TEST(DrivenSearch, APagedCatalogAnswersLikeTheLoadedOne) {
  catalog::Catalog loaded = sample_catalog();
  catalog::Catalog paged =
      catalog::Catalog::load_paged(std::make_shared<ImageInMemory>(loaded.serialize()));
  for (const char* query : kQueries) {
    const catalog::SearchRequest request = query::translate(query::parse(query), {true});
    SCOPED_TRACE(query);
    EXPECT_EQ(ids_of(paged, request), ids_of(loaded, request));
    EXPECT_EQ(paged.count_matches(request), loaded.count_matches(request));
  }
  EXPECT_EQ(paged.conversations().size(), 3u);
  // Read-only: an import run is refused.
  EXPECT_THROW(paged.begin_source({0, "instagram", "again", 2, "test", 0, 0, 0, 0}), Error);
}

TEST(DrivenSearch, APagedImageThatIsNotACatalogIsRefused) {
  PlainBytes garbage(4096);
  std::memset(garbage.data(), 0x33, garbage.size());
  try {
    (void)catalog::Catalog::load_paged(std::make_shared<ImageInMemory>(std::move(garbage)));
    ADD_FAILURE() << "garbage loaded";
  } catch (const Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::corrupted);
  }
}

}  // namespace
}  // namespace dmvault
