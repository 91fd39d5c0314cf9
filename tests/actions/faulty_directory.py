"""A misbehaving directory on loopback, for fault tests: errors, garbage, hangs."""
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


# One unverified service (no assured_date), for the 'one_service' mode.
ONE_SERVICE = {
    "id": "00000000-0000-4000-8000-000000000001", "name": "Unverified Test Service", "status": "active",
    "phones": [{"id": "p1", "number": "+442079460000"}], "schedules": [], "languages": [], "required_documents": [],
    "service_at_locations": [{"id": "sal1", "location": {"id": "l1", "location_type": "physical", "latitude": 47.0162, "longitude": 8.0903,
                                                          "addresses": [{"address_1": "1 Test Street", "city": "Port Meridian"}]}}],
}


class FaultyDirectory:
    """mode: 'status500', 'garbage', 'wrong_shape', 'hang', 'empty', 'one_service'. Records the paths it was asked for."""

    def __init__(self, mode: str, hang_seconds: float = 20):
        outer = self
        self.mode, self.hang_seconds, self.requests = mode, hang_seconds, 0
        self.paths = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's naming
                outer.requests += 1
                outer.paths.append(self.path)
                if outer.mode == "hang":
                    time.sleep(outer.hang_seconds)
                status, body = {
                    "status500": (500, b"<html>Internal Server Error</html>"),
                    "garbage": (200, b"\x00\xffnot json{"),
                    "wrong_shape": (200, b'{"contents": "nope"}'),
                    "empty": (200, b'{"total_items": 0, "total_pages": 1, "page_number": 1, "size": 0, "first_page": true, "last_page": true, "empty": true, "contents": []}'),
                    "hang": (200, b"{}"),
                    "one_service": (200, json.dumps({"total_items": 1, "total_pages": 1, "page_number": 1, "size": 1, "first_page": True,
                                                     "last_page": True, "empty": False, "contents": [ONE_SERVICE]}).encode()),
                }[outer.mode]
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
