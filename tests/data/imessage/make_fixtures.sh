#!/usr/bin/env bash
# Rebuilds the chat.db of each golden case from its chat.sql with the sqlite3 command-line tool
# (Debian package sqlite3). The databases are checked in, so the tests need no sqlite3 binary;
# run this after editing a chat.sql, then regenerate the golden files
# (DMVAULT_UPDATE_GOLDEN=1) and review them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

build() {  # build CASE DATABASE-PATH-IN-EXPORT
  local out=$here/$1/export/$2
  mkdir -p "$(dirname "$out")"
  rm -f "$out" "$out-wal" "$out-shm"
  sqlite3 "$out" <"$here/$1/chat.sql" >/dev/null
  sqlite3 "$out" 'VACUUM' >/dev/null
  rm -f "$out-wal" "$out-shm"
}

build ventura-direct Messages/chat.db
build legacy-group chat.db
