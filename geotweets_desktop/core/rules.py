"""Our own tag namespace for X filtered-stream rules.

Rules live on X's side and outlive a connection, and the account may hold
rules made by other tools. Every rule we create is tagged
`geotweets:<session key>:<term>`, so we can recognise (and only ever delete)
our own, and map a post's `matching_rules` back to the user's term.
"""

from __future__ import annotations

TAG_PREFIX = "geotweets:"


def make_tag(session_key: str, term: str) -> str:
    if ":" in session_key:
        raise ValueError("a session key cannot contain ':'")
    return f"{TAG_PREFIX}{session_key}:{term}"


def is_ours(tag: str | None) -> bool:
    return bool(tag) and str(tag).startswith(TAG_PREFIX)


def term_from_tag(tag: str, session_key: str) -> str | None:
    """The term of one of this session's tags; None for anyone else's tag."""
    prefix = f"{TAG_PREFIX}{session_key}:"
    return tag[len(prefix) :] if tag.startswith(prefix) else None
