"""What the GUI thread's slow turns of the event loop were made of (Linux).

A benchmark that measures event-loop lag with a 10 ms timer says how late
each tick came, not why. This records, beside each tick, what the GUI
thread did in the gap before it, from the kernel's own accounting of the
thread (/proc/thread-self/schedstat): time on a CPU, time runnable but
waiting for a CPU (the cores were busy), and the rest, in which it slept:
in the event loop's poll when idle, or waiting for the interpreter lock
(or another lock) when not. It also records

- every cyclic garbage collection in the process (`gc.callbacks`), on
  whichever thread, as a collection holds the interpreter lock throughout;
- the Python handlers the app runs on the GUI thread for a live session
  (`watch(cls, name)` times a method of a class, made before the window
  exists, so the signals connect to the timed one), each with the same
  three shares: a handler's sleep is waiting for a lock, as it never idles.

`report()` prints the slow ticks one by one, broken down so, and the
handlers' and collections' sums for the phase.
"""

from __future__ import annotations

import functools
import gc
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

_SCHEDSTAT = "/proc/thread-self/schedstat"


def thread_times() -> tuple[float, float]:
    """This thread's seconds on a CPU and seconds runnable, waiting for one."""
    fd = os.open(_SCHEDSTAT, os.O_RDONLY)
    try:
        on_cpu, waiting, _slices = os.read(fd, 100).split()
    finally:
        os.close(fd)
    return int(on_cpu) / 1e9, int(waiting) / 1e9


@dataclass(slots=True)
class Span:
    """Something that ran on a thread from `start` to `end` (monotonic s)."""

    name: str
    start: float
    end: float
    cpu: float = 0.0  # s on a CPU
    runnable: float = 0.0  # s waiting for a CPU

    @property
    def wall(self) -> float:
        return self.end - self.start

    @property
    def asleep(self) -> float:
        """Neither on a CPU nor waiting for one: blocked (or idle)."""
        return max(0.0, self.wall - self.cpu - self.runnable)


@dataclass
class LagAnatomy:
    """Records ticks, collections and handlers; `report` and `reset` per phase."""

    slow_ms: float = 25.0
    ticks: list[Span] = field(default_factory=list)
    collections: list[Span] = field(default_factory=list)
    handlers: list[Span] = field(default_factory=list)
    _gc_started: dict[int, tuple[float, float, float]] = field(default_factory=dict)
    _last_tick: tuple[float, float, float] | None = None
    _gui_thread: int = field(default_factory=threading.get_ident)

    def __post_init__(self) -> None:
        gc.callbacks.append(self._on_gc)

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        now, (cpu, runnable) = time.monotonic(), thread_times()
        ident = threading.get_ident()
        if phase == "start":
            self._gc_started[ident] = (now, cpu, runnable)
        elif ident in self._gc_started:
            name = "GUI thread" if ident == self._gui_thread else threading.current_thread().name
            start, cpu_then, runnable_then = self._gc_started.pop(ident)
            self.collections.append(
                Span(
                    f"gen {info['generation']} on {name}",
                    start,
                    now,
                    cpu - cpu_then,
                    runnable - runnable_then,
                )
            )

    def tick(self) -> None:
        """Call at each tick of the lag timer (on the GUI thread)."""
        now = time.monotonic()
        cpu, runnable = thread_times()
        if self._last_tick is not None:
            then, cpu_then, runnable_then = self._last_tick
            self.ticks.append(Span("tick", then, now, cpu - cpu_then, runnable - runnable_then))
        self._last_tick = (now, cpu, runnable)

    def watch(self, cls: type, name: str) -> None:
        """Time every call of `cls.name` made on the GUI thread."""
        method: Callable[..., Any] = getattr(cls, name)
        label = f"{cls.__name__}.{name}"

        @functools.wraps(method)
        def timed(*args: Any, **kwargs: Any) -> Any:
            if threading.get_ident() != self._gui_thread:
                return method(*args, **kwargs)
            start, (cpu, runnable) = time.monotonic(), thread_times()
            try:
                return method(*args, **kwargs)
            finally:
                cpu_end, runnable_end = thread_times()
                self.handlers.append(
                    Span(label, start, time.monotonic(), cpu_end - cpu, runnable_end - runnable)
                )

        setattr(cls, name, timed)

    def reset(self) -> None:
        self.ticks, self.collections, self.handlers = [], [], []
        self._last_tick = None

    def report(self, worst: int = 8) -> list[str]:
        """Lines for the phase recorded since the last reset."""
        slow = [t for t in self.ticks if t.wall * 1000 - 10 >= self.slow_ms]
        late_ms = sum(t.wall * 1000 - 10 for t in slow)
        lines = [
            f"  slow ticks (late by {self.slow_ms:g} ms or more): {len(slow)} of "
            f"{len(self.ticks)}, {late_ms:.0f} ms late in all; the GUI thread in their gaps: "
            + _shares(slow, "asleep or waiting for a lock")
        ]
        by_gen: dict[str, list[Span]] = {}
        for c in self.collections:
            by_gen.setdefault(c.name, []).append(c)
        in_slow = sum(1 for t in slow if any(_overlap(t, c) for c in self.collections))
        collections = "; ".join(
            f"{name} {len(v)}: {_ms(sum(c.wall for c in v))} ms ({_shares(v, 'other')}), "
            f"worst {max(c.wall for c in v) * 1000:.1f}"
            for name, v in sorted(by_gen.items())
        )
        lines.append(
            "  garbage collections (each holds the interpreter lock): "
            f"{collections or 'none'}; slow ticks overlapping one: {in_slow}"
        )
        by_name: dict[str, list[Span]] = {}
        for h in self.handlers:
            by_name.setdefault(h.name, []).append(h)
        for name, spans in sorted(by_name.items(), key=lambda kv: -sum(s.wall for s in kv[1])):
            lines.append(
                f"  {name}: {len(spans)} calls, {_ms(sum(s.wall for s in spans))} ms "
                f"({_shares(spans, 'waiting for a lock')}), "
                f"worst {max(s.wall for s in spans) * 1000:.1f} ms"
            )
        for t in sorted(slow, key=lambda t: -t.wall)[:worst]:
            inside = ", ".join(
                f"{h.name.split('.')[-1]} {h.wall * 1000:.1f}"
                for h in self.handlers
                if _overlap(t, h)
            )
            collected = sum(_overlap(t, c) for c in self.collections)
            lines.append(
                f"    a tick {t.wall * 1000 - 10:.1f} ms late: {_shares([t], 'asleep/lock')}; "
                f"collections {collected * 1000:.1f} ms; handlers: {inside or 'none'}"
            )
        return lines


def _overlap(a: Span, b: Span) -> float:
    return max(0.0, min(a.end, b.end) - max(a.start, b.start))


def _shares(spans: list[Span], asleep: str) -> str:
    """How the spans' time divides: on a CPU, waiting for one, and the rest."""
    return (
        f"on a CPU {_ms(sum(s.cpu for s in spans))}, waiting for a CPU "
        f"{_ms(sum(s.runnable for s in spans))}, {asleep} {_ms(sum(s.asleep for s in spans))} ms"
    )


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"
