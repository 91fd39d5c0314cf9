"""A city's own HSDS 3.0 API on loopback that knows the standard parameters only (the published openapi.json's
GET /services: search, page, per_page, format, taxonomy_term_id, taxonomy_id, organization_id,
modified_after, minimal, full) and refuses any other with 400, as a strict implementation may.

Either it serves `services_by_term` ({term id: [full service records]}, paged) or, with `upstream`, it
forwards the standard requests to a real directory (ours, playing the city's). It records every query."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, List, Optional
from urllib.parse import parse_qs, urlsplit

import requests

from fake_providers import send_json

STANDARD_SERVICE_PARAMETERS = frozenset({"search", "page", "per_page", "format", "taxonomy_term_id", "taxonomy_id", "organization_id", "modified_after", "minimal", "full"})


class StandardHsdsApi:
    def __init__(self, services_by_term: Optional[Dict[str, List[dict]]] = None, upstream: Optional[str] = None, max_per_page: int = 50, bare_pages: bool = False):
        """`bare_pages`: pages carry only `contents` and `last_page: false` (as some implementations do): a
        client must read on until a page comes back empty. A term not in `services_by_term` is a 404."""
        outer = self
        self.services_by_term, self.upstream, self.max_per_page = services_by_term or {}, (upstream or "").rstrip("/"), max_per_page
        self.bare_pages = bare_pages
        self.queries: List[Dict[str, str]] = []
        self.refused: List[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's naming
                parts = urlsplit(self.path)
                query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
                unknown = sorted(set(query) - STANDARD_SERVICE_PARAMETERS)
                if not parts.path.rstrip("/").endswith("/services") or unknown:
                    outer.refused.append(parts.path + "?" + ",".join(unknown))
                    return self._send(400, {"detail": f"unknown: {parts.path} {unknown}"})
                outer.queries.append(query)
                if outer.upstream:
                    answer = requests.get(f"{outer.upstream}/services", params=query, timeout=10)
                    return self._send(answer.status_code, answer.json())
                if query.get("taxonomy_term_id", "") not in outer.services_by_term:
                    return self._send(404, {"detail": "no such taxonomy term"})
                return self._send(200, outer.page(query))

            def _send(self, status: int, body: dict) -> None:
                send_json(self, status, body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def page(self, query: Dict[str, str]) -> dict:
        services = self.services_by_term.get(query.get("taxonomy_term_id", ""), [])
        size = min(int(query.get("per_page", "50")), self.max_per_page)
        number = int(query.get("page", "1"))
        total_pages = max(1, -(-len(services) // size))
        contents = services[(number - 1) * size : number * size]
        if self.bare_pages:
            return {"last_page": False, "contents": contents}
        return {
            "total_items": len(services),
            "total_pages": total_pages,
            "page_number": number,
            "size": len(contents),
            "first_page": number == 1,
            "last_page": number >= total_pages,
            "empty": not contents,
            "contents": contents,
        }

    def __enter__(self) -> "StandardHsdsApi":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
