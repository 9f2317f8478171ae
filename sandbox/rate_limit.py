"""The billing API's request limit: every request from a source counted in a sliding window, seen with a lag."""

from __future__ import annotations

import threading
from collections import defaultdict, deque
from dataclasses import dataclass

DEFAULT_LIMIT = 300
DEFAULT_WINDOW_SECONDS = 300.0
# The real service needs "2分程度" to switch the limit on or off; the sandbox switches at once unless told.
DEFAULT_LAG_SECONDS = 0.0


@dataclass(frozen=True)
class RateLimitSetting:
    limit: int = DEFAULT_LIMIT
    window_seconds: float = DEFAULT_WINDOW_SECONDS
    lag_seconds: float = DEFAULT_LAG_SECONDS


class RateLimiter:
    """Counts every request of a caller, refused ones included ("制限中のリクエストも…カウントされます").

    A caller is a source IP address; the sandbox narrows it to (source IP, user_id) only for a user with
    its own setting, so parallel tests with their own limits do not share one count.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._hits: defaultdict[tuple[str, str], deque[float]] = defaultdict(deque)

    def allow(self, caller: tuple[str, str], now: float, setting: RateLimitSetting) -> bool:
        """Count one request at `now`; False when the caller was over the limit `lag_seconds` ago."""
        seen_at = now - setting.lag_seconds
        with self._lock:
            hits = self._hits[caller]
            while hits and hits[0] <= seen_at - setting.window_seconds:
                hits.popleft()
            counted = sum(1 for hit in hits if hit <= seen_at)
            hits.append(now)
            return counted < setting.limit

    def forget(self, user_id: str | None = None) -> None:
        """Clear the counts narrowed to one user (every count when None), e.g. after its limit changed."""
        with self._lock:
            for caller in [key for key in self._hits if user_id is None or key[1] == user_id]:
                del self._hits[caller]
