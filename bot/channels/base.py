"""The one place where every connector of ours gets the two guarantees that a user always has a reply:
the handler given to the connector answers with a localized apology when Rasa cannot handle a message
(failsafe.protect), and the action server's calls get a time limit and a localized fallback once the
server has started (bot/action_endpoint.py). Connectors implement `routes()` instead of `blueprint()`.
"""

from abc import abstractmethod
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint

from ..action_endpoint import install_when_started
from .failsafe import protect

Handler = Callable[[UserMessage], Awaitable[Any]]


class SafeInputChannel(InputChannel):
    """Put before Rasa's connector class in the bases, e.g. `class X(SafeInputChannel, RestInput)`."""

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        blueprint = self.routes(protect(on_new_message))
        install_when_started(blueprint)  # idempotent: whichever channel starts first puts it in place
        return blueprint

    @abstractmethod
    def routes(self, on_new_message: Handler) -> Blueprint:
        """The connector's webhook routes, handing each user message to `on_new_message`."""
