#!/usr/bin/env bash
# Proves check_layout.sh catches what it claims to: builds a small tree that breaks every rule
# once (next to includes that are allowed), and checks that exactly the bad lines are reported,
# and that a tree without them passes.
# Usage: check_layout_selftest.sh PATH/TO/check_layout.sh
set -euo pipefail

checker=$1
tree=$(mktemp -d "${TMPDIR:-/tmp}/dmvault-layout.XXXXXX")
trap 'rm -rf -- "$tree"' EXIT
failures=0

put() {  # put PATH LINE...: writes a file of the tree, one argument per line
  local path=$tree/$1
  shift
  mkdir -p "$(dirname "$path")"
  printf '%s\n' "$@" >"$path"
}
expect() {  # expect DESCRIPTION COMMAND...: counts a failure when the command fails
  local what=$1
  shift
  if ! "$@"; then
    echo "FAIL: $what"
    failures=$((failures + 1))
  fi
}

put include/dmvault/error.hpp '#pragma once' '#include <string>'
put src/util/hex.hpp '#pragma once'
put src/vault/format.hpp '#pragma once'
put src/crypto/crypto.cpp '#include "crypto/crypto.hpp"' '#include <sodium.h>'
put src/catalog/catalog.cpp '#include <sqlite3.h>'
put src/io/export_tree.cpp '#include <archive.h>' '  #  include <archive_entry.h>'
put tests/unit/io/archive_test.cpp '#include <archive.h>'
put formats/instagram/instagram_importer.hpp '#pragma once'
put formats/instagram/instagram_importer.cpp \
  '#include "instagram/instagram_importer.hpp"' \
  '#include "instagram_importer.hpp"' \
  '#include "dmvault/error.hpp"' \
  '#include <simdjson.h>' \
  '#include <string>'
put formats/registry.cpp '#include "instagram/instagram_importer.hpp"'
put src/vault/notes.cpp '// #include <sodium.h> is the job of src/crypto' '/* #include <sqlite3.h> */'

out=$(bash "$checker" "$tree" 2>&1) || {
  echo "FAIL: a tree that follows the rules was rejected:"
  echo "$out"
  exit 1
}

# Now one violation of each rule; `file:line` is what the checker must print.
bad=(
  "src/vault/keys.cpp:2"
  "tests/unit/crypto/crypto_test.cpp:1"
  "src/util/sql.cpp:1"
  "src/vault/reader.cpp:1"
  "formats/json/json_exporter.cpp:2"
  "formats/json/json_exporter.cpp:3"
  "formats/json/json_exporter.cpp:4"
  "include/dmvault/codec.hpp:1"
  "include/dmvault/codec.hpp:2"
  "include/dmvault/codec.hpp:3"
)
put src/vault/keys.cpp '#include "vault/format.hpp"' '#include <sodium.h>'
put tests/unit/crypto/crypto_test.cpp '#include <sodium.h>'
put src/util/sql.cpp '#include "sqlite3.h"'
put src/vault/reader.cpp '#include <archive_entry.h>'
put formats/json/json_exporter.cpp \
  '#include "dmvault/error.hpp"' \
  '#include "util/hex.hpp"' \
  '#include "../../src/vault/format.hpp"' \
  '#include <vault/format.hpp>'
put include/dmvault/codec.hpp '#include <zstd.h>' '#include "util/hex.hpp"' '#include <sodium.h>'

not_reported() { ! grep -q "^$1" <<<"$out"; }

status=0
out=$(bash "$checker" "$tree" 2>&1) || status=$?
expect "the checker exits 1 on a tree that breaks the rules (got $status)" test "$status" -eq 1
for where in "${bad[@]}"; do
  expect "$where is reported" grep -q "^$where: " <<<"$out"
done
reported=$(grep -cE '^[^ ].*:[0-9]+: ' <<<"$out" || true)
expect "exactly ${#bad[@]} lines are reported (got $reported)" test "$reported" -eq "${#bad[@]}"
for ok in src/crypto/crypto.cpp src/catalog/catalog.cpp src/io/export_tree.cpp \
  tests/unit/io/archive_test.cpp formats/instagram/ formats/registry.cpp src/vault/notes.cpp; do
  expect "$ok is not reported" not_reported "$ok"
done

if ((failures > 0)); then
  echo "--- checker output ---"
  echo "$out"
  exit 1
fi
echo "check_layout self-test: ${#bad[@]} violations caught, allowed includes passed"
