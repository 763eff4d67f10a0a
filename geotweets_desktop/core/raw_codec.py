"""How a post's raw payload is kept in the store: LZ4-compressed UTF-8.

X's posts with expansions are about 4.5 KB of JSON each; stored as they are,
a million of them make a 5 GB file, and writing it twice (log, then file)
is what limits ingest. LZ4 packs them about 3 to 1 in a few microseconds a
post and unpacks faster still. Rows written by schema 1 hold the payload as
text; both read back the same.
"""

from __future__ import annotations

import lz4.block


def pack(raw: str | bytes) -> bytes:
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    return bytes(lz4.block.compress(data, store_size=True))


def unpack(stored: bytes | str | None) -> str:
    if not stored:
        return ""
    if isinstance(stored, str):  # schema 1, or blanked by a privacy export
        return stored
    return bytes(lz4.block.decompress(stored)).decode("utf-8")
