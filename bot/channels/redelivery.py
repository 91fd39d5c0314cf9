"""One answer per message, however often the provider delivers it.

Telegram, Twilio and Meta send a webhook call again when our answer was slow or lost (Meta for
days), and each delivery would otherwise be answered. Every connector asks `first_delivery` with
the provider's own id of the update (Telegram `update_id`, Twilio `MessageSid`, Meta message ids)
before handing a message to Rasa. The ids are remembered for REDELIVERY_WINDOW_SECONDS: in Redis
when REDIS_HOST is set (any replica may get the redelivery), otherwise in this process (at most
MAX_REMEMBERED ids). Only the provider's opaque id is kept, never who sent it.
"""

import logging
from typing import Optional

from .shared_state import ExpiringMap, redis_from_environment

logger = logging.getLogger(__name__)

# Meta retries for up to 7 days; Telegram and Twilio give up much sooner.
REDELIVERY_WINDOW_SECONDS = 7 * 24 * 3600
MAX_REMEMBERED = 100_000
KEY_PREFIX = "newcomer:delivered:"


class DeliveredUpdates:
    def __init__(self) -> None:
        self.local: ExpiringMap[bool] = ExpiringMap(REDELIVERY_WINDOW_SECONDS, MAX_REMEMBERED)
        self.redis = redis_from_environment()

    async def first_delivery(self, channel: str, update_id: Optional[object]) -> bool:
        """True the first time `channel` delivers `update_id` (and when there is no id to go by)."""
        if update_id is None or str(update_id) == "":
            return True
        key = f"{channel}:{update_id}"
        if self.redis is not None:
            try:
                return bool(await self.redis.set(KEY_PREFIX + key, 1, nx=True, ex=REDELIVERY_WINDOW_SECONDS))
            except Exception as error:  # noqa: BLE001 - this replica's memory still catches most redeliveries
                logger.warning("redelivery check not shared through Redis (%s)", type(error).__name__)
        return self.local.add(key, True)


_delivered: Optional[DeliveredUpdates] = None


def delivered_updates() -> DeliveredUpdates:
    """The process's one record (created on first use, when the server's environment is complete)."""
    global _delivered
    if _delivered is None:
        _delivered = DeliveredUpdates()
    return _delivered


async def first_delivery(channel: str, update_id: Optional[object]) -> bool:
    return await delivered_updates().first_delivery(channel, update_id)
