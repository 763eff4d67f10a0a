"""Stream the posts out of an archive file, whatever its format, and say what went wrong.

`ArchiveReader(path).posts()` yields Posts one at a time, so a file of a
million posts is never in memory (except a JSON-array file, see below). While
it runs, `bytes_read` / `total_bytes` give progress (bytes of the file on
disk, so it is right for compressed files too), `format` names what was
found, and `problems` lists every record that was skipped, by line number
and reason.

Detection looks at content, never at the file name: gzip by its magic bytes,
a JSON array by its first character, and each record by its shape (see
`records.kind_of`). Records are one a line (JSON lines, `jq -c`), or JSON
pretty-printed over many lines: a line holding only `{` (or `[`) opens a
document that the next line starting with `}` (or `]`) closes, which is how
`jq`, `json.dump(..., indent=...)` and every pretty-printer write a
top-level value; one such document in a file, or several one after another.
Records of different shapes in one file are all read; `format` then says
"mixed".

A damaged record never stops the file: a broken JSON line, bytes that are
not UTF-8, a post without an id or text, a value of a type X never sends:
the record is skipped and reported, and reading goes on. A damaged part of
a post (a point out of range, a place box that is not four numbers) is
passed over and reported as such: the post keeps its next best location
and everything else (`posts_with_faults`). A gzip file cut short ends the
reading at the cut, with a problem saying so (`stopped` says where and
why); everything before the cut is kept. Notices from X in an archive
(v1.1 `delete`, `limit`, ... and v2 `errors` lines) are not posts and not
damage: they are counted by kind, in `notices`.

With `spans`, the reader also says where in the file each post's payload
lies (`span`, set as each post is yielded), when the payload is one line of
a plain file byte for byte, so the store can keep it by reference
(`archive_payload.py`); None for a gzip file, a JSON array, a
pretty-printed document or a post taken out of a response.

A JSON-array file is parsed whole (orjson, fast, but in memory). If it is
damaged, the items before the damage are recovered and the rest is reported
as one problem: there is no reliable place to resume inside a broken array.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import zlib
from collections import Counter
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

import orjson

from geotweets_desktop.core.archive.records import (
    EMPTY,
    NOTICE_KINDS,
    V2_NOTICE_KIND,
    RecordError,
    convert,
)
from geotweets_desktop.core.archive.v2_fast import fast_stream_post
from geotweets_desktop.core.archive_payload import PayloadSpan, payload_span, span_of
from geotweets_desktop.core.gazetteer import locate_profile
from geotweets_desktop.core.geolocate import ProfileMatcher
from geotweets_desktop.core.post import Post

GZIP_MAGIC = b"\x1f\x8b"
# Problems kept with their line and reason; past this only the count grows,
# so a file of garbage cannot fill the memory with complaints.
MAX_KEPT_PROBLEMS = 1_000
_PROGRESS_EVERY_LINES = 256
_READ_BUFFER = 1 << 20

FORMAT_NAMES = {
    "v2-stream": "X API v2 stream lines",
    "twarc2-pages": "X API v2 responses (twarc2 pages)",
    "twarc2-flat": "twarc2 flattened posts",
    "v1.1": "X API v1.1 statuses",
    "v1.1-search": "X API v1.1 search responses",
    "mixed": "mixed record shapes",
}
CONTAINER_NAMES = {"array": "JSON array", "documents": "pretty-printed JSON"}
# A line that is only this opens a pretty-printed document.
_DOCUMENT_OPENERS = (b"{", b"[")


@dataclass(frozen=True, slots=True)
class Problem:
    """A record that was skipped. `line` is 1-based: the line of the (decompressed)
    file, or for a JSON-array file (`unit == "item"`) the item's place in the array."""

    line: int
    reason: str
    unit: Literal["line", "item"] = "line"
    # True when the post was kept and only the part named was passed over.
    kept: bool = False

    def __str__(self) -> str:
        return f"{self.unit} {self.line}: {self.reason}" + (" (post kept)" if self.kept else "")


class ArchiveReader:
    """Reads one archive file; see the module docstring. Not thread-safe, but
    the progress attributes are plain numbers another thread may read."""

    def __init__(
        self,
        path: Path | str,
        profile_matcher: ProfileMatcher | None = locate_profile,
        *,
        spans: bool = False,
    ):
        self.path = Path(path)
        self._profile = profile_matcher
        self._spans = spans
        self.total_bytes = 0
        self.bytes_read = 0
        self.format: str | None = None
        self.compressed: bool | None = None
        self.container: Literal["lines", "array", "documents"] | None = None
        self._reset()

    def _reset(self) -> None:
        self.problems: list[Problem] = []
        self.bad_records = 0
        self.posts_read = 0
        self.posts_with_faults = 0
        self.notices: Counter[str] = Counter()
        self.empty_responses = 0
        self.lines_read = 0
        # Where the payload of the post last yielded lies in the file (see above).
        self.span: PayloadSpan | None = None
        # Set when reading ended before the end of the file: where and why.
        self.stopped: Problem | None = None

    @property
    def description(self) -> str:
        """What was found, for people: "X API v1.1 statuses (JSON array, gzip)"."""
        name = FORMAT_NAMES.get(self.format or "", "no posts recognised")
        extras = [CONTAINER_NAMES[self.container]] if self.container in CONTAINER_NAMES else []
        if self.compressed:
            extras.append("gzip")
        return f"{name} ({', '.join(extras)})" if extras else name

    @property
    def recognised(self) -> bool:
        """True once anything this app reads was found: a post, a notice, an
        empty response. False after reading means the file is no archive."""
        return self.format is not None or bool(self.notices) or self.empty_responses > 0

    def not_an_archive(self) -> str | None:
        """Why the file is no archive at all (one line), or None when it holds
        anything this app reads. Reads up to the first post, which for a
        file of posts is its first record, without locating it by profile
        text: that would build the gazetteer (seconds) for one answer."""
        profile, self._profile = self._profile, None
        posts = self.posts()
        try:
            next(posts, None)
        finally:
            posts.close()
            self._profile = profile
        return self.why_not_an_archive()

    def why_not_an_archive(self) -> str | None:
        """After reading: why the file is no archive at all, or None."""
        if self.recognised:
            return None
        name = self.path.name
        if self.problems:
            return f"{name} is not an archive of posts ({self.problems[0]})"
        return f"{name} is empty: no posts, no notices"

    @property
    def fraction(self) -> float:
        return self.bytes_read / self.total_bytes if self.total_bytes else 1.0

    def posts(self) -> Generator[Post, None, None]:
        """Yield every good post in file order. Raises OSError only when the file
        cannot be opened at all; every later fault becomes a Problem."""
        self._reset()
        self.bytes_read = 0
        self.container = None
        with open(self.path, "rb", buffering=0) as raw:
            self.total_bytes = self.path.stat().st_size
            self.compressed = raw.read(2) == GZIP_MAGIC
            raw.seek(0)
            stream: io.BufferedIOBase = (
                # GzipFile reads the file in 128 KiB steps itself: progress
                # (raw.tell()) moves in those steps.
                gzip.GzipFile(fileobj=raw, mode="rb")
                if self.compressed
                else io.BufferedReader(raw, _READ_BUFFER)
            )
            with stream:
                try:
                    head = stream.peek(64)[:64]  # type: ignore[attr-defined]
                except (EOFError, OSError, zlib.error) as exc:
                    self._stop(1, _read_fault(exc))
                    return
                if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"[":
                    self.container = "array"
                    yield from self._array(stream, raw)
                else:
                    self.container = "lines"
                    yield from self._lines(stream, raw, None if self.compressed else 0)
            self.bytes_read = self.total_bytes

    def splittable(self) -> bool:
        """True when the file is plain JSON lines, so `posts_between` can read
        parts of it (a gzip stream, a JSON array or pretty-printed JSON can
        only be read whole)."""
        with open(self.path, "rb") as f:
            head = f.read(64)
            first_line = head.lstrip(b"\xef\xbb\xbf \t\r\n") + f.readline()
        if head[:2] == GZIP_MAGIC or first_line[:1] == b"[":
            return False
        return first_line.split(b"\n", 1)[0].strip() not in _DOCUMENT_OPENERS

    def posts_between(self, start: int, end: int) -> Generator[Post, None, None]:
        """Like `posts`, for the lines that start at byte offsets in [start, end)
        of a `splittable` file, so that processes can share one file. Counts and
        problems are this part's own, and a problem's line counts from the
        part's first line (1); `lines_read` says how many lines the part had."""
        self._reset()
        self.container = "lines"
        with open(self.path, "rb", buffering=0) as raw:
            stream = io.BufferedReader(raw, _READ_BUFFER)
            position = start
            if start > 0:
                # The line that began before `start` belongs to the part before.
                raw.seek(start - 1)
                position += len(stream.readline()) - 1
            # The part's lines read at once (the last one whole, past `end` if
            # need be), then cut into lines in memory: no step a line between.
            part = stream.read(max(0, end - position))
            if part[-1:] not in (b"", b"\n"):
                part += stream.readline()
            yield from self._lines(io.BytesIO(part), raw, position)

    # -- internals -----------------------------------------------------------

    def _problem(
        self, where: int, reason: str, unit: Literal["line", "item"] = "line", kept: bool = False
    ) -> None:
        if not kept:
            self.bad_records += 1
        if len(self.problems) < MAX_KEPT_PROBLEMS:
            self.problems.append(Problem(where, reason, unit, kept))

    def _stop(self, where: int, reason: str, unit: Literal["line", "item"] = "line") -> None:
        """Reading ends here: the rest of the file is lost, and why is kept."""
        self.stopped = Problem(where, reason, unit)
        self._problem(where, reason, unit)

    def _seen(self, kind: str) -> None:
        if self.format is None:
            self.format = kind
        elif self.format != kind:
            self.format = "mixed"

    def _lines(
        self, stream: Iterable[bytes], raw: IO[bytes], position: int | None
    ) -> Iterator[Post]:
        """The posts of the lines of `stream`, the first of which starts at byte
        `position` of the file (None: not a plain file, no spans)."""
        loads = orjson.loads
        decode_error = orjson.JSONDecodeError
        profile = self._profile
        spans = self._spans and position is not None
        at = position or 0  # where the line being read starts in the file
        line_no = 0
        document: list[bytes] | None = None  # the lines of a pretty-printed one so far
        document_start = 0
        try:
            for line in stream:
                line_no += 1
                start = at
                at += len(line)
                if not line_no % _PROGRESS_EVERY_LINES:
                    self.bytes_read = raw.tell()
                if line_no == 1 and line.startswith(b"\xef\xbb\xbf"):
                    line = line[3:]
                    start += 3
                if document is not None:
                    document.append(line)
                    if line[:1] in (b"}", b"]"):  # a top-level value closes at column 0
                        self.span = None
                        yield from self._document(b"".join(document), document_start)
                        document = None
                    continue
                if self.format is None or self.format == "v2-stream":
                    post = fast_stream_post(line, profile)
                    if post is not None:
                        if self.format is None:
                            self._seen("v2-stream")
                        self.posts_read += 1
                        # The fast path keeps the line, without its ending, as the payload.
                        payload = post.raw
                        self.span = (
                            payload_span(payload, start)
                            if spans and isinstance(payload, bytes)
                            else None
                        )
                        yield post
                        continue
                try:
                    obj = loads(line)
                except decode_error as exc:
                    if line.strip() in _DOCUMENT_OPENERS:
                        document, document_start = [line], line_no
                        self.container = "documents"
                        continue
                    obj = self._recover(line, line_no, exc)
                    if obj is None:
                        continue
                posts = self._convert(obj, line, line_no, "line")
                self.span = None
                if spans and len(posts) == 1:
                    # The payload of a post that is the whole line is that line.
                    span = span_of(line, start)
                    if _payload_bytes(posts[0]) == line[: span.length]:
                        self.span = span
                yield from posts
            if document is not None:
                self._stop(document_start, "the JSON document starting here ends early")
        except (EOFError, OSError, zlib.error) as exc:
            self._stop(line_no + 1, f"{_read_fault(exc)}; the rest is lost")
        finally:
            self.lines_read = line_no

    def _document(self, text: bytes, line_no: int) -> Iterator[Post]:
        """One pretty-printed JSON document: a record, or an array of them."""
        try:
            obj = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            obj = self._recover(text, line_no, exc)
            if obj is None:
                return
        if isinstance(obj, list):
            for item in obj:
                yield from self._convert(item, None, line_no, "line")
        else:
            yield from self._convert(obj, None, line_no, "line")

    def _convert(
        self, obj: Any, raw: bytes | None, where: int, unit: Literal["line", "item"]
    ) -> list[Post]:
        """The posts in one decoded record (a response holds several), with
        what is wrong in it counted: a notice, a problem, or both posts and
        problems (a response with some bad posts)."""
        try:
            converted = convert(obj, raw, self._profile)
        except RecordError as exc:
            self._problem(where, str(exc), unit)
            return []
        except Exception as exc:  # one record's fault must not end the file
            self._problem(where, f"unexpected fault ({type(exc).__name__}: {exc})", unit)
            return []
        kind = converted.kind
        if kind in NOTICE_KINDS:
            self.notices[kind] += 1
            return []
        if kind == EMPTY:
            self.empty_responses += 1
            return []
        if kind != self.format:
            self._seen(kind)
        if kind == "twarc2-pages" and "errors" in obj:
            # X's partial errors beside the posts (a referenced post it could not show).
            self.notices[V2_NOTICE_KIND] += 1
        for reason in converted.skipped:
            self._problem(where, reason, unit)
        for fault in converted.faults:
            self._problem(where, fault, unit, kept=True)
        if converted.faults:
            self.posts_with_faults += 1
        self.posts_read += len(converted.posts)
        return converted.posts

    def _recover(self, line: bytes, line_no: int, exc: Exception) -> Any:
        """A line orjson refused: blank (fine), not UTF-8, NaN/Infinity, an
        integer past 64 bits, or broken."""
        if not line.strip():
            return None
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as bad:
            byte = line[bad.start]
            self._problem(line_no, f"not UTF-8 text (byte 0x{byte:02x} at column {bad.start + 1})")
            return None
        try:
            # The stdlib parser accepts NaN and Infinity (Python's json.dumps
            # writes them); the coordinate checks then name the bad number.
            return json.loads(text)
        except RecursionError:
            self._problem(line_no, "JSON nested too deeply to read")
            return None
        except ValueError:
            self._problem(line_no, f"broken JSON ({exc})")
            return None

    def _array(self, stream: io.BufferedIOBase, raw: IO[bytes]) -> Iterator[Post]:
        chunks: list[bytes] = []
        cut: str | None = None
        try:
            # read1: a fault loses only the step it happens in, not all that
            # one big read() had already decompressed.
            while chunk := stream.read1(_READ_BUFFER):
                chunks.append(chunk)
                self.bytes_read = raw.tell()
        except (EOFError, OSError, zlib.error) as exc:
            cut = _read_fault(exc)
        content = b"".join(chunks)
        del chunks
        parsed: Any = None
        if cut is None:
            with contextlib.suppress(orjson.JSONDecodeError):
                parsed = orjson.loads(content)
        damage: str | None = None
        if isinstance(parsed, list):
            items = parsed
        else:
            items, damage = _salvage_array(content, cut)
        del content, parsed
        for index, obj in enumerate(items, 1):
            if isinstance(obj, _Unreadable):
                self._problem(index, obj.reason, "item")
            else:
                yield from self._convert(obj, None, index, "item")
        if damage is not None:
            self._stop(len(items) + 1, f"{damage}; the rest of the array is lost", "item")


def _payload_bytes(post: Post) -> bytes:
    raw = post.raw
    return raw.encode("utf-8") if isinstance(raw, str) else raw


def _read_fault(exc: BaseException) -> str:
    """Words for a fault met while reading or decompressing the file."""
    if isinstance(exc, EOFError):
        return "the gzip data ends early (truncated file)"
    if isinstance(exc, gzip.BadGzipFile | zlib.error):
        return f"the gzip data is damaged ({exc})"
    return f"the file cannot be read further ({exc})"


@dataclass(frozen=True, slots=True)
class _Unreadable:
    """An array item that is well-formed JSON but cannot be decoded (why)."""

    reason: str


def _salvage_array(content: bytes, cut: str | None) -> tuple[list[Any], str | None]:
    """The items of a damaged array up to the damage, and what the damage is.

    The stdlib decoder reads one item at a time (and accepts NaN, which the
    coordinate checks then report item by item). An item nested too deeply
    for it is stepped over, as an `_Unreadable` item.
    """
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as bad:
        text = content[: bad.start].decode("utf-8")
        cut = cut or f"not UTF-8 text (byte 0x{content[bad.start]:02x} at offset {bad.start})"
    decoder = json.JSONDecoder()
    items: list[Any] = []
    end = len(text)
    pos = text.find("[") + 1
    while True:
        pos = _skip_space(text, pos)
        if pos >= end:
            return items, cut or "the array ends early (truncated file)"
        if text[pos] == "]" and not items:
            return items, cut
        try:
            obj, pos = decoder.raw_decode(text, pos)
        except RecursionError:
            after = _end_of_value(text, pos)
            if after is None:
                return items, cut or "the array ends early (truncated file)"
            obj, pos = _Unreadable("JSON nested too deeply to read"), after
        except ValueError as exc:
            return items, cut or f"broken JSON at line {text.count(chr(10), 0, pos) + 1} ({exc})"
        items.append(obj)
        pos = _skip_space(text, pos)
        if pos < end and text[pos] == ",":
            pos += 1
        elif pos < end and text[pos] == "]":
            return items, cut
        elif pos >= end:
            return items, cut or "the array ends early (truncated file)"
        else:
            return items, f"expected ',' or ']' at line {text.count(chr(10), 0, pos) + 1}"


def _end_of_value(text: str, pos: int) -> int | None:
    """Where the array or object starting at `pos` ends (brackets counted
    outside strings, without recursion), or None if it never does."""
    depth = 0
    in_string = escaped = False
    for index in range(pos, len(text)):
        char = text[index]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return index + 1
    return None


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos
