"""A small thread-safe cache with a size bound and a time-to-live, owned by the Slack app factory.

Used to drop duplicate deliveries (Slack retries an event with `X-Slack-Retry-Num` and the same
`event_id`; a mention in a thread also arrives as a `message` event) and to remember the answers
behind the 👍/👎 buttons.

>>> seen = BoundedCache(max_items=2, ttl=60)
>>> seen.add("Ev1"), seen.add("Ev1"), seen.add("Ev2")
(True, False, True)
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any


class BoundedCache:
    """At most `max_items` keys, each forgotten `ttl` seconds after it was stored (oldest dropped first)."""

    def __init__(self, max_items: int, ttl: float, clock: Callable[[], float] = time.monotonic):
        self.max_items, self.ttl, self.clock = max_items, ttl, clock
        self._items: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, key: str, value: Any = None) -> bool:
        """Store key (and value) unless present; True when it was new. Atomic: one caller wins."""
        with self._lock:
            self._expire()
            if key in self._items:
                return False
            self._items[key] = (self.clock(), value)
            while len(self._items) > self.max_items:
                self._items.popitem(last=False)
            return True

    def get(self, key: str, default: Any = None) -> Any:
        with self._lock:
            self._expire()
            item = self._items.get(key)
            return default if item is None else item[1]

    def __len__(self) -> int:
        with self._lock:
            self._expire()
            return len(self._items)

    def _expire(self) -> None:
        cutoff = self.clock() - self.ttl
        while self._items and next(iter(self._items.values()))[0] < cutoff:
            self._items.popitem(last=False)
