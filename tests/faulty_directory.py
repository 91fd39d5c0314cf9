"""A misbehaving directory on loopback, for fault tests: errors, garbage, hangs.

With `upstream` (the real directory's API URL) and mode 'ok' it forwards every request to the
real directory, so a test can switch a fault on and off at run time (`faulty.mode = ...`) and
`down()` / `up()` stop and restart listening on the same port (connection refused meanwhile).
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Optional
from urllib.parse import parse_qs, urlsplit

import requests

# One unverified service (no assured_date), for the 'one_service' mode.
ONE_SERVICE = {
    "id": "00000000-0000-4000-8000-000000000001",
    "name": "Unverified Test Service",
    "status": "active",
    "phones": [{"id": "p1", "number": "+442079460000"}],
    "schedules": [],
    "languages": [],
    "required_documents": [],
    "service_at_locations": [
        {"id": "sal1", "location": {"id": "l1", "location_type": "physical", "latitude": 47.0162, "longitude": 8.0903, "addresses": [{"address_1": "1 Test Street", "city": "Port Meridian"}]}}
    ],
}
ONE_SERVICE_PAGE = json.dumps({"total_items": 1, "total_pages": 1, "page_number": 1, "size": 1, "first_page": True, "last_page": True, "empty": False, "contents": [ONE_SERVICE]}).encode()
EMPTY_PAGE = b'{"total_items": 0, "total_pages": 1, "page_number": 1, "size": 0, "first_page": true, "last_page": true, "empty": true, "contents": []}'


class FaultyDirectory:
    """mode: 'ok' (forward to upstream), 'status500', 'garbage', 'wrong_shape', 'hang', 'empty', 'one_service'.

    Records the paths it was asked for (`paths`). `empty_terms`: in mode 'ok', searches for these taxonomy
    terms find nothing (a sub-need no service has), everything else is the real directory's answer."""

    def __init__(self, mode: str, hang_seconds: float = 20, upstream: Optional[str] = None):
        outer = self
        self.mode, self.hang_seconds, self.requests = mode, hang_seconds, 0
        self.paths = []
        self.empty_terms = set()
        self.upstream = upstream.rstrip("/") if upstream else None
        self._upstream_session = requests.Session()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's naming
                outer.requests += 1
                outer.paths.append(self.path)
                mode = outer.mode
                if mode == "hang":
                    time.sleep(outer.hang_seconds)
                term = parse_qs(urlsplit(self.path).query).get("taxonomy_term_id", [None])[0]
                if mode == "ok" and term in outer.empty_terms:
                    status, body = 200, EMPTY_PAGE
                elif mode == "ok":
                    status, body = outer._forward(self.path)
                else:
                    status, body = {
                        "status500": (500, b"<html>Internal Server Error</html>"),
                        "garbage": (200, b"\x00\xffnot json{"),
                        "wrong_shape": (200, b'{"contents": "nope"}'),
                        "empty": (200, EMPTY_PAGE),
                        "hang": (200, b"{}"),
                        "one_service": (200, ONE_SERVICE_PAGE),
                    }[mode]
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass

            def log_message(self, *args):
                pass

        self._handler = Handler
        self._serving = False
        self.server = self._bind(0)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/api"

    def _bind(self, port: int) -> ThreadingHTTPServer:
        ThreadingHTTPServer.allow_reuse_address = True
        server = ThreadingHTTPServer(("127.0.0.1", port), self._handler)
        server.daemon_threads = True
        return server

    def _forward(self, path: str):
        if not self.upstream:
            return 502, b"no upstream"
        # path is /api/...; upstream ends in /api
        response = self._upstream_session.get(self.upstream + path[len("/api") :], timeout=10)
        return response.status_code, response.content

    def down(self) -> None:
        """Stop listening: callers get 'connection refused'."""
        if self._serving:
            self.server.shutdown()
            self.server.server_close()
            self._serving = False

    def up(self) -> None:
        """Listen again on the same port."""
        if not self._serving:
            self.server = self._bind(self.port)
            self._serve()

    def _serve(self) -> None:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self._serving = True

    def __enter__(self):
        self._serve()
        return self

    def __exit__(self, *exc):
        self.down()
        self._upstream_session.close()
