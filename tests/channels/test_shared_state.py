"""What the connectors remember between webhook calls without Redis (one process) expires and is capped
in number, so memory does not grow with every user: the ids of updates already answered here (the
numbered menus, which use the same map, in test_menus.py)."""

import asyncio
import time

from bot.channels import redelivery
from bot.channels.redelivery import DeliveredUpdates
from bot.channels.shared_state import ExpiringMap


def test_entries_expire():
    memory = ExpiringMap(ttl_seconds=0.2, max_entries=10)
    memory.set("+441", ["/find_health"])
    assert memory.get("+441") == ["/find_health"]
    time.sleep(0.3)
    assert memory.get("+441") is None and len(memory) == 0


def test_the_oldest_entries_go_beyond_the_cap():
    memory = ExpiringMap(ttl_seconds=3600, max_entries=3)
    for number in range(5):
        memory.set(f"+44{number}", [str(number)])
    assert len(memory) == 3
    assert memory.get("+440") is None and memory.get("+441") is None and memory.get("+444") == ["4"]
    memory.set("+442", ["again"])  # set again: now the newest
    memory.set("+445", ["5"])
    assert memory.get("+442") == ["again"] and memory.get("+443") is None


def test_delivered_ids_are_bounded_in_memory(monkeypatch):
    monkeypatch.delenv("REDIS_HOST", raising=False)
    monkeypatch.setattr(redelivery, "MAX_REMEMBERED", 50)

    async def many_updates():
        delivered = DeliveredUpdates()
        firsts = [await delivered.first_delivery("twilio", f"SM{n}") for n in range(200)]
        return delivered, firsts, await delivered.first_delivery("twilio", "SM199"), await delivered.first_delivery("telegram", "SM199")

    delivered, firsts, again, other_channel = asyncio.run(many_updates())
    assert all(firsts) and len(delivered.local) == 50
    assert again is False and other_channel is True
