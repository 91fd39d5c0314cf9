"""The time limits of one turn fit together (no servers needed)."""

import asyncio

import pytest
from aiohttp import web
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

from actions.base import ACTION_BUDGET_SECONDS
from actions.directory_client import DirectoryClient
from bot.action_endpoint import FALLBACK_RESPONSE, ResilientActionEndpoint, action_timeout_seconds

TURN_LIMIT_SECONDS = 4.0


def test_action_budget_fits_inside_rasas_action_timeout_and_the_turn_limit():
    # The action's own apology (more precise) must win over Rasa's generic one, and both must
    # leave time for NLU and the reply within the 4 s a user may wait.
    assert ACTION_BUDGET_SECONDS + 0.3 <= action_timeout_seconds() <= TURN_LIMIT_SECONDS - 1.0
    client = DirectoryClient.from_environment()
    connect, read = client.timeout
    assert connect + read <= ACTION_BUDGET_SECONDS  # one directory call fits in the budget


@pytest.mark.parametrize("behaviour", ["slow", "error500", "reject400"])
def test_resilient_endpoint_times_out_and_falls_back(behaviour):
    async def scenario():
        async def handler(request):
            if behaviour == "slow":
                await asyncio.sleep(3)
            if behaviour == "reject400":
                return web.json_response({"action_name": "action_find_services", "error": "no"}, status=400)
            return web.json_response({"error": "boom"}, status=500)

        app = web.Application()
        app.router.add_post("/webhook", handler)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        endpoint = ResilientActionEndpoint(EndpointConfig(url=f"http://127.0.0.1:{port}/webhook"), timeout=0.5)
        try:
            started = asyncio.get_running_loop().time()
            answer = await endpoint.request(json={"next_action": "action_find_services"}, method="post")
            return answer, asyncio.get_running_loop().time() - started
        finally:
            await runner.cleanup()

    if behaviour == "reject400":
        with pytest.raises(ClientResponseError):
            asyncio.run(scenario())
        return
    answer, seconds = asyncio.run(scenario())
    assert answer == {"events": [], "responses": [{"response": FALLBACK_RESPONSE}]}
    assert seconds < 1.0
