#include "dmvault/model.hpp"

#include <gtest/gtest.h>

#include <string>

namespace dmvault {
namespace {

TEST(Model, MessageKindNames) {
  EXPECT_EQ(std::string(to_string(MessageKind::text)), "text");
  EXPECT_EQ(std::string(to_string(MessageKind::media)), "media");
  EXPECT_EQ(std::string(to_string(MessageKind::share)), "share");
  EXPECT_EQ(std::string(to_string(MessageKind::call)), "call");
  EXPECT_EQ(std::string(to_string(MessageKind::system)), "system");
  EXPECT_EQ(std::string(to_string(MessageKind::unsent)), "unsent");
  EXPECT_EQ(std::string(to_string(MessageKind::sticker)), "sticker");
}

TEST(Model, AttachmentKindNames) {
  EXPECT_EQ(std::string(to_string(AttachmentKind::photo)), "photo");
  EXPECT_EQ(std::string(to_string(AttachmentKind::video)), "video");
  EXPECT_EQ(std::string(to_string(AttachmentKind::audio)), "audio");
  EXPECT_EQ(std::string(to_string(AttachmentKind::file)), "file");
  EXPECT_EQ(std::string(to_string(AttachmentKind::gif)), "gif");
  EXPECT_EQ(std::string(to_string(AttachmentKind::sticker)), "sticker");
}

}  // namespace
}  // namespace dmvault
