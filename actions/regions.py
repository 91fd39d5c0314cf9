"""The city's neighbourhoods as the directory names them (GET /regions, with the other names staff added),
and finding one in a message.

Read at most once a minute, so a name staff add to an address is understood without retraining. A name
is found as whole words, in any letter case and with accents folded ("¿hay algo en eastgate?").
"""
import asyncio
import logging
import time
from typing import Dict, Optional

from .directory_client import DirectoryUnavailable
from .services import directory
from .unmet_needs import mentioned_neighbourhood

logger = logging.getLogger(__name__)

REFRESH_SECONDS = 60.0
_cache: Dict[str, object] = {"at": -REFRESH_SECONDS, "names": {}}
async def known_regions() -> Dict[str, str]:
    """{name: neighbourhood} of the directory's neighbourhoods and the other names staff added for them,
    cached for a minute; the last known while it is unreachable."""
    if time.monotonic() - float(_cache["at"]) >= REFRESH_SECONDS:
        try:
            _cache["names"] = await asyncio.to_thread(directory().region_names)
            _cache["at"] = time.monotonic()
        except DirectoryUnavailable as error:
            logger.warning("regions unavailable: %s", error)
    return dict(_cache["names"])


def named_region(text: str, regions: Dict[str, str]) -> Optional[str]:
    """The neighbourhood the message names, by its own or another name, as the directory spells it (the
    matcher the unmet-need reports use: whole words, any case or accents, the longest name first)."""
    return regions.get(mentioned_neighbourhood(text, regions)) or None
