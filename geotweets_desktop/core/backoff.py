"""Reconnection waits as X asks clients to back off.

From X's filtered-stream guide ("handling disconnections"):
- network errors (TCP/IP level): wait linearly, +250 ms a try, at most 16 s;
- HTTP errors: exponentially from 5 s, doubling, at most 320 s;
- HTTP 429 (rate limited, too many connections): exponentially from 1 minute.
A success resets all three.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Backoff:
    network_step: float = 0.25
    network_max: float = 16.0
    http_start: float = 5.0
    http_max: float = 320.0
    rate_limit_start: float = 60.0
    _network: float = 0.0
    _http: float = 0.0
    _rate: float = 0.0

    def network_error(self) -> float:
        self._network = min(self._network + self.network_step, self.network_max)
        return self._network

    def http_error(self) -> float:
        self._http = min(self._http * 2 if self._http else self.http_start, self.http_max)
        return self._http

    def rate_limited(self) -> float:
        self._rate = self._rate * 2 if self._rate else self.rate_limit_start
        return self._rate

    def reset(self) -> None:
        self._network = self._http = self._rate = 0.0
