"""When a post was written: its `created_at`, else the time inside its id.

Post ids from late 2010 on are "snowflakes": the id shifted right by 22 bits
is the creation time in milliseconds since X's epoch, 1288834974657 ms after
the Unix epoch. Ids handed out before then are plain sequence numbers (all
below `FIRST_SNOWFLAKE_ID`) and say nothing about time. A post with neither
a readable `created_at` nor a snowflake id has no known time (None): the
time of reading would be a lie.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

SNOWFLAKE_EPOCH_MS = 1_288_834_974_657
# Above every id given out in sequence before snowflakes (those ended near 29.7e9).
FIRST_SNOWFLAKE_ID = 30_000_000_000
_LARGEST_ID = (1 << 64) - 1
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}


def time_from_id(post_id: str) -> datetime | None:
    """The creation time a snowflake id carries; None for any other id."""
    if not (post_id.isascii() and post_id.isdigit()) or len(post_id) > 20:
        return None
    number = int(post_id)
    if not FIRST_SNOWFLAKE_ID <= number <= _LARGEST_ID:
        return None
    milliseconds = (number >> 22) + SNOWFLAKE_EPOCH_MS
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=milliseconds)


def parse_iso_time(value: object) -> datetime | None:
    """v2's `created_at` (`2026-11-28T16:49:56.000Z`) in UTC; None when absent or broken."""
    if not isinstance(value, str):
        return None
    if len(value) == 24 and value[23] == "Z" and value[4:20:3] == "--T::.":
        # X's own form (the separators in place; fromisoformat checks the digits),
        # which Python reads as UTC as it is: a third of the general way below.
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        global _last_parsed
        _last_parsed = (parsed, _stored_from_x_form(value))
        return parsed
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    except (ValueError, OverflowError):
        return None


# The time `parse_iso_time` parsed last from X's form, with its `stored_time`
# worked out from that text. A post's row is made right after its time is
# parsed (a bulk replay makes a million), and `isoformat` costs more than the
# rest of the row; identity, not equality, says the time is that one.
_last_parsed: tuple[datetime | None, str] = (None, "")


def _stored_from_x_form(value: str) -> str:
    """`2026-11-28T16:49:56.120Z` as `isoformat` writes it once parsed."""
    if value[20:23] == "000":
        return value[:19] + "+00:00"
    return value[:23] + "000+00:00"


def stored_time(value: datetime | None) -> str:
    """A post's time as the store keeps it: `isoformat()` (UTC), '' for none."""
    if value is None:
        return ""
    last, text = _last_parsed
    if last is value:
        return text
    return value.isoformat()


def parse_v1_time(value: object) -> datetime | None:
    """v1.1's `created_at` (`Wed Oct 10 20:19:24 +0000 2018`) in UTC; None when broken.

    Hand-parsed: `strptime` costs more than the rest of the record together.
    """
    if isinstance(value, str):
        try:
            _dow, month, day, clock, offset, year = value.split()
            hour, minute, second = clock.split(":")
            sign = -1 if offset[0] == "-" else 1
            tz = timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5])))
            return datetime(
                int(year), _MONTHS[month], int(day), int(hour), int(minute), int(second), tzinfo=tz
            ).astimezone(UTC)
        except (ValueError, KeyError, IndexError, OverflowError):
            pass
    return None


def post_time(sent: datetime | None, post_id: str) -> tuple[datetime | None, bool]:
    """(time, taken from the id?): the time sent with the post, else its id's."""
    if sent is not None:
        return sent, False
    derived = time_from_id(post_id)
    return derived, derived is not None
