"""What the window and its replay process say to each other (see replay_process.py).

The window writes the job as one line of JSON on the process's stdin, then
one word a line: "pause", "resume" or "stop" (the end of stdin is a stop
too: the window is gone). The process answers on its stdout with frames:
a little-endian uint32 pair (header bytes, data bytes), the header as
UTF-8 JSON, then the data. Post text never travels here, and what does
(file names, reasons) is JSON: it stays text.

Frames, by the header's "kind":
- "stored": a batch was committed; `added` posts new to the session of
  `kept` handed over (the rest repeated one stored before), `kinds` the
  kept ones' location kinds (what the file held), `new_kinds` the new
  located ones' (what the map gets), `blob_id` the last point blob written
  for the session; the data is the blobs the batch wrote, one after another
  (`core/point_batch.py`, the format the page reads).
- "progress": a part of the file is stored (`parts_done` of `parts`, and
  what the file held so far).
- "done": the end, with what the file held (`report`) and an `error`, if
  any, in words.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from geotweets_desktop.core.session import ArchiveReport
from geotweets_desktop.core.stored_batch import StoredBatch

FRAME_HEAD = struct.Struct("<II")
# A header is a few hundred bytes; a batch's blobs a few hundred kilobytes.
MAX_HEADER_BYTES = 1 << 20
MAX_DATA_BYTES = 1 << 28


class WireError(Exception):
    """The replay process said something that is not a frame."""


@dataclass
class FileSoFar:
    """What the file held, as far as it has been stored (a "progress" frame)."""

    parts_done: int = 0
    parts: int = 1
    report: ArchiveReport = field(default_factory=lambda: ArchiveReport(0, 0))


def report_to_json(report: ArchiveReport) -> dict[str, Any]:
    return {
        "posts_read": report.posts_read,
        "bad_records": report.bad_records,
        "posts_with_faults": report.posts_with_faults,
        "notices": dict(report.notices),
        "stopped": report.stopped,
        "problems": [str(p) for p in report.problems],
    }


def report_from_json(obj: Mapping[str, Any]) -> ArchiveReport:
    return ArchiveReport(
        int(obj["posts_read"]),
        int(obj["bad_records"]),
        int(obj["posts_with_faults"]),
        {str(k): int(v) for k, v in obj["notices"].items()},
        None if obj["stopped"] is None else str(obj["stopped"]),
        tuple(str(p) for p in obj["problems"]),
    )


def write_frame(
    write: Callable[[bytes], object], header: Mapping[str, Any], data: bytes = b""
) -> None:
    head = json.dumps(header, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    write(FRAME_HEAD.pack(len(head), len(data)) + head + data)


class Readable(Protocol):
    def read(self, size: int, /) -> bytes:
        """At most `size` bytes, at least one; none at the end."""
        ...


def read_frame(stream: Readable) -> tuple[dict[str, Any], bytes] | None:
    """The next frame, or None at the end of the stream (between frames)."""
    head = _read_exactly(stream, FRAME_HEAD.size, at_end_ok=True)
    if head is None:
        return None
    header_bytes, data_bytes = FRAME_HEAD.unpack(head)
    if header_bytes > MAX_HEADER_BYTES or data_bytes > MAX_DATA_BYTES:
        raise WireError(f"a frame of {header_bytes} + {data_bytes} bytes")
    header = _read_exactly(stream, header_bytes)
    data = _read_exactly(stream, data_bytes) if data_bytes else b""
    assert header is not None and data is not None
    try:
        parsed = json.loads(header)
    except ValueError as exc:
        raise WireError(f"a header that is not JSON ({exc})") from None
    if not isinstance(parsed, dict) or not isinstance(parsed.get("kind"), str):
        raise WireError("a header without a kind")
    return parsed, data


def _read_exactly(stream: Readable, size: int, *, at_end_ok: bool = False) -> bytes | None:
    data = b""
    while len(data) < size:
        more = stream.read(size - len(data))
        if not more:
            if not data and at_end_ok:
                return None
            raise EOFError("the replay process ended in the middle of a frame")
        data += more
    return data


def stored_batch(header: Mapping[str, Any], data: bytes) -> StoredBatch:
    return StoredBatch(
        added=int(header["added"]),
        kept=int(header["kept"]),
        kinds={str(k): int(v) for k, v in header["kinds"].items()},
        new_kinds={str(k): int(v) for k, v in header["new_kinds"].items()},
        blob_id=int(header["blob_id"]),
        blobs=data,
    )


def file_so_far(header: Mapping[str, Any]) -> FileSoFar:
    return FileSoFar(
        int(header["parts_done"]), int(header["parts"]), report_from_json(header["report"])
    )
