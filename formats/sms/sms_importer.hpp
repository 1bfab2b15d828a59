// The SMS importer: Android SMS/MMS backups in the XML of "SMS Backup & Restore" (SyncTech),
// which signalbackup-tools --exportxml also writes for Signal Android. Files are streamed, never
// read whole (they reach gigabytes of inline base64 media). The format, the streaming reader
// and the mapping to the model are in formats/sms/FORMAT.md.
#pragma once

#include "dmvault/importer.hpp"

#include <memory>

namespace dmvault::formats {

std::unique_ptr<Importer> make_sms_importer();

}  // namespace dmvault::formats
