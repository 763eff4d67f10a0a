"""A loopback fake of X's API v2 (filtered stream, stream rules, recent search).

    from fake_x import FakeX, payloads   # tests/ is on sys.path (see tests/conftest.py)

    with FakeX(keepalive_interval=0.2) as fake:
        monkeypatch.setenv("GEOTWEETS_X_API_URL", fake.base_url)
        fake.add_existing_rule("cats -is:retweet")          # another tool's rule
        fake.push(payloads.point_post(), matches="rain has:geo")
        ...

See `server.FakeX` for the knobs and counters, and `steps` for scripted
stream faults.
"""

from . import payloads
from .errors import (
    CLIENT_FORBIDDEN,
    NO_RULES,
    OPERATIONAL_DISCONNECT,
    SERVICE_UNAVAILABLE,
    TOO_MANY_CONNECTIONS,
    TOO_MANY_REQUESTS,
    UNAUTHORIZED,
)
from .plumbing import RULES_PATH, SEARCH_PATH, STREAM_PATH, RecordedRequest
from .server import DEFAULT_TOKEN, FakeX
from .steps import (
    Cut,
    EndStream,
    KeepAlive,
    OperationalDisconnect,
    Respond,
    SendLines,
    SendPost,
    SendRaw,
    Silence,
    Step,
    malformed_line,
    split_post,
)

__all__ = [
    "CLIENT_FORBIDDEN",
    "DEFAULT_TOKEN",
    "NO_RULES",
    "OPERATIONAL_DISCONNECT",
    "RULES_PATH",
    "SEARCH_PATH",
    "SERVICE_UNAVAILABLE",
    "STREAM_PATH",
    "TOO_MANY_CONNECTIONS",
    "TOO_MANY_REQUESTS",
    "UNAUTHORIZED",
    "Cut",
    "EndStream",
    "FakeX",
    "KeepAlive",
    "OperationalDisconnect",
    "RecordedRequest",
    "Respond",
    "SendLines",
    "SendPost",
    "SendRaw",
    "Silence",
    "Step",
    "malformed_line",
    "payloads",
    "split_post",
]
