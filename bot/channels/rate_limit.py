"""A per-client token bucket, in process memory (one Rasa process; the production profile puts
a limit in front of all replicas).

The table is bounded: past `max_clients` addresses, the least recently seen one is forgotten (its
next message starts with a full bucket), so many distinct addresses cannot grow it without end."""

import time
from collections import OrderedDict
from typing import Tuple


class RateLimiter:
    def __init__(self, per_minute: float, burst: int, max_clients: int = 100_000) -> None:
        self.rate = per_minute / 60.0
        self.burst = burst
        self.max_clients = max_clients
        self.buckets: "OrderedDict[str, Tuple[float, float]]" = OrderedDict()

    def allow(self, client: str) -> bool:
        now = time.monotonic()
        tokens, last = self.buckets.pop(client, (float(self.burst), now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        allowed = tokens >= 1
        self.buckets[client] = (tokens - 1 if allowed else tokens, now)  # most recently seen last
        while len(self.buckets) > self.max_clients:
            self.buckets.popitem(last=False)
        return allowed
