// The sealing pipeline (src/vault/seal_pipeline) seals jobs on two threads, in whatever order
// they finish, and must hand them back in the order they were submitted, with each chunked
// object's manifest listing its chunks in order.
#include "vault/seal_pipeline.hpp"

#include "crypto/crypto.hpp"
#include "vault/frames.hpp"
#include "vault/keys.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <utility>
#include <vector>

namespace dmvault::vault {
namespace {

using Bytes = std::vector<std::uint8_t>;

struct Expected {
  ObjectKind kind = ObjectKind::blob;
  ObjectId id{};
  Bytes content;                     // a blob or a chunk
  std::optional<Manifest> manifest;  // a manifest, as it must be encoded
};

KeySet test_keys() {
  std::array<std::uint8_t, 32> master{};
  for (std::size_t i = 0; i < master.size(); ++i) master[i] = static_cast<std::uint8_t>(i * 7 + 1);
  return KeySet::derive(master);
}

// Content of `size` bytes: random, or (every third) a repeated pattern zstd shrinks, so that
// jobs take very different times to seal and the two threads finish out of order.
Bytes content(std::mt19937& random, std::size_t size, std::size_t n) {
  Bytes bytes(size);
  if (n % 3 == 0) {
    for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<std::uint8_t>("pattern"[i % 7]);
  } else {
    for (auto& b : bytes) b = static_cast<std::uint8_t>(random());
  }
  return bytes;
}

// What one submission is: a blob (its id given, as the writer gives it), a chunk of the
// current chunked object, or that object's manifest.
struct Planned {
  Expected expected;
  bool chunk = false;
};

TEST(SealPipeline, HandsResultsBackInSubmissionOrderWithManifestsInChunkOrder) {
  crypto::initialize();
  const KeySet keys = test_keys();
  const ObjectId vault_id{};
  std::mt19937 random(7);

  // Planned first: the set of ids "in the last commit" (handed back without a frame) is read by
  // the sealing threads and must not change while they run.
  std::vector<Planned> plan;
  std::set<ObjectId> committed;
  for (std::size_t n = 0; n < 60; ++n) {
    if (random() % 3 != 0) {
      Planned p;
      p.expected.content = content(random, 1 + random() % kChunkSize, n);
      p.expected.id = crypto::keyed_hash(keys.id(), p.expected.content);
      if (n % 10 == 5) committed.insert(p.expected.id);
      plan.push_back(std::move(p));
      continue;
    }
    Manifest want;
    const std::size_t chunks = 2 + random() % 4;
    for (std::size_t c = 0; c < chunks; ++c) {
      Planned p;
      p.chunk = true;
      p.expected.content =
          content(random, c + 1 < chunks ? kChunkSize : 1 + random() % kChunkSize, n + c);
      p.expected.id = crypto::keyed_hash(keys.id(), p.expected.content);
      want.chunks.emplace_back(p.expected.id,
                               static_cast<std::uint32_t>(p.expected.content.size()));
      want.total_size += p.expected.content.size();
      plan.push_back(std::move(p));
    }
    Planned p;
    p.expected.kind = ObjectKind::manifest;
    p.expected.id[0] = static_cast<std::uint8_t>(n);  // the writer's whole-object id: any value
    p.expected.id[1] = 0xAB;
    p.expected.manifest = want;
    plan.push_back(std::move(p));
  }

  std::vector<SealedObject> handed;
  const auto apply = [&](SealedObject& sealed) {
    if (sealed.error) std::rethrow_exception(sealed.error);
    handed.push_back(std::move(sealed));
  };
  SealPipeline pipeline(keys, vault_id,
                        [&](const ObjectId& id) { return committed.count(id) != 0; });
  auto manifest = std::make_shared<Manifest>();
  for (const Planned& p : plan) {
    const Expected& e = p.expected;
    if (e.manifest) {
      manifest->total_size = e.manifest->total_size;
      SealJob job;
      job.kind = ObjectKind::manifest;
      job.id = e.id;
      job.manifest = std::exchange(manifest, std::make_shared<Manifest>());
      pipeline.submit(std::move(job), apply);
      continue;
    }
    SealJob job;
    job.buffer = pipeline.buffer();
    std::copy(e.content.begin(), e.content.end(), job.buffer.data());
    job.size = e.content.size();
    if (p.chunk) {
      job.chunk_of = manifest;  // its id is computed by the pipeline
    } else {
      job.id = e.id;
    }
    pipeline.submit(std::move(job), apply);
  }
  pipeline.settle(apply);
  EXPECT_EQ(pipeline.outstanding(), 0u);

  ASSERT_EQ(handed.size(), plan.size());
  for (std::size_t i = 0; i < plan.size(); ++i) {
    const Expected& e = plan[i].expected;
    const SealedObject& got = handed[i];
    ASSERT_EQ(got.id, e.id) << "result " << i << " is not job " << i;
    EXPECT_EQ(got.kind, e.kind) << i;
    if (committed.count(e.id) != 0) {
      EXPECT_TRUE(got.frame.empty()) << i << ": an object of the last commit was sealed again";
      continue;
    }
    const OpenResult opened =
        open_frame(keys, vault_id, got.frame, max_content_for(FrameType::object, e.kind));
    ASSERT_TRUE(opened.frame) << i;
    EXPECT_EQ(opened.frame->header.object_id, e.id) << i;
    const auto plain = opened.frame->content.span();
    if (e.manifest) {
      const std::optional<Manifest> decoded = decode_manifest(plain);
      ASSERT_TRUE(decoded) << i;
      EXPECT_EQ(decoded->total_size, e.manifest->total_size) << i;
      EXPECT_EQ(decoded->chunks, e.manifest->chunks) << i << ": chunks out of order";
      EXPECT_EQ(got.size, e.manifest->total_size) << i;
    } else {
      EXPECT_EQ(Bytes(plain.begin(), plain.end()), e.content) << i;
      EXPECT_EQ(got.size, e.content.size()) << i;
    }
  }
  EXPECT_FALSE(committed.empty());
}

}  // namespace
}  // namespace dmvault::vault
