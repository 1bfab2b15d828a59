#!/usr/bin/env bash
# Enforces the dependency rules of README.md ("Layout") on the #include lines of the tree, so an
# arrow pointing the wrong way fails the build's tests instead of creeping in:
#   - <sodium.h> (and <sodium/...>) only in src/crypto/
#   - <sqlite3.h> only in src/catalog/, formats/imessage/ (reads chat.db from memory) and tests/
#   - <archive.h>, <archive_entry.h> only in src/io/ (reading exports), src/export/ (writing
#     zip/tar exports), tests/ and the stand-alone export generator
#     (formats/*/generator/, a developer tool that writes zips and is never linked into dmvault)
#   - formats/ includes no header of src/: only dmvault/... public headers, its own headers and
#     third-party or standard headers
#   - include/dmvault/ includes no sodium, sqlite, archive or zstd header and no header of src/
# Usage: check_layout.sh SOURCE_DIR. Prints each offending line; exits 1 if there is one.
set -euo pipefail

if (($# != 1)) || [[ ! -d $1/src ]]; then
  echo "usage: check_layout.sh SOURCE_DIR (the repository root, holding src/)" >&2
  exit 2
fi
root=$(cd "$1" && pwd)
cd "$root"

include_re='^[[:space:]]*#[[:space:]]*include[[:space:]]*([<"])([^>"]+)[>"]'
violations=0
scanned=0
reason=""

report() {  # report FILE LINE TEXT REASON
  printf '%s:%s: %s\n    %s\n' "$1" "$2" "$3" "$4"
  violations=$((violations + 1))
}

# Whether an include of TARGET (quoted when QUOTED=1) from FILE names a header of src/: through
# the src/ include path, a src/-prefixed path from the root, or a relative path into src/.
names_src_header() {
  local file=$1 target=$2 quoted=$3
  [[ -f src/$target || $target == src/* ]] && return 0
  if ((quoted)); then
    local resolved
    resolved=$(realpath -m -- "$(dirname -- "$file")/$target")
    [[ $resolved == "$root"/src/* ]] && return 0
  fi
  return 1
}

# Sets `reason` to the rule an include breaks, or to nothing (one reason per line, the most
# specific first; a variable rather than output, to spare a subshell per include).
violation() {  # violation FILE TARGET QUOTED
  local file=$1 target=$2 quoted=$3
  reason=""
  if [[ $file == include/dmvault/* ]]; then
    case $target in
      sodium.h | sodium/* | sqlite3.h | sqlite3ext.h | archive.h | archive_entry.h | zstd.h | \
        zstd_errors.h | zdict.h)
        reason="the public API (include/dmvault/) exposes no sodium, sqlite, archive or zstd header"
        return
        ;;
      dmvault/*) ;;
      *)
        if names_src_header "$file" "$target" "$quoted"; then
          reason="the public API (include/dmvault/) includes no header of src/"
          return
        fi
        ;;
    esac
  fi
  case $target in
    sodium.h | sodium/*)
      [[ $file == src/crypto/* ]] || reason="<sodium.h> is included only in src/crypto/"
      return
      ;;
    sqlite3.h | sqlite3ext.h)
      [[ $file == src/catalog/* || $file == formats/imessage/* || $file == tests/* ]] ||
        reason="<sqlite3.h> is included only in src/catalog/, formats/imessage/ and tests/"
      return
      ;;
    archive.h | archive_entry.h)
      [[ $file == src/io/* || $file == src/export/* || $file == tests/* ||
        $file == formats/*/generator/* ]] ||
        reason="<$target> is included only in src/io/, src/export/, tests/ and formats/*/generator/"
      return
      ;;
  esac
  if [[ $file == formats/* && $target != dmvault/* ]] &&
    names_src_header "$file" "$target" "$quoted"; then
    reason="formats/ depends only on include/dmvault/: use a \"dmvault/...\" header, not one of src/"
  fi
}

check_line() {  # check_line FILE LINE TEXT
  local file=$1 line=$2 text=$3
  [[ $text =~ $include_re ]] || return 0
  local quoted=0 target=${BASH_REMATCH[2]}
  [[ ${BASH_REMATCH[1]} == '"' ]] && quoted=1
  violation "$file" "$target" "$quoted"
  [[ -z $reason ]] || report "$file" "$line" "$text" "$reason"
}

dirs=()
for dir in src include formats tests bench; do
  [[ -d $dir ]] && dirs+=("$dir")
done

while IFS= read -r -d '' file; do
  file=${file#./}
  scanned=$((scanned + 1))
  while IFS= read -r numbered; do
    check_line "$file" "${numbered%%:*}" "${numbered#*:}"
  done < <(grep -nE '^[[:space:]]*#[[:space:]]*include' -- "$file" || true)
done < <(find "${dirs[@]}" -type f \( -name '*.c' -o -name '*.cc' -o -name '*.cpp' -o \
  -name '*.cxx' -o -name '*.h' -o -name '*.hh' -o -name '*.hpp' -o -name '*.hxx' -o \
  -name '*.inc' -o -name '*.ipp' \) -print0 | sort -z)

if ((scanned == 0)); then
  echo "check_layout: no C or C++ files found under $root: wrong directory?" >&2
  exit 2
fi
if ((violations > 0)); then
  echo "check_layout: $violations include(s) break the layout rules (README.md, Layout)"
  exit 1
fi
echo "check_layout: $scanned files follow the layout rules"
