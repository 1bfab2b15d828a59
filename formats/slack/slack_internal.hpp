// Pieces of the Slack importer that the unit tests check on their own: the per-day file names,
// the message time in `ts`, and the rendering of Slack's mrkdwn markup into plain text.
// Field notes and evidence: formats/slack/FORMAT.md.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace dmvault::formats::slack {

inline constexpr std::string_view kPlatform = "slack";

// Whether a file's base name is a day file: "YYYY-MM-DD.json".
bool is_day_file(std::string_view base_name);

// Milliseconds since the epoch of a ts ("1512085950.000216"); nullopt when it is not
// seconds[.fraction].
std::optional<std::int64_t> ts_ms(std::string_view ts);

// What a mention resolves to: the display name of a user id, the name of a channel id; "" when
// unknown.
struct Names {
  std::function<std::string(std::string_view user_id)> user;
  std::function<std::string(std::string_view channel_id)> channel;
};

// Slack's markup as plain text: <@U123> and <@U123|name> -> "@Name", <#C123|general> ->
// "#general", <!here> -> "@here", <!subteam^S1|@team> -> "@team", <!date^...|fallback> ->
// fallback, <https://x|label> -> "label (https://x)", <https://x> and <mailto:a@b|a@b> -> the
// address; then &amp; &lt; &gt; are decoded. A '<' without its '>' stays as written.
std::string render_mrkdwn(std::string_view text, const Names& names);

}  // namespace dmvault::formats::slack
