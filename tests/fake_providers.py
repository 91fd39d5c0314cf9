"""Test double of the messaging providers' APIs (Telegram Bot API, Twilio, Meta Graph) on loopback.

Records what the assistant sends; answers the minimal success shapes the connectors expect, except
that Telegram refuses to acknowledge a callback query whose id starts with EXPIRED_QUERY (as it does
for a query older than its limit).
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, List
from urllib.parse import unquote_plus

EXPIRED_QUERY = "expired-"


def send_json(handler: BaseHTTPRequestHandler, status: int, body) -> None:
    """Answer a loopback fake's request with `body` as JSON."""
    data = json.dumps(body).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


class FakeProviders:
    def __init__(self) -> None:
        self.requests: List[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                outer.requests.append({"path": self.path, "headers": dict(self.headers), "body": unquote_plus(raw.decode("utf-8", "replace"))})
                if self.path.endswith("/answerCallbackQuery") and EXPIRED_QUERY in outer.requests[-1]["body"]:
                    status, body = 400, {"ok": False, "error_code": 400, "description": "Bad Request: query is too old and response timeout expired or query ID is invalid"}
                elif self.path.endswith("/answerCallbackQuery"):
                    status, body = 200, {"ok": True, "result": True}
                elif self.path.startswith("/bot"):
                    status, body = 200, {"ok": True, "result": {"message_id": len(outer.requests), "date": 0, "chat": {"id": 1, "type": "private"}, "text": "ok"}}
                elif "/Messages.json" in self.path:
                    status, body = 201, {"sid": f"SM{len(outer.requests)}"}
                else:
                    status, body = 200, {"messaging_product": "whatsapp", "messages": [{"id": f"wamid.{len(outer.requests)}"}]}
                send_json(self, status, body)

            do_GET = do_POST

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> "FakeProviders":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def sent(self, predicate: Callable[[dict], bool], minimum: int = 1, timeout: float = 10) -> List[dict]:
        deadline = time.monotonic() + timeout
        while True:
            found = [r for r in self.requests if predicate(r)]
            if len(found) >= minimum or time.monotonic() > deadline:
                return found
            time.sleep(0.1)
