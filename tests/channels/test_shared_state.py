"""What the connectors remember between webhook calls without Redis (one process): menus and the ids of
updates already answered expire and are capped in number, so memory does not grow with every user."""
import asyncio
import time

from bot.channels import menus as menus_module
from bot.channels import redelivery
from bot.channels.menus import MenuMemory
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


def test_menus_and_delivered_ids_are_bounded_in_memory(monkeypatch):
    monkeypatch.delenv("REDIS_HOST", raising=False)
    monkeypatch.setattr(menus_module, "MAX_NUMBERS", 50)
    monkeypatch.setattr(redelivery, "MAX_REMEMBERED", 50)

    async def many_users():
        menus, delivered = MenuMemory(), DeliveredUpdates()
        for user in range(200):
            await menus.remember(f"+44{user}", ["/find_health", "/find_housing"])
            assert await delivered.first_delivery("twilio", f"SM{user}")
        return menus, delivered, await menus.recall("+44199"), await menus.recall("+440")

    menus, delivered, newest, oldest = asyncio.run(many_users())
    assert len(menus.local) == 50 and len(delivered.local) == 50
    assert newest == ["/find_health", "/find_housing"] and oldest == []


def test_a_forgotten_menu_no_longer_resolves(monkeypatch):
    monkeypatch.delenv("REDIS_HOST", raising=False)

    async def forget():
        menus = MenuMemory()
        await menus.remember("+4420", ["/find_health"])
        await menus.forget("+4420")
        return await menus.recall("+4420")

    assert asyncio.run(forget()) == []
