"""Filtered-stream rules: ours only, never anyone else's.

Rules live on X's side and outlive a connection; the account may hold rules
made by other tools. We tag each of ours `geotweets:<session key>:<term>`
(see core/rules.py), delete only rules carrying our prefix, and map a post's
`matching_rules` tags back to terms.

Without areas there is one rule per term. With areas, each term's rules
carry the areas' shapes (core/area/rules.py), and with no terms each area
has rules of its own, tagged with the area's label. Before anything is
added, the rules must fit the account's rule budget beside other tools'
rules, and X checks them in a dry run, so a refused rule leaves the account
as it was and X's own words reach the user.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import tweepy

from geotweets_desktop.core.area.model import Area
from geotweets_desktop.core.area.rules import STREAM_RULE_LENGTH, stream_rules
from geotweets_desktop.core.rules import is_ours, make_tag

log = logging.getLogger(__name__)

MAX_RULE_LENGTH = STREAM_RULE_LENGTH
# X Pro's rule cap per project; the account's own cap may be lower.
DEFAULT_RULE_BUDGET = 1000


class RuleError(RuntimeError):
    """X refused a rule, or the rules do not fit; the message says which and why."""


@dataclass(frozen=True, slots=True)
class RuleSet:
    session_key: str
    tags: dict[str, str]  # tag -> term (or area label)


@dataclass(frozen=True, slots=True)
class RulePlan:
    """The rules a search needs: (value, term or area label) pairs, and its shapes."""

    rules: list[tuple[str, str]]
    shapes: int


def rule_value(term: str, located_only: bool) -> str:
    """The rule for one term. `has:geo` cannot stand alone, so it joins the term."""
    value = f"{term} has:geo" if located_only else term
    if len(value) > MAX_RULE_LENGTH:
        raise RuleError(f"The rule for {term!r} is longer than X allows ({MAX_RULE_LENGTH}).")
    return value


def plan_rules(terms: list[str], located_only: bool, areas: list[Area]) -> RulePlan:
    if not areas:
        return RulePlan([(rule_value(term, located_only), term) for term in terms], 0)
    query = stream_rules(terms, areas)
    return RulePlan(list(zip(query.texts, query.labels, strict=True)), query.shapes)


def replace_rules(
    client: tweepy.StreamingClient,
    session_key: str,
    plan: RulePlan,
    rule_budget: int = DEFAULT_RULE_BUDGET,
) -> RuleSet:
    """Delete our stale rules, check the new ones (budget, then X's dry run),
    add them; other tools' rules are untouched."""
    existing = client.get_rules().data or []
    stale = [str(rule.id) for rule in existing if is_ours(rule.tag)]
    others = len(existing) - len(stale)
    needed = len(plan.rules)
    if needed + others > rule_budget:
        held = f" ({others} held by other tools)" if others else ""
        raise RuleError(
            f"This search needs {needed:,} rules; the account may have {rule_budget:,}{held}, "
            f"so {needed + others - rule_budget:,} too many. Follow a smaller area or fewer terms."
        )
    if stale:
        client.delete_rules(stale)
        log.info("removed %d stale GeoTweets rule(s)", len(stale))
    rules = [
        tweepy.StreamRule(value=value, tag=make_tag(session_key, label))
        for value, label in plan.rules
    ]
    _raise_refusal(client.add_rules(rules, dry_run=True))
    _raise_refusal(client.add_rules(rules))
    return RuleSet(
        session_key,
        {str(rule.tag): label for rule, (_, label) in zip(rules, plan.rules, strict=True)},
    )


def _raise_refusal(response: Any) -> None:
    problems = [e for e in (response.errors or []) if isinstance(e, dict)]
    if not problems:
        return
    first = problems[0]
    details = "; ".join(first.get("details") or []) or first.get("detail") or first.get("title")
    if "value" in first:
        raise RuleError(f"X refused the rule {first['value']!r}: {details or 'invalid rule'}")
    raise RuleError(f"X refused the rules: {details or 'no reason given'}")
