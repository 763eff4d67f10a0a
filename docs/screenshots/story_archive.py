"""Writes the made-up archive behind the README's analysis screenshot.

An invented 18-hour story ("storm", "flood") that starts in Lisbon and
spreads north-east across European cities, then to the east coast of North
America: about 10,000 X API v2 stream lines in time order, half with an exact
point and half tagged with a place. Every id, name and text is invented; the
city coordinates are public facts. See the README for the commands that turn
it into the screenshot.

    python docs/screenshots/story_archive.py story.jsonl
"""

from __future__ import annotations

import json
import random
import sys
from datetime import UTC, datetime, timedelta

CITIES = (  # name, longitude, latitude, language of its posts
    ("Lisbon", -9.14, 38.72, "pt"),
    ("Porto", -8.61, 41.15, "pt"),
    ("Madrid", -3.70, 40.42, "es"),
    ("Seville", -5.98, 37.39, "es"),
    ("Bordeaux", -0.58, 44.84, "fr"),
    ("Paris", 2.35, 48.86, "fr"),
    ("London", -0.13, 51.51, "en"),
    ("Dublin", -6.26, 53.35, "en"),
    ("Brussels", 4.35, 50.85, "fr"),
    ("Amsterdam", 4.90, 52.37, "nl"),
    ("Hamburg", 9.99, 53.55, "de"),
    ("Berlin", 13.40, 52.52, "de"),
    ("Copenhagen", 12.57, 55.68, "da"),
    ("Oslo", 10.75, 59.91, "no"),
    ("New York", -74.0, 40.71, "en"),
    ("Boston", -71.06, 42.36, "en"),
    ("Halifax", -63.57, 44.65, "en"),
    ("Reykjavik", -21.9, 64.15, "is"),
)
TAGS = {"storm": ("#stormnora", "#weather", "#wind"), "flood": ("#flood", "#stormnora", "#rescue")}
NEWS = (
    "roads closed",
    "trees down",
    "power out",
    "water rising",
    "ferries cancelled",
    "stay inside",
)
START = datetime(2026, 11, 28, tzinfo=UTC)
HOURS = 18


def story_lines(seed: int = 3) -> list[tuple[float, str]]:
    rng = random.Random(seed)
    lines: list[tuple[float, str]] = []
    for i, (name, lon, lat, lang) in enumerate(CITIES):
        onset = 2160 * i + rng.uniform(0, 1800)  # each city a little later
        for _ in range(rng.randint(250, 900)):
            t = onset + rng.expovariate(1 / (3 * 3600))
            if t > HOURS * 3600:
                continue
            term = "storm" if rng.random() < 0.62 else "flood"
            tags = " ".join(rng.sample(TAGS[term], rng.randint(1, 2)))
            user_id = str(2000 + rng.randrange(1500))
            n = len(lines)
            data: dict[str, object] = {
                "id": str(1_990_000_000_000_000_000 + n),
                "text": f"{term.capitalize()} update from {name}: {rng.choice(NEWS)} {tags}",
                "created_at": (START + timedelta(seconds=t))
                .isoformat(timespec="milliseconds")
                .replace("+00:00", "Z"),
                "author_id": user_id,
                "lang": lang,
            }
            user = {"id": user_id, "name": f"Made Up {user_id}", "username": f"madeup_{user_id}"}
            includes: dict[str, object] = {"users": [user]}
            if rng.random() < 0.5:
                point = [lon + rng.gauss(0, 0.35), lat + rng.gauss(0, 0.25)]
                data["geo"] = {"coordinates": {"type": "Point", "coordinates": point}}
            else:
                place_id = f"{i:012x}"
                data["geo"] = {"place_id": place_id}
                box = [lon - 0.2, lat - 0.15, lon + 0.2, lat + 0.15]
                includes["places"] = [
                    {"id": place_id, "full_name": name, "geo": {"type": "Feature", "bbox": box}}
                ]
            line = {
                "data": data,
                "includes": includes,
                "matching_rules": [{"id": "1", "tag": term}],
            }
            lines.append((t, json.dumps(line, ensure_ascii=False)))
    return sorted(lines, key=lambda pair: pair[0])


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: story_archive.py OUT.jsonl")
    with open(sys.argv[1], "w", encoding="utf-8") as out:
        for _, line in story_lines():
            out.write(line + "\n")


if __name__ == "__main__":
    main()
