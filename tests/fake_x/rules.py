"""The account's stream rules: validated, added, listed and deleted as X does.

X keeps rules per app, not per connection, so they outlive a stream; other
tools' rules sit beside ours. Not thread-safe on its own: `FakeX` calls it
with its lock held.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from . import geo_match
from .errors import invalid_request
from .fields import split_csv

# Operators that X refuses on their own ("conjunction-required").
CONJUNCTION_REQUIRED_PREFIXES = ("is:", "has:", "lang:", "sample:", "place_country:")


class RuleBook:
    def __init__(self, *, max_rules: int, max_rule_length: int, atomic_batches: bool) -> None:
        self.max_rules = max_rules
        self.max_rule_length = max_rule_length
        self.atomic_batches = atomic_batches
        self._rules: dict[str, dict[str, str]] = {}
        self._rule_ids = itertools.count(1_880_000_000_000_000_001)

    def __bool__(self) -> bool:
        return bool(self._rules)

    def plant(self, value: str, tag: str | None) -> str:
        """A rule put there without validation (another tool's); returns its id."""
        rule_id = str(next(self._rule_ids))
        rule = {"id": rule_id, "value": value}
        if tag is not None:
            rule["tag"] = tag
        self._rules[rule_id] = rule
        return rule_id

    def all(self) -> list[dict[str, str]]:
        """Every rule, oldest first (copies)."""
        return [dict(rule) for rule in self._rules.values()]

    def resolve(self, names: Iterable[str]) -> list[dict[str, str]]:
        wanted = set(names)
        matched = []
        for rule in self._rules.values():
            if rule["value"] in wanted or rule.get("tag") in wanted:
                entry = {"id": rule["id"]}
                if "tag" in rule:
                    entry["tag"] = rule["tag"]
                matched.append(entry)
        return matched

    def matching(self, post: dict[str, Any]) -> list[dict[str, str]]:
        """The rules whose values match the post as X reads them (geo_match.py)."""
        return geo_match.matching_rules(self._rules.values(), post)

    def _rule_problem(self, value: Any, seen: dict[str, str]) -> dict[str, Any] | None:
        if not isinstance(value, str) or not value.strip():
            return {
                "value": value if isinstance(value, str) else "",
                "details": ["Rules must contain a non-empty value"],
                "title": "UnprocessableEntity",
                "type": "https://api.twitter.com/2/problems/invalid-rules",
            }
        if len(value) > self.max_rule_length:
            return {
                "value": value,
                "details": [
                    f"Rule is too long: {len(value)} characters, "
                    f"at most {self.max_rule_length} are allowed"
                ],
                "title": "UnprocessableEntity",
                "type": "https://api.twitter.com/2/problems/invalid-rules",
            }
        geo_problem = geo_match.problem(value)
        if geo_problem is not None:
            return {
                "value": value,
                "details": [geo_problem],
                "title": "UnprocessableEntity",
                "type": "https://api.twitter.com/2/problems/invalid-rules",
            }
        if not _has_standalone_operator(value):
            return {
                "value": value,
                "details": [
                    "Rules must contain at least one positive, standalone operator: "
                    "is:, has:, lang: and sample: operators can only be combined with one "
                    "(at position 1)"
                ],
                "title": "UnprocessableEntity",
                "type": "https://api.twitter.com/2/problems/invalid-rules",
            }
        if value in seen:
            return {
                "value": value,
                "id": seen[value],
                "title": "DuplicateRule",
                "type": "https://api.twitter.com/2/problems/duplicate-rules",
            }
        return None

    def post(self, body: Any, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
        dry_run = query.get("dry_run", "false").lower() == "true"
        delete_all = query.get("delete_all", "false").lower() == "true"
        if delete_all:
            body = {"delete": {"ids": [rule_id for rule_id in self._rules]}}
        if not isinstance(body, dict) or (("add" in body) == ("delete" in body)):
            return 400, invalid_request(
                "body", [], "Exactly one of `add` or `delete` must be present in the request body"
            )
        sent = now_iso()
        if "add" in body:
            additions = body["add"]
            if not isinstance(additions, list) or not additions:
                return 400, invalid_request("add", [], "`add` must be a non-empty array of rules")
            return self._add(additions, dry_run, sent)
        return self._delete(body["delete"], dry_run, sent)

    def _add(self, additions: list[Any], dry_run: bool, sent: str) -> tuple[int, dict[str, Any]]:
        seen = {rule["value"]: rule_id for rule_id, rule in self._rules.items()}
        created: list[dict[str, str]] = []
        errors: list[dict[str, Any]] = []
        for item in additions:
            value = item.get("value") if isinstance(item, dict) else None
            problem = self._rule_problem(value, seen)
            if problem is not None:
                errors.append(problem)
                continue
            rule = {"id": str(next(self._rule_ids)), "value": value}
            tag = item.get("tag")
            if isinstance(tag, str) and tag:
                rule["tag"] = tag
            seen[value] = rule["id"]
            created.append(rule)
        valid = len(created)
        if len(self._rules) + len(created) > self.max_rules:
            errors.append(
                {
                    "title": "RulesCapExceeded",
                    "detail": (
                        f"Rule creation would exceed the allowed rule cap of {self.max_rules}"
                    ),
                    "type": "https://api.twitter.com/2/problems/rule-cap",
                }
            )
            created = []
        if self.atomic_batches and errors:
            created = []
        if not dry_run:
            for rule in created:
                self._rules[rule["id"]] = rule
        result: dict[str, Any] = {}
        if created:
            result["data"] = [
                {"value": r["value"], **({"tag": r["tag"]} if "tag" in r else {}), "id": r["id"]}
                for r in created
            ]
        result["meta"] = {
            "sent": sent,
            "summary": {
                "created": len(created),
                "not_created": len(additions) - len(created),
                "valid": valid,
                "invalid": len(additions) - valid,
            },
        }
        if errors:
            result["errors"] = errors
        status = 201 if created and not dry_run else 200
        return status, result

    def _delete(self, spec: Any, dry_run: bool, sent: str) -> tuple[int, dict[str, Any]]:
        if not isinstance(spec, dict) or not (
            isinstance(spec.get("ids"), list) or isinstance(spec.get("values"), list)
        ):
            return 400, invalid_request("delete", [], "`delete` must hold `ids` or `values`")
        targets: list[str] = []
        missing: list[str] = []
        for rule_id in spec.get("ids") or []:
            (targets if str(rule_id) in self._rules else missing).append(str(rule_id))
        by_value = {rule["value"]: rule_id for rule_id, rule in self._rules.items()}
        for value in spec.get("values") or []:
            if value in by_value:
                targets.append(by_value[value])
            else:
                missing.append(str(value))
        if not dry_run:
            for rule_id in targets:
                self._rules.pop(rule_id, None)
        result: dict[str, Any] = {
            "meta": {
                "sent": sent,
                "summary": {"deleted": len(targets), "not_deleted": len(missing)},
            }
        }
        if missing:
            result["errors"] = [
                {
                    "errors": [{"parameters": {"ids": missing}, "message": "Rule does not exist"}],
                    "title": "Invalid Request",
                    "detail": "One or more parameters to your request was invalid.",
                    "type": "https://api.twitter.com/2/problems/invalid-request",
                }
            ]
        return 200, result

    def get(self, query: dict[str, str]) -> dict[str, Any]:
        wanted = set(split_csv(query.get("ids")))
        rules = [dict(rule) for rule in self._rules.values() if not wanted or rule["id"] in wanted]
        result: dict[str, Any] = {}
        if rules:
            result["data"] = rules
        result["meta"] = {"sent": now_iso(), "result_count": len(rules)}
        return result


def now_iso() -> str:
    moment = datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _has_standalone_operator(value: str) -> bool:
    """False for a rule made only of conjunction-required or negated operators."""
    cleaned = value.replace("(", " ").replace(")", " ")
    for token in cleaned.split():
        if token == "OR" or token.startswith("-"):
            continue
        if token.lower().startswith(CONJUNCTION_REQUIRED_PREFIXES):
            continue
        return True
    return False
