"""Socket.IO with session persistence that works, and the same guard as every channel.

Rasa 3.6.21 calls `sio.enter_room()` without awaiting it (a coroutine since python-socketio
5.10), so with `session_persistence: true` replies never reach the client. This subclass
re-registers the `session_request` handler with the call awaited.
"""
import uuid
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from .base import SafeInputChannel
from .guard import sanitize, with_language


class FixedSocketIOInput(SafeInputChannel, SocketIOInput):
    @classmethod
    def name(cls) -> Text:
        return "socketio"

    def routes(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def guarded(message: UserMessage) -> Any:
            metadata = message.metadata if isinstance(message.metadata, dict) else {}
            message.text = with_language(sanitize(message.text), metadata.get("language"))
            return await on_new_message(message)

        blueprint = SocketIOInput.blueprint(self, guarded)
        sio = self.sio

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Optional[Any]) -> None:
            session_id = (data.get("session_id") if isinstance(data, dict) else None) or uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id)
            await sio.emit("session_confirm", session_id, room=sid)

        return blueprint
