"""A batch another process has committed to the session, as a front end counts and draws it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class StoredBatch:
    """What the window's replay or X stream process says of a batch it
    committed (commands/replay_process.py, stream_process.py): `added` posts new to the session of
    `kept` (the rest repeated one stored before), `kinds` the location
    kinds of the kept posts (what the file held), `new_kinds` those of the
    new located posts (what the map gets), and the point blobs the batch
    wrote (`core/point_batch.py`, one after another); `blob_id` is the last
    of them."""

    added: int
    kept: int
    kinds: Mapping[str, int]
    new_kinds: Mapping[str, int]
    blob_id: int
    blobs: bytes = b""

    @property
    def located(self) -> int:
        return sum(self.new_kinds.values())
