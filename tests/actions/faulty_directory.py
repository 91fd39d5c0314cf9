"""A misbehaving directory on loopback, for fault tests: errors, garbage, hangs."""
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FaultyDirectory:
    """mode: 'status500', 'garbage', 'wrong_shape', 'hang', 'empty'."""

    def __init__(self, mode: str, hang_seconds: float = 20):
        outer = self
        self.mode, self.hang_seconds, self.requests = mode, hang_seconds, 0

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's naming
                outer.requests += 1
                if outer.mode == "hang":
                    time.sleep(outer.hang_seconds)
                status, body = {
                    "status500": (500, b"<html>Internal Server Error</html>"),
                    "garbage": (200, b"\x00\xffnot json{"),
                    "wrong_shape": (200, b'{"contents": "nope"}'),
                    "empty": (200, b'{"total_items": 0, "total_pages": 1, "page_number": 1, "size": 0, "first_page": true, "last_page": true, "empty": true, "contents": []}'),
                    "hang": (200, b"{}"),
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
