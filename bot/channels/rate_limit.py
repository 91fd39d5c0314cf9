"""A per-client token bucket, in process memory (one Rasa process; the production profile puts
a limit in front of all replicas)."""
import time
from typing import Dict, Tuple


class RateLimiter:
    def __init__(self, per_minute: float, burst: int, max_clients: int = 100_000) -> None:
        self.rate = per_minute / 60.0
        self.burst = burst
        self.max_clients = max_clients
        self.buckets: Dict[str, Tuple[float, float]] = {}

    def allow(self, client: str) -> bool:
        now = time.monotonic()
        tokens, last = self.buckets.get(client, (float(self.burst), now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if len(self.buckets) >= self.max_clients and client not in self.buckets:
            self._forget_idle(now)
        if tokens < 1:
            self.buckets[client] = (tokens, now)
            return False
        self.buckets[client] = (tokens - 1, now)
        return True

    def _forget_idle(self, now: float) -> None:
        full_after = self.burst / self.rate if self.rate else 0
        for client, (_, last) in list(self.buckets.items()):
            if now - last > full_after:
                del self.buckets[client]
