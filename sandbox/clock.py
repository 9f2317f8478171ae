"""The sandbox clock: wall time moved by a global offset plus an offset per shop (aid)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from typing import Protocol

# The service is Japanese: "the current month" of an expiry date is the month in Tokyo.
JST = timezone(timedelta(hours=9), "JST")


class OffsetStore(Protocol):
    """Where the offsets survive a restart (the sandbox state: a file with --state)."""

    def set_clock_offset(self, seconds: float, aid: str | None) -> None: ...

    def clock_offsets(self) -> dict[str, float]: ...


class SandboxClock:
    """Seconds since the epoch as the sandbox sees them; tests move it forward instead of waiting."""

    def __init__(self, store: OffsetStore | None = None) -> None:
        self._lock = threading.Lock()
        self._store = store
        offsets = dict(store.clock_offsets()) if store is not None else {}
        self._global_offset = offsets.pop("", 0.0)
        self._shop_offsets: dict[str, float] = offsets

    def now(self, aid: str | None = None) -> float:
        """The sandbox time for this shop (the global time when aid is None or has no own offset)."""
        with self._lock:
            offset = self._global_offset + (self._shop_offsets.get(aid, 0.0) if aid else 0.0)
        return time.time() + offset

    def advance(self, seconds: float, aid: str | None = None) -> float:
        """Move the clock of one shop, or of everything when aid is None; returns the new now."""
        with self._lock:
            if aid:
                offset = self._shop_offsets[aid] = self._shop_offsets.get(aid, 0.0) + seconds
            else:
                offset = self._global_offset = self._global_offset + seconds
            if self._store is not None:
                self._store.set_clock_offset(offset, aid)
        return self.now(aid)

    def reset(self) -> None:
        with self._lock:
            self._global_offset = 0.0
            self._shop_offsets.clear()


def iso(timestamp: float) -> str:
    """A sandbox timestamp as ISO 8601 in UTC, to the millisecond."""
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def tokyo_year_month(timestamp: float) -> tuple[int, int]:
    """(year, month) of the timestamp in Tokyo."""
    moment = datetime.fromtimestamp(timestamp, JST)
    return moment.year, moment.month
