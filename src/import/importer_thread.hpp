// Runs an importer on a thread of its own, handing what it emits to the caller's sink, in the
// order emitted, on the caller's thread.
//
// Parsing an export's files (JSON, text repair, normalisation) was a third of the work of the
// thread that adds the messages to the catalog, which is the longest thread of an import: the
// parsing now runs beside it. What the importer emits goes through a bounded queue (a few
// batches of events), so memory stays flat.
//
// Contract: the importer runs on the new thread and reads `files` from it alone; the sink is
// called only on the calling thread. An importer's error comes out after everything it emitted
// before it has reached the sink (its warnings reported in order); an error of the sink stops
// the importer at its next event, and comes out once its thread has ended.
#pragma once

#include "dmvault/importer.hpp"

namespace dmvault::import {

void run_importer_on_own_thread(const Importer& importer, const ExportFiles& files,
                                const ImportOptions& options, ImportSink& sink);

}  // namespace dmvault::import
