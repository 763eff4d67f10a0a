"""Profile-location geocoding: quality and speed.

Prints the gazetteer build time, then precision and coverage over
tests/data/profile_locations.tsv (the same figures tests/test_geocoder_eval.py
checks) and the time per text, uncached (fresh cache) and cached.

Run: .venv/bin/python bench/geocoder.py [--builds N] [--misses]
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def _load_eval() -> ModuleType:
    """The evaluation code of the test suite (one definition of right and wrong)."""
    path = ROOT / "tests" / "test_geocoder_eval.py"
    spec = importlib.util.spec_from_file_location("geocoder_eval", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--builds", type=int, default=3, help="gazetteer builds to time")
    parser.add_argument("--misses", action="store_true", help="list every miss")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))

    from geotweets_desktop.core import gazetteer as gz

    builds = []
    for _ in range(max(1, args.builds)):
        start = time.perf_counter()
        gz.Gazetteer()
        builds.append(time.perf_counter() - start)
    print(
        f"gazetteer build: first {builds[0]:.2f} s, "
        f"median {statistics.median(builds):.2f} s over {len(builds)}"
    )

    evaluation = _load_eval()
    rows = evaluation.load_rows()
    report = evaluation.evaluate(rows)
    named = sum(1 for r in rows if r.names_a_place)
    print(f"table: {len(rows)} texts, {named} name a place, {len(rows) - named} do not")
    print(f"precision: {report.precision:.1%}  (right answers / answers given)")
    print(f"coverage:  {report.coverage:.1%}  (answers given / texts naming a place)")
    if args.misses:
        print(report.summary())
    else:
        print(f"misses: {len(report.wrong)} wrong, {len(report.unanswered)} unanswered (--misses)")

    texts = [r.text for r in rows]
    uncached = [evaluation.microseconds_per_text(texts, fresh=True) for _ in range(5)]
    cached = evaluation.microseconds_per_text(texts, fresh=False, rounds=50)
    print(
        f"uncached: {statistics.median(uncached):.1f} µs per text "
        f"(median of 5 passes over the table, each with a fresh cache)"
    )
    print(f"cached:   {cached:.2f} µs per text")


if __name__ == "__main__":
    main()
