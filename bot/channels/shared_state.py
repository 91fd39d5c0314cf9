"""What the messaging connectors remember between webhook calls (numbered menus, provider ids of
updates already answered): in Redis when REDIS_HOST is set, so that every replica sees it,
otherwise in this process. Either way every entry expires, and the process's own copy is capped
in size, so nothing piles up."""

import logging
import os
import time
from collections import OrderedDict
from typing import Any, Generic, Optional, TypeVar

logger = logging.getLogger(__name__)

Value = TypeVar("Value")


class ExpiringMap(Generic[Value]):
    """A dict whose entries expire after `ttl_seconds`; beyond `max_entries` the oldest go first."""

    def __init__(self, ttl_seconds: float, max_entries: int) -> None:
        self.ttl_seconds, self.max_entries = ttl_seconds, max_entries
        self._entries: "OrderedDict[str, tuple[float, Value]]" = OrderedDict()

    def _drop_expired(self, now: float) -> None:
        while self._entries:
            key, (expires, _) = next(iter(self._entries.items()))
            if expires > now:
                return
            del self._entries[key]

    def get(self, key: str) -> Optional[Value]:
        now = time.monotonic()
        self._drop_expired(now)
        entry = self._entries.get(key)
        return entry[1] if entry is not None and entry[0] > now else None

    def set(self, key: str, value: Value) -> None:
        now = time.monotonic()
        self._drop_expired(now)
        self._entries.pop(key, None)  # re-inserted at the end: entries stay in expiry order
        self._entries[key] = (now + self.ttl_seconds, value)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def add(self, key: str, value: Value) -> bool:
        """Sets `key` unless it is there already; True when it was not."""
        if self.get(key) is not None:
            return False
        self.set(key, value)
        return True

    def pop(self, key: str) -> None:
        self._entries.pop(key, None)

    def __len__(self) -> int:
        self._drop_expired(time.monotonic())
        return len(self._entries)


def redis_from_environment() -> Optional[Any]:
    """An asyncio Redis client for the connectors' state when REDIS_HOST is set, else None."""
    host = os.environ.get("REDIS_HOST", "")
    if not host:
        return None
    import redis.asyncio

    return redis.asyncio.Redis(
        host=host,
        port=int(os.environ.get("REDIS_PORT") or 6379),
        password=os.environ.get("REDIS_PASSWORD") or None,
        db=int(os.environ.get("MENU_REDIS_DB") or 2),
        socket_timeout=1.0,
    )
