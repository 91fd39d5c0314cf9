"""The last numbered menu sent to each SMS/WhatsApp number, so that a reply "2" means its second option.

One Rasa process keeps it in memory (at most MAX_LOCAL_MENUS numbers, each for a day). With several
replicas (REDIS_HOST set, as in the production profile) it is kept in Redis for a day, so the reply
"2" may reach any replica. "Delete my conversation" forgets the number's menu everywhere
(`forget_everywhere`, called by the tracker stores when they erase a conversation).
"""
import json
import logging
import os
import time
import weakref
from collections import OrderedDict
from typing import List, Optional, Tuple

logger = logging.getLogger(__name__)

MENU_TTL_SECONDS = 24 * 3600
MAX_LOCAL_MENUS = 10_000
KEY_PREFIX = "newcomer:menu:"
_MEMORIES: "weakref.WeakSet[MenuMemory]" = weakref.WeakSet()


async def forget_everywhere(number: str) -> None:
    """Every channel's menu for `number` (local and in Redis) is gone."""
    for memory in list(_MEMORIES):
        await memory.forget(number)


class MenuMemory:
    def __init__(self) -> None:
        self.local: "OrderedDict[str, Tuple[float, List[str]]]" = OrderedDict()
        _MEMORIES.add(self)
        self.redis = None
        host = os.environ.get("REDIS_HOST", "")
        if host:
            import redis.asyncio

            self.redis = redis.asyncio.Redis(
                host=host,
                port=int(os.environ.get("REDIS_PORT") or 6379),
                password=os.environ.get("REDIS_PASSWORD") or None,
                db=int(os.environ.get("MENU_REDIS_DB") or 2),
                socket_timeout=1.0,
            )

    async def remember(self, number: str, payloads: List[str]) -> None:
        self.local.pop(number, None)
        self.local[number] = (time.monotonic() + MENU_TTL_SECONDS, payloads)
        while len(self.local) > MAX_LOCAL_MENUS:  # the oldest menus go first
            self.local.popitem(last=False)
        if self.redis is not None:
            try:
                await self.redis.set(KEY_PREFIX + number, json.dumps(payloads), ex=MENU_TTL_SECONDS)
            except Exception as error:  # noqa: BLE001 - this replica's memory still answers
                logger.warning("menu not shared through Redis (%s)", type(error).__name__)

    async def recall(self, number: str) -> List[str]:
        if self.redis is not None:
            try:
                stored: Optional[bytes] = await self.redis.get(KEY_PREFIX + number)
                # Redis is the truth when it answers: no key means expired or deleted on any replica.
                return json.loads(stored) if stored is not None else []
            except Exception as error:  # noqa: BLE001
                logger.warning("menu not read from Redis (%s)", type(error).__name__)
        expires, payloads = self.local.get(number, (0.0, []))
        return payloads if expires > time.monotonic() else []

    async def forget(self, number: str) -> None:
        self.local.pop(number, None)
        if self.redis is not None:
            try:
                await self.redis.delete(KEY_PREFIX + number)
            except Exception as error:  # noqa: BLE001 - it still expires within a day
                logger.warning("menu not deleted from Redis (%s)", type(error).__name__)
