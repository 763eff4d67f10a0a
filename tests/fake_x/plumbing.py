"""HTTP plumbing: the threaded loopback server, its connections, and request routing.

Real HTTP/1.1 on 127.0.0.1, served by `http.server.ThreadingHTTPServer`. The
server tracks every open socket so that `FakeX.close()` can end them all; the
handler records each request, checks the bearer token and hands the request
to its endpoint (rules, recent search, or the stream in `stream.py`).
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import traceback
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from .errors import (
    CLIENT_FORBIDDEN,
    METHOD_NOT_ALLOWED,
    NOT_FOUND,
    TOO_MANY_REQUESTS,
    UNAUTHORIZED,
    invalid_request,
)
from .fields import bad_field_param
from .stream import StreamResponse

if TYPE_CHECKING:
    from .server import FakeX

STREAM_PATH = "/2/tweets/search/stream"
RULES_PATH = "/2/tweets/search/stream/rules"
SEARCH_PATH = "/2/tweets/search/recent"

ROUTES = frozenset(
    {("GET", STREAM_PATH), ("GET", RULES_PATH), ("POST", RULES_PATH), ("GET", SEARCH_PATH)}
)


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    status: int = 0


class Server(ThreadingHTTPServer):
    daemon_threads = False  # so server_close() joins every handler thread
    block_on_close = True

    def __init__(self, address: tuple[str, int], fake: FakeX) -> None:
        self.fake = fake
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, Handler)

    def track(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.add(connection)
            stopping = self.fake._stopping.is_set()
        if stopping:
            shutdown_socket(connection)

    def untrack(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.discard(connection)

    def drop_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            shutdown_socket(connection)

    def handle_error(self, request: Any, client_address: Any) -> None:
        self.fake._record_error(traceback.format_exc())


def shutdown_socket(connection: socket.socket) -> None:
    with contextlib.suppress(OSError):
        connection.shutdown(socket.SHUT_RDWR)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeX/1.0"
    timeout = 30  # a socket timeout, so nothing can hang a test forever
    server: Server
    recorded: RecordedRequest

    def version_string(self) -> str:
        return self.server_version

    # BaseHTTPRequestHandler logs every request to stderr; keep tests quiet.
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.untrack(self.connection)

    @property
    def fake(self) -> FakeX:
        return self.server.fake

    # --- request entry points ---------------------------------------------------------

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def _dispatch(self, method: str) -> None:
        parts = urlsplit(self.path)
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        body: Any = None
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw.decode("utf-8", "replace")
        self.recorded = RecordedRequest(method, parts.path, query, dict(self.headers.items()), body)
        self.fake._record(self.recorded)

        route = (method, parts.path.rstrip("/"))
        if route[1] not in (STREAM_PATH, RULES_PATH, SEARCH_PATH):
            self.send_json(404, NOT_FOUND)
            return
        if route not in ROUTES:
            self.send_json(405, METHOD_NOT_ALLOWED)
            return

        if route == ("GET", STREAM_PATH):
            with self.fake._cond:
                self.fake._stream_attempts += 1
                self.fake._stream_requests.append(dict(query))
        token = self._bearer()
        if token not in self.fake.tokens | self.fake.no_stream_access_tokens:
            self.send_json(401, UNAUTHORIZED)
            return
        if route[1] == SEARCH_PATH:
            self._serve_search(query)
            return
        if token in self.fake.no_stream_access_tokens:
            self.send_json(403, CLIENT_FORBIDDEN)
            return
        if route[1] == RULES_PATH:
            self._serve_rules(method, query, body, raw)
        else:
            StreamResponse(self, query).serve()

    def _bearer(self) -> str | None:
        header = self.headers.get("Authorization") or ""
        scheme, _, token = header.partition(" ")
        return token.strip() if scheme.lower() == "bearer" else None

    # --- rules and search ---------------------------------------------------------------

    def _serve_rules(self, method: str, query: dict[str, str], body: Any, raw: bytes) -> None:
        fake = self.fake
        allowed, headers = fake._take("rules")
        if not allowed:
            self.send_json(429, TOO_MANY_REQUESTS, headers)
            return
        with fake._cond:
            if method == "GET":
                status, result = 200, fake._rulebook.get(query)
            elif raw and not isinstance(body, (dict, list)):
                status, result = 400, invalid_request("body", [], "Request body is not valid JSON")
            else:
                status, result = fake._rulebook.post(body, query)
        self.send_json(status, result, headers)

    def _serve_search(self, query: dict[str, str]) -> None:
        fake = self.fake
        with fake._cond:
            fake._search_requests.append(dict(query))
        allowed, headers = fake._take("search")
        if not allowed:
            self.send_json(429, TOO_MANY_REQUESTS, headers)
            return
        problem = bad_field_param(query)
        if problem is not None:
            self.send_json(400, problem, headers)
            return
        with fake._cond:
            status, result = fake._recent_search.find(query)
        self.send_json(status, result, headers)

    # --- answers ---------------------------------------------------------------------

    def cut(self) -> None:
        """Drop the connection: no last chunk, just a closed socket."""
        shutdown_socket(self.connection)

    def send_json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        payload = json.dumps(body, separators=(",", ":")).encode()
        self.recorded.status = status
        self.send_response(status)
        is_problem = status >= 400 and isinstance(body, dict) and "errors" not in body
        self.send_header(
            "Content-Type",
            "application/problem+json" if is_problem else "application/json; charset=utf-8",
        )
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        try:
            self.end_headers()
            self.wfile.write(payload)
        except OSError:  # the client left before reading the answer
            self.close_connection = True
