"""The filtered stream endpoint: one chunked response per connection.

A connection runs its scripted steps first, then whatever the test queues
(`FakeX.push` / `FakeX.inject`), and sends a bare `\\r\\n` keep-alive whenever
`keepalive_interval` seconds pass with nothing else to send. Each post line
is one JSON object ending in `\\r\\n`, its `matching_rules` filled from the
account's rules at the moment it is sent.
"""

from __future__ import annotations

import copy
import json
import select
import socket
import time
from collections import deque
from typing import TYPE_CHECKING, Any

from . import steps
from .errors import DEFAULT_ERROR_BODIES, NO_RULES, TOO_MANY_CONNECTIONS, TOO_MANY_REQUESTS
from .fields import bad_field_param

if TYPE_CHECKING:
    from .plumbing import Handler


class ClientGone(Exception):
    pass


class StreamResponse:
    def __init__(self, handler: Handler, query: dict[str, str]) -> None:
        self._handler = handler
        self._fake = handler.fake
        self._query = query
        self._holding_stream = False
        self._next_keepalive = 0.0

    def serve(self) -> None:
        handler, fake = self._handler, self._fake
        with fake._cond:
            script = fake._scripts.popleft() if fake._scripts else []
        allowed, rate_headers = fake._take("stream")
        if not allowed:
            handler.send_json(429, TOO_MANY_REQUESTS, rate_headers)
            return
        if script and isinstance(script[0], steps.Respond):
            first = script[0]
            body = (
                first.body if first.body is not None else DEFAULT_ERROR_BODIES.get(first.status, {})
            )
            handler.send_json(first.status, body, {**rate_headers, **first.headers})
            return
        problem = bad_field_param(self._query)
        if problem is not None:
            handler.send_json(400, problem, rate_headers)
            return
        with fake._cond:
            if not fake._rulebook:
                refusal: tuple[int, dict[str, Any]] | None = (409, NO_RULES)
            elif fake._open_streams >= fake.max_stream_connections:
                refusal = (429, TOO_MANY_CONNECTIONS)
            else:
                refusal = None
                fake._open_streams += 1
                fake._stream_connections += 1
        if refusal is not None:
            handler.send_json(*refusal, rate_headers)
            return
        handler.close_connection = True
        self._holding_stream = True
        try:
            handler.recorded.status = 200
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Transfer-Encoding", "chunked")
            for name, value in rate_headers.items():
                handler.send_header(name, value)
            handler.end_headers()
            self._loop(deque(script))
        except ClientGone:
            pass
        finally:
            self._release()

    def _release(self) -> None:
        """This connection no longer counts as open (idempotent). Called before
        the server ends a stream, so a client reconnecting at once is not refused."""
        if not self._holding_stream:
            return
        self._holding_stream = False
        fake = self._fake
        with fake._cond:
            fake._open_streams -= 1
            fake._cond.notify_all()

    def _chunk(self, data: bytes) -> None:
        try:
            self._handler.wfile.write(f"{len(data):X}\r\n".encode() + data + b"\r\n")
        except OSError as exc:
            raise ClientGone from exc

    def _end(self) -> None:
        try:
            self._handler.wfile.write(b"0\r\n\r\n")
        except OSError as exc:
            raise ClientGone from exc

    def _client_gone(self) -> bool:
        connection = self._handler.connection
        try:
            readable, _, _ = select.select([connection], [], [], 0)
            if not readable:
                return False
            return connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def _next_step(self, script: deque[steps.Step]) -> steps.Step:
        """The scripted step, else a queued one, else a keep-alive when one is due."""
        fake = self._fake
        with fake._cond:
            while True:
                if fake._stopping.is_set():
                    return steps.EndStream()
                if script:
                    return script.popleft()
                if self._client_gone():
                    raise ClientGone
                if fake._events:
                    return fake._events.popleft()
                remaining = self._next_keepalive - time.monotonic()
                if remaining <= 0:
                    self._next_keepalive = time.monotonic() + fake.keepalive_interval
                    return steps.KeepAlive()
                fake._cond.wait(min(remaining, 0.05))

    def _loop(self, script: deque[steps.Step]) -> None:
        fake = self._fake
        self._next_keepalive = time.monotonic() + fake.keepalive_interval
        while True:
            step = self._next_step(script)
            if isinstance(step, steps.EndStream):
                self._release()
                self._end()
                return
            if isinstance(step, steps.Cut):
                self._release()
                self._handler.cut()
                return
            if isinstance(step, steps.OperationalDisconnect):
                self._chunk(json.dumps(step.body, separators=(",", ":")).encode() + b"\r\n")
                self._release()
                self._end()
                return
            if isinstance(step, steps.KeepAlive):
                self._chunk(b"\r\n")
            elif isinstance(step, steps.Silence):
                fake._stopping.wait(step.seconds)
                self._next_keepalive = time.monotonic()
            elif isinstance(step, steps.SendRaw):
                self._chunk(step.data + (b"\r\n" if step.line else b""))
            elif isinstance(step, steps.SendPost):
                self._send_post(step)
            elif isinstance(step, steps.SendLines):
                self._chunk(b"".join(step.lines))
                fake._mark_delivered(step.post_ids)
            else:  # Respond mid-stream or an unknown step: a mistake in the test
                fake._record_error(f"step {step!r} cannot run on an open stream")

    def _send_post(self, step: steps.SendPost) -> None:
        fake = self._fake
        post_id = str(step.post.get("data", {}).get("id", ""))
        with fake._cond:
            if step.matching_rules is not None:
                rules = copy.deepcopy(step.matching_rules)
            elif step.by_query:
                rules = fake._rulebook.matching(step.post)
            else:
                rules = fake._rulebook.resolve(step.matches)
            if not rules:
                fake._dropped.append(post_id)
                return
        if step.untagged:
            for rule in rules:
                rule.pop("tag", None)
        obj = fake._shape(step.post, self._query)
        obj["matching_rules"] = rules
        line = json.dumps(obj, separators=(",", ":")).encode() + b"\r\n"
        if step.split_at is None:
            self._chunk(line)
        else:
            cut = max(1, min(step.split_at, len(line) - 1))
            self._chunk(line[:cut])
            fake._stopping.wait(step.split_delay)
            self._chunk(line[cut:])
        fake._mark_delivered([post_id])
