"""The last numbered menu sent to each SMS/WhatsApp number, so that a reply "2" means its second option.

Kept for MENU_TTL_SECONDS in one place: Redis when REDIS_HOST is set (the production profile's
replicas share it, so the reply "2" may reach any of them), otherwise this process's memory (at
most MAX_NUMBERS numbers). "Delete my conversation" forgets the sender's menu (bot/erasure.py).
"""
import json
import logging
from typing import List, Optional

from .shared_state import ExpiringMap, redis_from_environment

logger = logging.getLogger(__name__)

MENU_TTL_SECONDS = 24 * 3600
MAX_NUMBERS = 10_000
KEY_PREFIX = "newcomer:menu:"


class MenuMemory:
    def __init__(self) -> None:
        self.local: ExpiringMap[List[str]] = ExpiringMap(MENU_TTL_SECONDS, MAX_NUMBERS)
        self.redis = redis_from_environment()

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
        """Removes the number's menu; raises when Redis could not be reached (it is then still there)."""
        if self.redis is None:
            self.local.pop(number)
        else:
            await self.redis.delete(KEY_PREFIX + number)


_menus: Optional[MenuMemory] = None


def menus() -> MenuMemory:
    """The process's one menu memory, shared by the SMS and WhatsApp connectors and the erasure."""
    global _menus
    if _menus is None:
        _menus = MenuMemory()
    return _menus
