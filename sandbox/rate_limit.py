"""The billing API's request limit: a sliding window of request times per caller."""

from __future__ import annotations

import threading
from collections import defaultdict, deque

DEFAULT_LIMIT = 300
DEFAULT_WINDOW_SECONDS = 300.0


class RateLimiter:
    """Counts requests per (source IP, user_id); the real service counts per source IP only."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._hits: defaultdict[tuple[str, str], deque[float]] = defaultdict(deque)

    def allow(self, caller: tuple[str, str], now: float, limit: int, window_seconds: float) -> bool:
        """Count one request at `now`; False (and not counted) when the window is already full."""
        with self._lock:
            hits = self._hits[caller]
            while hits and hits[0] <= now - window_seconds:
                hits.popleft()
            if len(hits) >= limit:
                return False
            hits.append(now)
            return True

    def forget(self, user_id: str | None = None) -> None:
        """Clear the counts of one user (every caller when None), e.g. after its limit changed."""
        with self._lock:
            for caller in [key for key in self._hits if user_id is None or key[1] == user_id]:
                del self._hits[caller]
