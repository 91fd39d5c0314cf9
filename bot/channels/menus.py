"""The last numbered menu sent to each SMS/WhatsApp number, so that a reply "2" means its second option.

Kept for MENU_TTL_SECONDS in one place: in Redis when REDIS_HOST is set (the production profile's
replicas share it, so the reply "2" may reach any of them), otherwise in this process's memory (at
most MAX_LOCAL_MENUS numbers, the oldest going first). "Delete my conversation" forgets the number's
menu (`forget_everywhere`, called by bot/erasure.py).
"""

import json
import logging
import weakref
from typing import List, Optional

from .shared_state import ExpiringMap, redis_from_environment

logger = logging.getLogger(__name__)

MENU_TTL_SECONDS = 24 * 3600
MAX_LOCAL_MENUS = 10_000
KEY_PREFIX = "newcomer:menu:"
_MEMORIES: "weakref.WeakSet[MenuMemory]" = weakref.WeakSet()


async def forget_everywhere(number: str) -> None:
    """Every channel's menu for `number` is gone; raises when Redis could not be told (it is then still there)."""
    for memory in list(_MEMORIES):
        await memory.forget(number)


class MenuMemory:
    def __init__(self) -> None:
        self.local: ExpiringMap[List[str]] = ExpiringMap(MENU_TTL_SECONDS, MAX_LOCAL_MENUS)
        self.redis = redis_from_environment()
        _MEMORIES.add(self)

    async def remember(self, number: str, payloads: List[str]) -> None:
        if self.redis is None:
            self.local.set(number, payloads)
            return
        try:
            await self.redis.set(KEY_PREFIX + number, json.dumps(payloads), ex=MENU_TTL_SECONDS)
        except Exception as error:  # noqa: BLE001 - the user can still type the option instead of its number
            logger.warning("menu not kept: Redis unreachable (%s)", type(error).__name__)

    async def recall(self, number: str) -> List[str]:
        if self.redis is None:
            return self.local.get(number) or []
        try:
            stored: Optional[bytes] = await self.redis.get(KEY_PREFIX + number)
        except Exception as error:  # noqa: BLE001
            logger.warning("menu not read: Redis unreachable (%s)", type(error).__name__)
            return []
        return json.loads(stored) if stored is not None else []

    async def forget(self, number: str) -> None:
        if self.redis is None:
            self.local.pop(number)
        else:
            await self.redis.delete(KEY_PREFIX + number)
