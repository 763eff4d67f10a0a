"""The fields X knows, and posts trimmed to the fields a request asked for.

A request naming a field or expansion X does not know gets a 400; X returns
a few fields whether asked for or not; fields X does not know at all (from
the future) pass through untouched.
"""

from __future__ import annotations

import copy
from typing import Any

from .errors import invalid_request


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


TWEET_FIELDS = _names(
    "article attachments author_id card_uri community_id context_annotations conversation_id "
    "created_at display_text_range edit_controls edit_history_tweet_ids entities geo id "
    "in_reply_to_user_id lang media_metadata non_public_metrics note_tweet organic_metrics "
    "possibly_sensitive promoted_metrics public_metrics referenced_tweets reply_settings "
    "scopes source text withheld"
)
USER_FIELDS = _names(
    "affiliation connection_status created_at description entities id is_identity_verified "
    "location most_recent_tweet_id name parody pinned_tweet_id profile_banner_url "
    "profile_image_url protected public_metrics receives_your_dm subscription "
    "subscription_type url username verified verified_followers_count verified_type "
    "withheld"
)
PLACE_FIELDS = _names("contained_within country country_code full_name geo id name place_type")
EXPANSIONS = _names(
    "article.cover_media article.media_entities attachments.media_keys "
    "attachments.media_source_tweet attachments.poll_ids author_id edit_history_tweet_ids "
    "entities.mentions.username geo.place_id in_reply_to_user_id entities.note.mentions.username "
    "referenced_tweets.id referenced_tweets.id.attachments.media_keys "
    "referenced_tweets.id.author_id"
)
# Returned whether asked for or not.
DEFAULT_TWEET_FIELDS = frozenset({"id", "text", "edit_history_tweet_ids"})
DEFAULT_USER_FIELDS = frozenset({"id", "name", "username"})
DEFAULT_PLACE_FIELDS = frozenset({"id", "full_name"})
FIELD_PARAMS = {
    "tweet.fields": TWEET_FIELDS,
    "user.fields": USER_FIELDS,
    "place.fields": PLACE_FIELDS,
    "expansions": EXPANSIONS,
}


def split_csv(value: str | None) -> list[str]:
    return [part for part in (value or "").split(",") if part]


def shape(post: dict[str, Any], query: dict[str, str]) -> dict[str, Any]:
    """The post as X would send it for these fields and expansions (a copy)."""
    out = copy.deepcopy(post)
    tweet_fields = DEFAULT_TWEET_FIELDS | set(split_csv(query.get("tweet.fields")))
    user_fields = DEFAULT_USER_FIELDS | set(split_csv(query.get("user.fields")))
    place_fields = DEFAULT_PLACE_FIELDS | set(split_csv(query.get("place.fields")))
    expansions = set(split_csv(query.get("expansions")))
    data = out.get("data")
    if isinstance(data, dict):
        out["data"] = _keep(data, tweet_fields, TWEET_FIELDS)
    includes = out.get("includes")
    if isinstance(includes, dict):
        for key, expansion, wanted, known in (
            ("users", "author_id", user_fields, USER_FIELDS),
            ("places", "geo.place_id", place_fields, PLACE_FIELDS),
        ):
            if key not in includes:
                continue
            if expansion not in expansions:
                del includes[key]
            else:
                includes[key] = [_keep(obj, wanted, known) for obj in includes[key]]
        if not includes:
            out.pop("includes")
    return out


def _keep(obj: dict[str, Any], wanted: set[str] | frozenset[str], known: frozenset[str]) -> dict:
    return {key: value for key, value in obj.items() if key in wanted or key not in known}


def bad_field_param(query: dict[str, str]) -> dict[str, Any] | None:
    """X's 400 body when the query names a field or expansion X does not know."""
    for name, known in FIELD_PARAMS.items():
        unknown = [value for value in split_csv(query.get(name)) if value not in known]
        if unknown:
            return invalid_request(
                name,
                unknown,
                f"The `{name}` query parameter value [{unknown[0]}] is not one of "
                f"[{','.join(sorted(known))}]",
            )
    return None
