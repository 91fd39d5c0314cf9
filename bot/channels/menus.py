"""The last numbered menu sent to each SMS/WhatsApp number, so that a reply "2" means its second option.

One Rasa process keeps it in memory. With several replicas (REDIS_HOST set, as in the production
profile) it is kept in Redis for a day, so the reply "2" may reach any replica.
"""
import json
import logging
import os
from typing import Dict, List, Optional

logger = logging.getLogger(__name__)

MENU_TTL_SECONDS = 24 * 3600
KEY_PREFIX = "newcomer:menu:"


class MenuMemory:
    def __init__(self) -> None:
        self.local: Dict[str, List[str]] = {}
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
        self.local[number] = payloads
        if self.redis is not None:
            try:
                await self.redis.set(KEY_PREFIX + number, json.dumps(payloads), ex=MENU_TTL_SECONDS)
            except Exception as error:  # noqa: BLE001 - this replica's memory still answers
                logger.warning("menu not shared through Redis (%s)", type(error).__name__)

    async def recall(self, number: str) -> List[str]:
        if self.redis is not None:
            try:
                stored: Optional[bytes] = await self.redis.get(KEY_PREFIX + number)
                if stored is not None:
                    return json.loads(stored)
            except Exception as error:  # noqa: BLE001
                logger.warning("menu not read from Redis (%s)", type(error).__name__)
        return self.local.get(number, [])
