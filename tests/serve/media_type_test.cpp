// serve::media_type_of: the type an attachment is served with, read from its first bytes.
#include "serve/media_type.hpp"

#include <gtest/gtest.h>

#include <string>

namespace dmvault::serve {
namespace {

MediaType of(const std::string& bytes) {
  return media_type_of(
      std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

TEST(MediaType, ImagesByMagic) {
  EXPECT_EQ(of("\xFF\xD8\xFF\xE0 rest").name, "image/jpeg");
  EXPECT_EQ(of("\x89PNG\r\n\x1A\n....").name, "image/png");
  EXPECT_EQ(of("GIF89a....").name, "image/gif");
  EXPECT_EQ(of(std::string("RIFF\0\0\0\0WEBPVP8 ", 16)).name, "image/webp");
  EXPECT_TRUE(of("\xFF\xD8\xFF\xE0").inline_safe);
}

TEST(MediaType, VideoAndAudio) {
  EXPECT_EQ(of(std::string("\0\0\0\x18"
                           "ftypisom....",
                           16))
                .name,
            "video/mp4");
  EXPECT_EQ(of(std::string("\0\0\0\x18"
                           "ftypM4A ....",
                           16))
                .name,
            "audio/mp4");
  EXPECT_EQ(of("OggS....").name, "audio/ogg");
  EXPECT_EQ(of("ID3....").name, "audio/mpeg");
  EXPECT_EQ(of("\xFF\xF1\x50\x80").name, "audio/aac");
  EXPECT_EQ(of("\x1A\x45\xDF\xA3....").name, "video/webm");
}

TEST(MediaType, AnythingElseIsADownload) {
  EXPECT_EQ(of("<html><script>").name, "application/octet-stream");
  EXPECT_FALSE(of("<html><script>").inline_safe);
  EXPECT_EQ(of("").name, "application/octet-stream");
  EXPECT_EQ(of("%PDF-1.7").name, "application/pdf");
  EXPECT_FALSE(of("%PDF-1.7").inline_safe);
}

}  // namespace
}  // namespace dmvault::serve
