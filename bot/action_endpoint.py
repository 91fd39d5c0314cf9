"""Rasa's side of a failing action server: a time limit and a localized reply instead of silence.

Rasa 3.6.21 waits up to 5 minutes for the action server, and when it is down, slow or answers
5xx, the action's events are dropped and the user gets an empty reply. This endpoint (a subclass
of Rasa's EndpointConfig, put in place of the one read from endpoints.yml when the server has
started) caps every call at ACTION_TIMEOUT_SECONDS and turns a failed call into an action-server
answer that utters `utter_something_went_wrong`: Rasa renders it like any response, in the
conversation's language. The few actions Rasa runs itself (they need its tracker store,
bot/erasure.py) are answered here without a call to the action server.

ACTION_TIMEOUT_SECONDS must be longer than the action server's own ACTION_BUDGET_SECONDS (the
action's localized reply wins when only the backend is slow) and short enough that NLU, the call
and the reply fit in the 4 s a user may wait.
"""

import asyncio
import logging
import os
from functools import lru_cache
from typing import Any, Awaitable, Callable, Dict, Optional, Text

import aiohttp
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.shared.constants import DOCS_BASE_URL
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

from bot.erasure import local_actions

logger = logging.getLogger(__name__)

FALLBACK_RESPONSE = "utter_something_went_wrong"


def action_timeout_seconds() -> float:
    return float(os.environ.get("ACTION_TIMEOUT_SECONDS", "2.5"))


class ResilientActionEndpoint(EndpointConfig):
    """The action server's endpoint with a time limit and a fallback answer."""

    def __init__(
        self,
        original: EndpointConfig,
        timeout: float,
        local_actions: Optional[Dict[str, Callable[[Dict[str, Any]], Awaitable[Dict[str, Any]]]]] = None,
    ) -> None:
        super().__init__(
            url=original.url,
            params=original.params,
            headers=original.headers,
            basic_auth=original.basic_auth,
            token=original.token,
            token_name=original.token_name,
            cafile=original.cafile,
            **original.kwargs,
        )
        self.type = original.type
        self.timeout = timeout
        self.local_actions = local_actions or {}

    async def request(self, method: Text = "post", subpath: Optional[Text] = None, content_type: Optional[Text] = "application/json", compress: bool = False, **kwargs: Any) -> Optional[Any]:
        action = (kwargs.get("json") or {}).get("next_action", "?")
        if action in self.local_actions:
            return await self.local_actions[action](kwargs["json"])
        kwargs["timeout"] = aiohttp.ClientTimeout(total=self.timeout)
        try:
            return await asyncio.wait_for(super().request(method, subpath, content_type, compress, **kwargs), timeout=self.timeout + 0.1)
        except ClientResponseError as error:  # Rasa's own (the status is in `status`)
            if error.status == 400:  # the action rejected itself: Rasa lets another policy choose
                raise
            logger.error("action server answered %s for %s: replying with %s", error.status, action, FALLBACK_RESPONSE)
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.error("action server unreachable or slower than %.1f s for %s (%s): replying with %s", self.timeout, action, type(error).__name__, FALLBACK_RESPONSE)
        return fallback_answer()


def fallback_answer() -> Dict[Text, Any]:
    """What the action server would have answered had it said "sorry, try again later"."""
    return {"events": [], "responses": [{"response": FALLBACK_RESPONSE}]}


@lru_cache(maxsize=1)
def _action_result_validator() -> Any:
    from rasa.core.actions.action import RemoteAction  # only in the Rasa process: it loads TensorFlow

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def _validate_action_result(self: Any, result: Dict[Text, Any]) -> bool:
    """RemoteAction's check of an action server answer, with the schema checked once instead of on every
    call (`jsonschema.validate` checks the schema itself each time: about a third of Rasa's CPU per service
    answer, measured with py-spy). Same errors, same message."""
    error = best_match(_action_result_validator().iter_errors(result))
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from the Action endpoint is valid. "
            f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


def install(agent: Any) -> None:
    """Put the resilient endpoint in place on a loaded agent (idempotent)."""
    from rasa.core.actions.action import RemoteAction

    RemoteAction._validate_action_result = _validate_action_result
    endpoint = getattr(agent, "action_endpoint", None)
    if endpoint is None or isinstance(endpoint, ResilientActionEndpoint):
        return
    resilient = ResilientActionEndpoint(endpoint, action_timeout_seconds(), local_actions(lambda: agent.tracker_store))
    agent.action_endpoint = resilient  # used for every processor the agent creates later
    if getattr(agent, "processor", None) is not None:
        agent.processor.action_endpoint = resilient
    logger.info("action server calls limited to %.1f s, with a localized fallback", resilient.timeout)


def install_when_started(blueprint: Any) -> None:
    """Register `install` to run once the server has started (the agent is loaded before that)."""

    @blueprint.listener("after_server_start")
    async def _install(app: Any, _loop: Any) -> None:
        agent = getattr(app.ctx, "agent", None)
        if agent is not None:
            install(agent)
