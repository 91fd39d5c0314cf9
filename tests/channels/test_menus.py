"""The SMS/WhatsApp numbered menus kept in process memory stay bounded and expire (bot/channels/menus.py)."""

import asyncio

from bot.channels import menus, shared_state


def test_menus_in_memory_are_bounded_expire_and_are_forgotten(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(shared_state.time, "monotonic", lambda: now[0])
    monkeypatch.setattr(menus, "MAX_LOCAL_MENUS", 100)
    monkeypatch.delenv("REDIS_HOST", raising=False)
    memory = menus.MenuMemory()

    async def scenario():
        for n in range(500):
            await memory.remember(f"+4477009{n:05d}", ["/find_health"])
        assert len(memory.local) == 100  # the old dict kept all 500, for ever
        assert await memory.recall("+447700900499") == ["/find_health"] and await memory.recall("+447700900000") == []
        now[0] += menus.MENU_TTL_SECONDS + 1
        assert await memory.recall("+447700900499") == []  # a day later: gone
        await memory.remember("+447700912345", ["/find_housing"])
        await menus.forget_everywhere("+447700912345")
        assert await memory.recall("+447700912345") == []

    asyncio.run(scenario())
