// Every importer dmvault knows, listed here explicitly (no static self-registration, so the
// list is what the code says, in a fixed order).
#include "discord/discord_importer.hpp"
#include "dmvault/importer.hpp"
#include "google_chat/google_chat_importer.hpp"
#include "imessage/imessage_importer.hpp"
#include "instagram/instagram_importer.hpp"
#include "linkedin/linkedin_importer.hpp"
#include "messenger/messenger_importer.hpp"
#include "signal/signal_importer.hpp"
#include "slack/slack_importer.hpp"
#include "sms/sms_importer.hpp"
#include "snapchat/snapchat_importer.hpp"
#include "telegram/telegram_importer.hpp"
#include "tiktok/tiktok_importer.hpp"
#include "whatsapp/whatsapp_importer.hpp"
#include "x/x_importer.hpp"

namespace dmvault {

std::vector<std::unique_ptr<Importer>> all_importers() {
  std::vector<std::unique_ptr<Importer>> importers;
  importers.push_back(formats::make_instagram_importer());
  // After Instagram: on an equal detect score the first registered wins (messenger/FORMAT.md).
  importers.push_back(formats::make_messenger_importer());
  importers.push_back(formats::make_telegram_importer());
  importers.push_back(formats::make_whatsapp_importer());
  importers.push_back(formats::make_sms_importer());
  importers.push_back(formats::make_signal_importer());
  importers.push_back(formats::make_discord_importer());
  importers.push_back(formats::make_x_importer());
  importers.push_back(formats::make_google_chat_importer());
  importers.push_back(formats::make_slack_importer());
  importers.push_back(formats::make_imessage_importer());
  importers.push_back(formats::make_tiktok_importer());
  importers.push_back(formats::make_snapchat_importer());
  importers.push_back(formats::make_linkedin_importer());
  return importers;
}

}  // namespace dmvault
