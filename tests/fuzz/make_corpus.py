#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz (run once; the results are committed).

usage: tests/fuzz/make_corpus.py BUILD_DIR

  - vault seeds (superblock, frame, commit, post_decrypt) and tiny_vault.dmv: BUILD_DIR's
    tests/fuzz/fuzz_seeds, i.e. vaults made by the code;
  - importer: one input per golden export of tests/data/<platform>/<case>/export, in the layout
    importer_fuzz.cpp reads (media cut to their first bytes: importers never read them);
  - archive: zips and tars (plain, gzip) of a few of those exports, and hostile ones ('..',
    absolute names, a symlink, a zip whose sizes lie);
  - query: the queries of tests/data/search-golden and the grammar's corners.
Inputs are kept small (the whole corpus stays well under 2 MB). Seeds are overwritten; other
files (regression inputs of fixed crashes) are kept. Rewriting tiny_vault.dmv gives it new keys,
so vault regression inputs that must authenticate then need to be made again."""

import io
import os
import pathlib
import subprocess
import sys
import tarfile
import zipfile

HERE = pathlib.Path(__file__).resolve().parent
DATA = HERE.parent / "data"
CORPUS = HERE / "corpus"
# Kept whole: what importers parse (SQLite databases too: iMessage reads chat.db).
TEXT_SUFFIXES = {".json", ".js", ".html", ".txt", ".xml", ".csv", ".jsonl", ".md", ".db"}
MEDIA_BYTES = 32
MAX_INPUT = 96 * 1024
# Deterministic archives: a fixed time for every member.
EPOCH = (2024, 6, 2, 9, 43, 22)


def export_files(case):
    root = case / "export"
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if path.suffix.lower() not in TEXT_SUFFIXES:
            data = data[:MEDIA_BYTES]
        yield path.relative_to(root).as_posix(), data


def importer_seeds():
    out = CORPUS / "importer"
    for platform_dir in sorted(p for p in DATA.iterdir() if p.is_dir()):
        for case in sorted(p for p in platform_dir.iterdir() if (p / "export").is_dir()):
            # Files are separated by "\n@@ ": the last one ends the input, with no newline added.
            blob = platform_dir.name.encode() + b"\n" + b"\n".join(
                b"@@ " + name.encode() + b"\n" + data for name, data in export_files(case))
            if len(blob) > MAX_INPUT:
                print(f"skipping {case}: {len(blob)} bytes", file=sys.stderr)
                continue
            (out / f"{platform_dir.name}-{case.name}").write_bytes(bytes(blob))


def zip_bytes(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(zipfile.ZipInfo(name, EPOCH), data)
    return buffer.getvalue()


def tar_bytes(members, mode="w", symlinks=()):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode, format=tarfile.PAX_FORMAT) as archive:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1717321402
            archive.addfile(info, io.BytesIO(data))
        for name, target in symlinks:
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            archive.addfile(info)
    return buffer.getvalue()


def archive_seeds():
    out = CORPUS / "archive"
    whatsapp = list(export_files(DATA / "whatsapp" / "ios-bracketed-media"))
    instagram = list(export_files(DATA / "instagram" / "json-2020-22"))
    telegram = list(export_files(DATA / "telegram" / "single-chat"))
    (out / "whatsapp.zip").write_bytes(zip_bytes(whatsapp))
    (out / "instagram.zip").write_bytes(zip_bytes(instagram))
    (out / "telegram.tar").write_bytes(tar_bytes(telegram[:3]))
    (out / "telegram.tar.gz").write_bytes(tar_bytes(telegram, "w:gz"))
    hostile = [("../escape.txt", b"out"), ("/etc/absolute.txt", b"abs"),
               ("ok/dir\\back.txt", b"backslash"), ("a/./b/../c.txt", b"dots")]
    (out / "hostile.zip").write_bytes(zip_bytes(hostile))
    (out / "hostile.tar").write_bytes(
        tar_bytes(hostile[:2], symlinks=[("link", "/etc/passwd")]))
    # A zip whose local header claims another size than its data: libarchive must notice.
    lying = bytearray(zip_bytes([("chat.txt", b"[02/06/2024, 09:43:22] Ana: oi\n" * 4)]))
    lying[22:26] = (1 << 31).to_bytes(4, "little")
    (out / "lying_sizes.zip").write_bytes(bytes(lying))
    (out / "chat.txt").write_bytes(dict(whatsapp)["WhatsApp Chat - Lea/_chat.txt"])


QUERIES = [
    "cafe", "café", '"birthday party"', "from:ana after:2021-06", 'from:"ana perez"',
    "with:sam in:\"Trip 2019\" platform:instagram", "on:2022-06-12", "before:2022-06-12T10:30",
    "has:photo OR has:video", "-spam bir*", "(a OR b) -(c d)", "is:unsent", "https://x.com/a",
    "東京", "😂", "after:2022 before:2023-01 has:link", '"unterminated', "from:", "((a)",
]


def query_seeds():
    out = CORPUS / "query"
    for i, text in enumerate(QUERIES):
        (out / f"q{i:02d}").write_text(text, encoding="utf-8")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    for name in ("importer", "archive", "query", "superblock", "frame", "commit", "post_decrypt"):
        (CORPUS / name).mkdir(parents=True, exist_ok=True)
    subprocess.run([os.path.join(sys.argv[1], "tests/fuzz/fuzz_seeds"), str(HERE)], check=True)
    importer_seeds()
    archive_seeds()
    query_seeds()


if __name__ == "__main__":
    main()
