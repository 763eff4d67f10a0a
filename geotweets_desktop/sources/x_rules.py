"""Filtered-stream rules: ours only, one per term, never anyone else's.

Rules live on X's side and outlive a connection; the account may hold rules
made by other tools. We tag each of ours `geotweets:<session key>:<term>`
(see core/rules.py), delete only rules carrying our prefix, and map a post's
`matching_rules` tags back to terms.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import tweepy

from geotweets_desktop.core.rules import is_ours, make_tag

log = logging.getLogger(__name__)

MAX_RULE_LENGTH = 1024


class RuleError(RuntimeError):
    """X refused a rule; the message says which and why."""


@dataclass(frozen=True, slots=True)
class RuleSet:
    session_key: str
    tags: dict[str, str]  # tag -> term


def rule_value(term: str, located_only: bool) -> str:
    """The rule for one term. `has:geo` cannot stand alone, so it joins the term."""
    value = f"{term} has:geo" if located_only else term
    if len(value) > MAX_RULE_LENGTH:
        raise RuleError(f"The rule for {term!r} is longer than X allows ({MAX_RULE_LENGTH}).")
    return value


def our_rule_ids(client: tweepy.StreamingClient) -> list[str]:
    response = client.get_rules()
    return [str(rule.id) for rule in (response.data or []) if is_ours(rule.tag)]


def replace_rules(
    client: tweepy.StreamingClient, session_key: str, terms: list[str], located_only: bool
) -> RuleSet:
    """Delete our stale rules, add one per term; other tools' rules are untouched."""
    stale = our_rule_ids(client)
    if stale:
        client.delete_rules(stale)
        log.info("removed %d stale GeoTweets rule(s)", len(stale))
    tags = {make_tag(session_key, term): term for term in terms}
    rules = [
        tweepy.StreamRule(value=rule_value(term, located_only), tag=tag)
        for tag, term in tags.items()
    ]
    response = client.add_rules(rules)
    problems = [e for e in (response.errors or []) if isinstance(e, dict)]
    if problems:
        first = problems[0]
        details = "; ".join(first.get("details") or []) or first.get("title", "invalid rule")
        raise RuleError(f"X refused the rule {first.get('value', '')!r}: {details}")
    return RuleSet(session_key, tags)
