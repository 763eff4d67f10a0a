"""A replayed post's raw payload, kept by reference to the archive it came from.

A post read from a plain JSON-lines archive is one line of that file, byte
for byte. Instead of a compressed copy, the store can keep where it lies:
the archive (a row of the `archives` table), the line's offset and length,
and its CRC-32. Ingest then writes a small row instead of about 1.5 KB of
LZ4 a post (4.5 KB posts), and the readers skip the compression.

The reference holds while the file stays where it was. A payload is read
back only if the bytes there still have the CRC it was stored with, so an
archive moved, deleted, rewritten or cut short is said in words
(`PayloadMissing`) and never answered with another post's bytes; appending
to the file (a capture still running) does no harm.

Copies are kept instead when there is no byte range to point at (a gzip
file, a JSON array, pretty-printed JSON, a record re-serialised), when the
archive sits in the system's temporary folder (cleared on a reboot: see
`reference_refusal`), or when the user asks (`collect --copy-payloads`).
"""

from __future__ import annotations

import os
import tempfile
import zlib
from pathlib import Path
from typing import BinaryIO, NamedTuple


class PayloadSpan(NamedTuple):
    """Where a post's payload lies in its (plain) archive file, and its CRC-32.
    (A tuple: one is made for every post a bulk replay reads.)"""

    offset: int
    length: int
    crc: int


def span_of(line: bytes, offset: int) -> PayloadSpan:
    """The span of `line` (read at `offset`), its line ending left out."""
    return payload_span(line.rstrip(b"\r\n"), offset)


def payload_span(payload: bytes, offset: int) -> PayloadSpan:
    """The span of `payload`, a line without its ending, read at `offset`."""
    return PayloadSpan(offset, len(payload), zlib.crc32(payload))


class PayloadMissing(ValueError):
    """A payload kept by reference cannot be read back; the message says why."""


def reference_refusal(path: Path) -> str | None:
    """Why payloads read from `path` must be copied into the store, or None
    when they may be kept by reference (the reader still copies those it
    cannot point at, such as a gzip file's)."""
    try:
        resolved = path.resolve()
        temporary = resolved.is_relative_to(Path(tempfile.gettempdir()).resolve())
    except OSError:
        return "its folder cannot be resolved"
    if temporary:
        return "it is in the temporary folder, which is cleared on a restart"
    return None


class ArchiveFiles:
    """The archive files one store reads payloads back from, kept open."""

    def __init__(self) -> None:
        self._open: dict[str, BinaryIO] = {}

    def read(self, path: str, span: PayloadSpan) -> str:
        """The payload at `span` of the archive at `path`, as text."""
        file = self._open.get(path)
        if file is None:
            try:
                # Unbuffered: a buffer would serve bytes the file no longer holds.
                file = self._open[path] = open(path, "rb", buffering=0)  # noqa: SIM115
            except OSError:
                file = None  # tried again next time: the file may be put back
        payload = b""
        if file is not None:
            try:
                payload = os.pread(file.fileno(), span.length, span.offset)
            except OSError:
                payload = b""
        if len(payload) != span.length or zlib.crc32(payload) != span.crc:
            raise PayloadMissing(
                f"the raw payload was kept by reference to {path}, which has been moved, "
                "changed or deleted since it was replayed (put the file back to read it)"
            )
        return payload.decode("utf-8")

    def close(self) -> None:
        for file in self._open.values():
            file.close()
        self._open.clear()
