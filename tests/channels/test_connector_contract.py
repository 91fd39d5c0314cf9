"""Every connector in credentials.yml gets, from one place (bot/channels/base.py), the two guarantees
that a user always has a reply: a handler that apologises in the user's language when Rasa fails, and
the action server's time limit put in place when the server starts. In process: no servers needed."""

import asyncio
import importlib
from pathlib import Path

import pytest
import yaml
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from sanic import Blueprint

from bot.channels.base import SafeInputChannel
from servers import response_text

ROOT = Path(__file__).resolve().parents[2]
CONNECTORS = list(yaml.safe_load((ROOT / "credentials.yml").read_text(encoding="utf-8")))


def connector(path: str):
    module, name = path.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


@pytest.mark.parametrize("path", CONNECTORS)
def test_every_connector_replies_even_when_rasa_fails(path, monkeypatch):
    cls = connector(path)
    assert issubclass(cls, SafeInputChannel) and cls.blueprint is SafeInputChannel.blueprint, f"{path} bypasses bot/channels/base.py"
    channel = cls.from_credentials({})
    given = {}

    def routes(handler):
        given["handler"] = handler
        return Blueprint(f"contract_{cls.name()}")

    async def rasa_fails(message):
        raise ConnectionError("tracker store unreachable")

    monkeypatch.setattr(channel, "routes", routes)
    blueprint = channel.blueprint(rasa_fails)
    assert any(listener.event == "after_server_start" for listener in blueprint._future_listeners), "action time limit not installed"
    output = CollectingOutputChannel()
    asyncio.run(given["handler"](UserMessage("Necesito un médico para mi hija", output, "contract-sender")))
    assert [m["text"] for m in output.messages] == [response_text("utter_something_went_wrong", "es")]
