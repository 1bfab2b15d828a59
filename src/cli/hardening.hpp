// Process hardening, applied before anything is parsed or read: a dmvault process holds keys and
// plaintext in memory, and none of it may reach the disk by way of a core dump or another
// process reading our memory.
#pragma once

namespace dmvault::cli {

// RLIMIT_CORE = 0 (no core file), PR_SET_DUMPABLE = 0 (no core either way, and no ptrace or
// /proc/PID/mem access by other processes of the same user), umask 077 (anything we create is
// ours alone). Error(io) when the first two cannot be had: running on without them would break a
// promise made in dmvault(1).
void harden_process();

}  // namespace dmvault::cli
