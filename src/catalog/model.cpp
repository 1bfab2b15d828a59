// The names of the model's enumerations, as stored in the catalog and printed in JSON output
// (DESIGN §1: `kind`). Stable: they are part of the machine interface and of stored catalogs.
#include "dmvault/model.hpp"

namespace dmvault {

const char* to_string(MessageKind kind) {
  switch (kind) {
    case MessageKind::text:
      return "text";
    case MessageKind::media:
      return "media";
    case MessageKind::share:
      return "share";
    case MessageKind::call:
      return "call";
    case MessageKind::system:
      return "system";
    case MessageKind::unsent:
      return "unsent";
    case MessageKind::sticker:
      return "sticker";
  }
  return "unknown";  // not a MessageKind: a cast from an invalid value
}

const char* to_string(AttachmentKind kind) {
  switch (kind) {
    case AttachmentKind::photo:
      return "photo";
    case AttachmentKind::video:
      return "video";
    case AttachmentKind::audio:
      return "audio";
    case AttachmentKind::file:
      return "file";
    case AttachmentKind::gif:
      return "gif";
    case AttachmentKind::sticker:
      return "sticker";
  }
  return "unknown";  // not an AttachmentKind: a cast from an invalid value
}

}  // namespace dmvault
