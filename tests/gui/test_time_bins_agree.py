"""The page's timeline (resources/web/time_bins.js) and the report
(core/time_bins.py) bin the same times alike: same ladder, same limit,
same step for the same first and last times."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from geotweets_desktop.core.time_bins import BIN_LADDER_S, MAX_BINS, bin_step

pytestmark = pytest.mark.gui

DAY_START = 20_833 * 86_400  # midnight UTC


def test_the_page_and_the_report_choose_the_same_step(page: Any) -> None:
    rng = random.Random(7)
    pairs = [(DAY_START, DAY_START), (DAY_START, DAY_START + 299.9), (DAY_START, DAY_START + 300)]
    # Spans from a second to two years, around every step's edge and anywhere in a day.
    for _ in range(300):
        first = DAY_START + rng.uniform(0, 86_400)
        span = 10 ** rng.uniform(0, 7.8)
        pairs.append((first, first + span))
    for step in BIN_LADDER_S:
        for edge in (MAX_BINS - 1, MAX_BINS, MAX_BINS + 1):
            pairs.append((DAY_START, DAY_START + step * edge - 0.5))
            pairs.append((DAY_START + 0.25, DAY_START + step * edge))
    script = (
        "(function (pairs) { const bins = window.GeoTweetsTimeBins;"
        " return JSON.stringify({ladder: bins.LADDER, max: bins.MAX_BINS,"
        " steps: pairs.map(function (p) { return bins.binStep(p[0], p[1]); })}); })"
        f"({json.dumps(pairs)})"
    )
    page_answer = json.loads(page.eval(script))
    assert page_answer["ladder"] == list(BIN_LADDER_S)
    assert page_answer["max"] == MAX_BINS
    assert page_answer["steps"] == [bin_step(first, last) for first, last in pairs]
