#!/usr/bin/python3
"""Independent test vectors for dmvault's cryptography and vault format.

What this is
    dmvault's C++ code computes keys, ciphertexts, hashes and on-disk structures with libsodium.
    This script computes the same values a second way, in Python, so that a mistake in how the
    C++ code uses a primitive (argument order, associated data, byte layout, padding) shows up
    as a mismatch instead of as a vault that only dmvault itself can read.  Every value is
    computed twice here: once with PyNaCl (Debian's python3-nacl, a binding of libsodium) and
    once in pure Python (hashlib's own BLAKE2b and the Argon2id, ChaCha20 and Poly1305 below,
    written from RFC 9106, RFC 8439 and draft-irtf-cfrg-xchacha); the script stops if the two
    disagree.  crypto_kdf_derive_from_key and Padme have no Python binding and are written out
    from their definitions.

    The C++ tests tests/unit/crypto/vectors_test.cpp (primitives) and
    tests/unit/vault/format_vectors_test.cpp (keyslots, frames, padding, object ids, footer,
    superblock) read the output and check every vector byte for byte.

How to regenerate
    /usr/bin/python3 tests/vectors/gen_vectors.py          # from the repository root
    (Debian's python3 with python3-nacl; a pyenv python3 first on PATH has no nacl.)  The output
    is deterministic: all inputs are fixed, so running it again must not change vectors.txt.
    Use --check to compare against the committed file instead of writing it.

Output format (tests/vectors/vectors.txt)
    Blocks of "name: value" lines separated by blank lines; each block starts with "kind: K".
    Byte strings are lower-case hex (possibly empty), integers are decimal, "name" is a label.
    Lines starting with "#" are comments.
"""

import hashlib
import math
import struct
import sys
import unicodedata
from pathlib import Path

import nacl.bindings as sodium

OUTPUT = Path(__file__).resolve().parent / "vectors.txt"


# --- fixed inputs -------------------------------------------------------------------------------

def fixed_bytes(label: str, n: int) -> bytes:
    """n reproducible bytes named by label (SHAKE-256 of the label: fixed, not random)."""
    return hashlib.shake_256(("dmvault-test-vector/" + label).encode()).digest(n)


def le32(v: int) -> bytes:
    return struct.pack("<I", v)


def le64(v: int) -> bytes:
    return struct.pack("<Q", v)


# --- BLAKE2b (hashlib: CPython's own implementation, not libsodium) -----------------------------

def blake2b(data: bytes, size: int, key: bytes = b"", salt: bytes = b"",
            person: bytes = b"") -> bytes:
    ours = hashlib.blake2b(data, digest_size=size, key=key, salt=salt, person=person).digest()
    theirs = sodium.crypto_generichash_blake2b_salt_personal(
        data, digest_size=size, key=key, salt=salt.ljust(16, b"\0") if salt else b"",
        person=person.ljust(16, b"\0") if person else b"")
    assert ours == theirs, "hashlib and libsodium disagree on BLAKE2b"
    return ours


# --- Argon2id (RFC 9106), pure Python ----------------------------------------------------------

MASK64 = (1 << 64) - 1


def _blamka_round(v, idx):
    def g(a, b, c, d):
        for r1, r2 in ((32, 24), (16, 63)):
            v[a] = (v[a] + v[b] + 2 * (v[a] & 0xFFFFFFFF) * (v[b] & 0xFFFFFFFF)) & MASK64
            x = v[d] ^ v[a]
            v[d] = ((x >> r1) | (x << (64 - r1))) & MASK64
            v[c] = (v[c] + v[d] + 2 * (v[c] & 0xFFFFFFFF) * (v[d] & 0xFFFFFFFF)) & MASK64
            x = v[b] ^ v[c]
            v[b] = ((x >> r2) | (x << (64 - r2))) & MASK64

    i = idx
    g(i[0], i[4], i[8], i[12])
    g(i[1], i[5], i[9], i[13])
    g(i[2], i[6], i[10], i[14])
    g(i[3], i[7], i[11], i[15])
    g(i[0], i[5], i[10], i[15])
    g(i[1], i[6], i[11], i[12])
    g(i[2], i[7], i[8], i[13])
    g(i[3], i[4], i[9], i[14])


_ROWS = [list(range(16 * i, 16 * i + 16)) for i in range(8)]
_COLUMNS = [[2 * i + 16 * k + o for k in range(8) for o in (0, 1)] for i in range(8)]


def _compress(x, y):
    """Argon2's G: P over the rows, then over the columns of X xor Y, xored with X xor Y."""
    r = [a ^ b for a, b in zip(x, y)]
    q = list(r)
    for idx in _ROWS:
        _blamka_round(q, idx)
    for idx in _COLUMNS:
        _blamka_round(q, idx)
    return [a ^ b for a, b in zip(q, r)]


def _h_prime(data: bytes, t: int) -> bytes:
    if t <= 64:
        return hashlib.blake2b(le32(t) + data, digest_size=t).digest()
    r = (t + 31) // 32 - 2
    v = hashlib.blake2b(le32(t) + data, digest_size=64).digest()
    out = v[:32]
    for _ in range(r - 1):
        v = hashlib.blake2b(v, digest_size=64).digest()
        out += v[:32]
    return out + hashlib.blake2b(v, digest_size=t - 32 * r).digest()


def _words(block: bytes):
    return list(struct.unpack("<128Q", block))


def argon2id_python(password: bytes, salt: bytes, t_cost: int, m_kib: int, tag_len: int) -> bytes:
    lanes, sync_points, argon2id_type, version = 1, 4, 2, 0x13
    h0 = hashlib.blake2b(
        le32(lanes) + le32(tag_len) + le32(m_kib) + le32(t_cost) + le32(version) +
        le32(argon2id_type) + le32(len(password)) + password + le32(len(salt)) + salt +
        le32(0) + le32(0), digest_size=64).digest()
    blocks = max(m_kib, 2 * sync_points * lanes)
    segment = blocks // (lanes * sync_points)
    lane_length = segment * sync_points
    memory = [None] * lane_length
    memory[0] = _words(_h_prime(h0 + le32(0) + le32(0), 1024))
    memory[1] = _words(_h_prime(h0 + le32(1) + le32(0), 1024))
    zero = [0] * 128
    for p in range(t_cost):
        for s in range(sync_points):
            independent = p == 0 and s < sync_points // 2
            address = None
            counter = 0

            def next_addresses():
                nonlocal address, counter
                counter += 1
                z = [p, 0, s, lane_length, t_cost, argon2id_type, counter] + [0] * 121
                address = _compress(zero, _compress(zero, z))

            start = 2 if p == 0 and s == 0 else 0
            if independent and start == 2:
                next_addresses()
            for i in range(start, segment):
                cur = s * segment + i
                prev = cur - 1 if cur > 0 else lane_length - 1
                if independent:
                    if i % 128 == 0:
                        next_addresses()
                    rand = address[i % 128]
                else:
                    rand = memory[prev][0]
                j1 = rand & 0xFFFFFFFF
                if p == 0:
                    area = s * segment + i - 1  # one lane: the reference lane is always ours
                else:
                    area = lane_length - segment + i - 1
                rel = (j1 * j1) >> 32
                rel = area - 1 - ((area * rel) >> 32)
                begin = 0 if p == 0 or s == sync_points - 1 else (s + 1) * segment
                ref = (begin + rel) % lane_length
                new = _compress(memory[prev], memory[ref])
                if p > 0:
                    new = [a ^ b for a, b in zip(new, memory[cur])]
                memory[cur] = new
    return _h_prime(struct.pack("<128Q", *memory[lane_length - 1]), tag_len)


def argon2id(password: bytes, salt: bytes, opslimit: int, memlimit: int) -> bytes:
    ours = argon2id_python(password, salt, opslimit, memlimit // 1024, 32)
    theirs = sodium.crypto_pwhash_alg(32, password, salt, opslimit, memlimit,
                                      sodium.crypto_pwhash_ALG_ARGON2ID13)
    assert ours == theirs, "pure-Python Argon2id and libsodium disagree"
    return ours


# --- XChaCha20-Poly1305-IETF (RFC 8439 + draft-irtf-cfrg-xchacha), pure Python ---------------

def _chacha_rounds(state):
    x = list(state)

    def qr(a, b, c, d):
        for r1, r2 in ((16, 12), (8, 7)):
            x[a] = (x[a] + x[b]) & 0xFFFFFFFF
            x[d] ^= x[a]
            x[d] = ((x[d] << r1) | (x[d] >> (32 - r1))) & 0xFFFFFFFF
            x[c] = (x[c] + x[d]) & 0xFFFFFFFF
            x[b] ^= x[c]
            x[b] = ((x[b] << r2) | (x[b] >> (32 - r2))) & 0xFFFFFFFF

    for _ in range(10):
        qr(0, 4, 8, 12)
        qr(1, 5, 9, 13)
        qr(2, 6, 10, 14)
        qr(3, 7, 11, 15)
        qr(0, 5, 10, 15)
        qr(1, 6, 11, 12)
        qr(2, 7, 8, 13)
        qr(3, 4, 9, 14)
    return x


_SIGMA = struct.unpack("<4I", b"expand 32-byte k")


def _hchacha20(key: bytes, nonce16: bytes) -> bytes:
    x = _chacha_rounds(list(_SIGMA) + list(struct.unpack("<8I", key)) +
                       list(struct.unpack("<4I", nonce16)))
    return struct.pack("<8I", *(x[0:4] + x[12:16]))


def _chacha20_block(key: bytes, counter: int, nonce12: bytes) -> bytes:
    state = (list(_SIGMA) + list(struct.unpack("<8I", key)) + [counter] +
             list(struct.unpack("<3I", nonce12)))
    x = _chacha_rounds(state)
    return struct.pack("<16I", *((a + b) & 0xFFFFFFFF for a, b in zip(x, state)))


def _poly1305(key: bytes, message: bytes) -> bytes:
    r = int.from_bytes(key[:16], "little") & 0x0FFFFFFC0FFFFFFC0FFFFFFC0FFFFFFF
    s = int.from_bytes(key[16:], "little")
    p = (1 << 130) - 5
    acc = 0
    for i in range(0, len(message), 16):
        acc = (acc + int.from_bytes(message[i:i + 16] + b"\x01", "little")) * r % p
    return ((acc + s) & ((1 << 128) - 1)).to_bytes(16, "little")


def _pad16(data: bytes) -> bytes:
    return data + b"\0" * (-len(data) % 16)


def xchacha20poly1305_python(key: bytes, nonce: bytes, ad: bytes, plaintext: bytes) -> bytes:
    subkey = _hchacha20(key, nonce[:16])
    nonce12 = b"\0" * 4 + nonce[16:]
    stream = b"".join(_chacha20_block(subkey, 1 + i, nonce12)
                      for i in range((len(plaintext) + 63) // 64))
    ciphertext = bytes(a ^ b for a, b in zip(plaintext, stream))
    mac_key = _chacha20_block(subkey, 0, nonce12)[:32]
    tag = _poly1305(mac_key, _pad16(ad) + _pad16(ciphertext) + le64(len(ad)) +
                    le64(len(ciphertext)))
    return ciphertext + tag


def aead_seal(key: bytes, nonce: bytes, ad: bytes, plaintext: bytes) -> bytes:
    ours = xchacha20poly1305_python(key, nonce, ad, plaintext)
    theirs = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, ad, nonce, key)
    assert ours == theirs, "pure-Python XChaCha20-Poly1305 and libsodium disagree"
    return ours


# --- crypto_kdf_derive_from_key, from libsodium's definition -----------------------------------

def derive_subkey(master: bytes, subkey_id: int, context: bytes) -> bytes:
    """BLAKE2b-256 keyed with the master key, salt = LE64(id) || 0^8, personal = context || 0^8,
    empty message (libsodium's crypto_kdf_blake2b_derive_from_key)."""
    assert len(master) == 32 and len(context) == 8
    return blake2b(b"", 32, key=master, salt=le64(subkey_id) + b"\0" * 8,
                   person=context + b"\0" * 8)


# --- Padme (Nikitin et al., PURBs, PETS 2019, Algorithm 1) ------------------------------------

def padme(length: int) -> int:
    if length < 2:
        return length
    e = length.bit_length() - 1          # floor(log2 L)
    s = e.bit_length()                   # floor(log2 E) + 1
    last_bits = e - s
    mask = (1 << last_bits) - 1
    return (length + mask) & ~mask


def padme_by_logs(length: int) -> int:
    """The paper's formula with floating-point logarithms, as a cross-check for small L."""
    e = math.floor(math.log2(length))
    s = math.floor(math.log2(e)) + 1
    mask = (1 << (e - s)) - 1
    return (length + mask) & ~mask


# --- dmvault format v1 (src/vault/format.hpp) -------------------------------------------------

CONTEXT = b"DMVAULT1"
SUBKEY_OBJECT, SUBKEY_ID, SUBKEY_HEADER, SUBKEY_CHECK = 1, 2, 3, 4
CHUNK_SIZE = 1 << 20
KEYSLOT_AD_TAG = b"dmvault-keyslot-v1"
FRAME_AD_TAG = b"dmvault-frame-v1"
KEY_CHECK_TAG = b"dmvault-key-check-v1"


def keyslot_prefix(kind, opslimit, memlimit, salt):
    return bytes([kind, 1]) + b"\0" * 6 + le64(opslimit) + le64(memlimit) + salt


def pad_payload(content: bytes) -> bytes:
    n = len(content)
    total = 4 + n if n == CHUNK_SIZE else padme(4 + n)
    return le32(n) + content + b"\0" * (total - 4 - n)


def frame_header(frame_type, kind, codec, payload_length, nonce, object_id) -> bytes:
    body = (b"DMVf" + bytes([frame_type, kind, codec, 0]) + le32(payload_length) + le32(0) +
            nonce + object_id + b"\0" * 8)
    assert len(body) == 80
    return body + blake2b(body, 16)


# --- vector file ------------------------------------------------------------------------------

class Writer:
    def __init__(self):
        self.lines = []

    def comment(self, text):
        for line in text.strip().splitlines():
            self.lines.append(("# " + line).rstrip())
        self.lines.append("")

    def block(self, kind, name, **fields):
        self.lines.append("kind: " + kind)
        self.lines.append("name: " + name)
        for key, value in fields.items():
            if isinstance(value, (bytes, bytearray)):
                value = bytes(value).hex()
            elif isinstance(value, int):
                value = str(value)
            elif not isinstance(value, str):
                raise TypeError(key)
            self.lines.append((key + ": " + value).rstrip())
        self.lines.append("")

    def text(self):
        return "\n".join(self.lines)


def nfc_utf8(text: str) -> bytes:
    return unicodedata.normalize("NFC", text).encode("utf-8")


def generate() -> str:
    out = Writer()
    out.comment("""
dmvault independent test vectors. GENERATED by tests/vectors/gen_vectors.py; do not edit.
Format: blocks of "name: value" lines separated by blank lines, each starting with "kind:".
Byte strings are lower-case hex (may be empty); integers are decimal.
""")

    # a) Argon2id v1.3, 32-byte output. passphrase_raw, when present, is the text as typed
    # (decomposed); passphrase is its NFC form, which is what dmvault derives keys from.
    argon_cases = [
        ("empty passphrase", "", 1, 8192),
        ("ascii", "password", 1, 8192),
        ("ascii longer", "correct horse battery staple", 2, 16384),
        ("non-ascii nfc", "Pa\u0308sswo\u0308rd \u2603 \u65e5\u672c\u8a9e cafe\u0301", 3, 65536),
        ("three passes", "dmvault", 3, 32768),
    ]
    for i, (name, raw, ops, mem) in enumerate(argon_cases):
        passphrase = nfc_utf8(raw)
        salt = fixed_bytes("argon2id/salt/%d" % i, 16)
        fields = {}
        if raw.encode("utf-8") != passphrase:
            fields["passphrase_raw"] = raw.encode("utf-8")
        out.block("argon2id", name, **fields, passphrase=passphrase, salt=salt, opslimit=ops,
                  memlimit=mem, key=argon2id(passphrase, salt, ops, mem))

    # b) XChaCha20-Poly1305-IETF, combined mode (ciphertext || 16-byte tag).
    for i, (name, ad_len, pt_len) in enumerate([
            ("empty", 0, 0), ("ad only", 23, 0), ("one byte", 0, 1), ("one block", 16, 64),
            ("odd sizes", 41, 113), ("multi block", 80, 1000)]):
        key = fixed_bytes("aead/key/%d" % i, 32)
        nonce = fixed_bytes("aead/nonce/%d" % i, 24)
        ad = fixed_bytes("aead/ad/%d" % i, ad_len)
        plaintext = fixed_bytes("aead/plaintext/%d" % i, pt_len)
        out.block("aead", name, key=key, nonce=nonce, ad=ad, plaintext=plaintext,
                  ciphertext=aead_seal(key, nonce, ad, plaintext))
    # The test vector of draft-irtf-cfrg-xchacha-03, appendix A.3.1, as an external anchor.
    key = bytes(range(0x80, 0xA0))
    nonce = bytes(range(0x40, 0x58))
    ad = bytes.fromhex("50515253c0c1c2c3c4c5c6c7")
    plaintext = (b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip "
                 b"for the future, sunscreen would be it.")
    sealed = aead_seal(key, nonce, ad, plaintext)
    assert sealed[-16:].hex() == "c0875924c1c7987947deafd8780acf49", "draft-xchacha A.3.1 tag"
    out.block("aead", "draft-irtf-cfrg-xchacha A.3.1", key=key, nonce=nonce, ad=ad,
              plaintext=plaintext, ciphertext=sealed)

    # c) BLAKE2b: keyed with a 32-byte key and 32-byte output (object ids, MACs); unkeyed
    # 16- and 32-byte (checksums) and 64-byte (the range limit).
    messages = [("empty", b""), ("abc", b"abc"), ("one block", fixed_bytes("hash/128", 128)),
                ("block plus one", fixed_bytes("hash/129", 129)),
                ("long", fixed_bytes("hash/1000", 1000))]
    for i, (name, message) in enumerate(messages):
        key = fixed_bytes("hash/key/%d" % i, 32)
        out.block("keyed_hash", name, key=key, message=message, hash=blake2b(message, 32, key=key))
    for name, message in messages:
        for size in (16, 32, 64):
            out.block("plain_hash", "%s, %d bytes" % (name, size), size=size, message=message,
                      hash=blake2b(message, size))
    assert blake2b(b"abc", 64).hex().startswith("ba80a53f981c4d0d"), "RFC 7693 appendix A"

    # d) crypto_kdf_derive_from_key.
    for i, (subkey_id, context) in enumerate([
            (0, CONTEXT), (SUBKEY_OBJECT, CONTEXT), (SUBKEY_ID, CONTEXT), (SUBKEY_HEADER, CONTEXT),
            (SUBKEY_CHECK, CONTEXT), (1, b"otherctx"), ((1 << 64) - 1, CONTEXT),
            (0x0102030405060708, b"\0\x01\x02\x03\x04\x05\x06\x07")]):
        master = fixed_bytes("kdf/master/%d" % (i % 3), 32)
        out.block("kdf", "id %d" % subkey_id, master=master, id=subkey_id, context=context,
                  subkey=derive_subkey(master, subkey_id, context))

    # e) Padme.
    lengths = set(range(0, 1001))
    for e in range(1, 64):
        lengths.update({(1 << e) - 1, 1 << e, (1 << e) + 1})
    lengths.update({1048580, 1048576 + 4 + 1, 10**6, 10**9, 123456789, (1 << 40) + 12345,
                    (1 << 63) + 1, (1 << 64) - (1 << 57)})
    pairs = []  # "L:padme(L)"
    for length in sorted(lengths):
        padded = padme(length)
        assert padded >= length and padded < (1 << 64)
        if 2 <= length < (1 << 40):
            assert padded == padme_by_logs(length)
        pairs.append("%d:%d" % (length, padded))
    for i in range(0, len(pairs), 64):
        out.block("padme", "lengths %d" % (i // 64), pairs=",".join(pairs[i:i + 64]))

    # f) format v1.
    out.comment("""
Format v1 (src/vault/format.hpp). Subkeys: derive_subkey(master, N, "DMVAULT1") with
N = 1 K_object, 2 K_id, 3 K_header, 4 K_check.
""")
    master = fixed_bytes("format/master", 32)
    vault_id = fixed_bytes("format/vault-id", 32)
    k_object = derive_subkey(master, SUBKEY_OBJECT, CONTEXT)
    k_id = derive_subkey(master, SUBKEY_ID, CONTEXT)
    k_header = derive_subkey(master, SUBKEY_HEADER, CONTEXT)
    k_check = derive_subkey(master, SUBKEY_CHECK, CONTEXT)

    slots = {}
    for slot_index, raw, ops, mem in [(0, "correct horse \u2603 cafe\u0301", 2, 16384),
                                      (5, "", 1, 8192)]:
        passphrase = nfc_utf8(raw)
        salt = fixed_bytes("format/keyslot/salt/%d" % slot_index, 16)
        nonce = fixed_bytes("format/keyslot/nonce/%d" % slot_index, 24)
        prefix = keyslot_prefix(1, ops, mem, salt)
        ad = KEYSLOT_AD_TAG + vault_id + bytes([slot_index]) + prefix
        kek = argon2id(passphrase, salt, ops, mem)
        wrapped = aead_seal(kek, nonce, ad, master)
        slot = prefix + nonce + wrapped + b"\0" * 16
        assert len(slot) == 128
        slots[slot_index] = slot
        out.block("keyslot", "slot %d" % slot_index, master=master, vault_id=vault_id,
                  slot_index=slot_index, slot_kind=1, passphrase=passphrase, salt=salt,
                  opslimit=ops, memlimit=mem, nonce=nonce, kek=kek, ad=ad, wrapped_key=wrapped,
                  keyslot=slot)

    # The id of a blob is the keyed hash of its content; a manifest carries the id of the whole
    # large object (not of the manifest bytes), a commit a zero id.
    frames = [
        ("object blob, stored", 1, 1, 0, b"Hello from dmvault, a short stored object.\n"),
        ("object blob, empty", 1, 1, 0, b""),
        ("object manifest", 1, 2, 0,
         b"DMVm" + le64(3 * CHUNK_SIZE - 7) + le32(3) +
         b"".join(fixed_bytes("format/chunk-id/%d" % i, 32) + le32(n)
                  for i, n in enumerate([CHUNK_SIZE, CHUNK_SIZE, CHUNK_SIZE - 7]))),
        # A commit's content is zstd data; framing and AEAD treat it as opaque bytes.
        ("commit", 2, 0, 1, fixed_bytes("format/commit-content", 300)),
    ]
    for i, (name, frame_type, kind, codec, content) in enumerate(frames):
        fields = {}
        if kind == 1:
            object_id = fields["content_id"] = blake2b(content, 32, key=k_id)
        elif kind == 2:
            object_id = fixed_bytes("format/large-object-id", 32)
        else:
            object_id = b"\0" * 32
        nonce = fixed_bytes("format/frame/nonce/%d" % i, 24)
        padded = pad_payload(content)
        header = frame_header(frame_type, kind, codec, len(padded) + 16, nonce, object_id)
        ad = FRAME_AD_TAG + vault_id + header[:80]
        out.block("frame", name, master=master, vault_id=vault_id, k_object=k_object, k_id=k_id,
                  content=content, **fields, frame_type=frame_type, object_kind=kind,
                  codec=codec, payload_length=len(padded) + 16, nonce=nonce, object_id=object_id,
                  header=header, ad=ad, padded=padded,
                  payload=aead_seal(k_object, nonce, ad, padded))

    for n in [0, 1, 3, 4, 5, 12, 13, 60, 61, 100, 1000, 5000]:
        content = fixed_bytes("format/pad/%d" % n, n)
        out.block("pad", "content %d" % n, content=content, padded=pad_payload(content))
    # Lengths only (the content is byte i = i mod 251): the full-chunk exception and its edges.
    for n in [CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 2 * CHUNK_SIZE]:
        out.block("pad_length", "content %d" % n, content_length=n,
                  padded_length=len(pad_payload(b"\0" * n)))
    # Padded plaintexts that must be refused. Each is the right Padme size for its length prefix
    # (so only the named defect is wrong), except the last: exactly one encoding is valid.
    nine, thirty_three = pad_payload(b"x" * 9), pad_payload(b"y" * 33)
    assert len(nine) == 14 and len(thirty_three) == 40
    for name, padded in [
            ("shorter than the length prefix", b"\x01\0\0"),
            ("length beyond the buffer", le32(9) + b"abcdefgh"),
            ("length far beyond the buffer", le32(0xFFFFFFFF) + b"abcdefgh"),
            ("non-zero padding", nine[:13] + b"\x01"),
            ("non-zero first padding byte", thirty_three[:37] + b"\x80\0\0"),
            ("non-zero last byte", thirty_three[:39] + b"\x80"),
            ("more padding than Padme", pad_payload(b"z" * 9) + b"\0" * 2)]:
        out.block("unpad_reject", name, padded=padded)

    for name, content in [("empty", b""), ("text", "caf\u00e9 \U0001F600".encode()),
                          ("one chunk-ish", fixed_bytes("format/id/4097", 4097))]:
        out.block("object_id", name, master=master, k_id=k_id, content=content,
                  object_id=blake2b(content, 32, key=k_id))

    key_check = blake2b(KEY_CHECK_TAG + vault_id, 32, key=k_check)
    out.block("key_check", "key check", master=master, vault_id=vault_id, k_check=k_check,
              key_check=key_check)

    for commit_offset, sequence, size in [(8192, 1, 4096), (0x123456789A, 77, 1 << 20)]:
        end = commit_offset + size + 80
        body = b"DMVEND\0\x01" + le64(commit_offset) + le64(sequence) + le64(end)
        body += blake2b(body, 16)
        mac = blake2b(vault_id + body, 32, key=k_header)
        out.block("footer", "commit %d" % sequence, master=master, vault_id=vault_id,
                  k_header=k_header, commit_offset=commit_offset, commit_sequence=sequence,
                  end_offset=end, footer=body + mac)

    sequence, durable_sequence, durable_end = 9, 4, 8192 + 70000
    body = bytearray(4096)
    body[0:8] = b"DMVAULT\0"
    body[8:12] = struct.pack("<HH", 1, 4096)
    body[12:24] = struct.pack("<III", 0, 0, 0)
    body[24:32] = le64(sequence)
    body[32:64] = vault_id
    body[64:68] = bytes([1, 1, 1, 1])
    body[72:80] = le64(durable_sequence)
    body[80:88] = le64(durable_end)
    body[88:120] = key_check
    for index, slot in slots.items():
        body[128 + 128 * index:256 + 128 * index] = slot
    body[4032:4064] = blake2b(bytes(body[:4032]), 32)
    body[4064:4096] = blake2b(bytes(body[:4064]), 32, key=k_header)
    out.block("superblock", "two keyslots", master=master, vault_id=vault_id, k_header=k_header,
              sequence=sequence, durable_commit_sequence=durable_sequence,
              durable_commit_end=durable_end, key_check=key_check, superblock=bytes(body))
    return out.text()


def main() -> int:
    text = generate()
    if sys.argv[1:] == ["--check"]:
        if OUTPUT.read_text() != text:
            print("%s is out of date; rerun %s" % (OUTPUT, sys.argv[0]), file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
