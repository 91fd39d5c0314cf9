"""HTTP client for the city's HSDS 3.0 service directory.

Blocking `requests` with a pooled session; callers on an event loop must run it in a thread
(see actions/base.py). Every failure mode (refused, timeout, 5xx, non-JSON, wrong shape)
becomes DirectoryUnavailable so the assistant can answer gracefully.
"""
import logging
import os
from typing import Any, Dict, List, Optional, Tuple

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "http://localhost:8000/api"


class DirectoryUnavailable(Exception):
    """The directory could not give a usable answer."""


class DirectoryClient:
    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        connect_timeout: float = 0.5,
        read_timeout: float = 1.5,
        retries: int = 1,
        backoff: float = 0.2,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = (connect_timeout, read_timeout)
        retry = Retry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            backoff_factor=backoff,
            status_forcelist=(502, 503, 504),
            allowed_methods=frozenset({"GET"}),  # reads only: safe to repeat
            raise_on_status=False,
        )
        self.session = requests.Session()
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=16, max_retries=retry)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.update({"Accept": "application/json", "User-Agent": "newcomer-assistant/1.0"})

    @classmethod
    def from_environment(cls) -> "DirectoryClient":
        return cls(
            base_url=os.environ.get("DIRECTORY_API_URL", DEFAULT_BASE_URL),
            connect_timeout=float(os.environ.get("DIRECTORY_CONNECT_TIMEOUT", "0.5")),
            read_timeout=float(os.environ.get("DIRECTORY_READ_TIMEOUT", "1.5")),
            retries=int(os.environ.get("DIRECTORY_RETRIES", "1")),
        )

    def _get(self, path: str, params: Dict[str, Any]) -> Any:
        url = f"{self.base_url}/{path.lstrip('/')}"
        try:
            response = self.session.get(url, params=params, timeout=self.timeout)
        except requests.RequestException as error:
            raise DirectoryUnavailable(f"{type(error).__name__} calling {path}") from error
        if response.status_code != 200:
            raise DirectoryUnavailable(f"HTTP {response.status_code} from {path}")
        try:
            return response.json()
        except ValueError as error:
            raise DirectoryUnavailable(f"non-JSON answer from {path}") from error

    def search_services(
        self,
        taxonomy_term: str,
        per_page: int = 3,
        status: Optional[str] = "active",
        language: Optional[str] = None,
        lang: Optional[str] = None,
        near: Optional[Tuple[float, float]] = None,
    ) -> List[Dict[str, Any]]:
        """Fully nested services tagged with `taxonomy_term` (an HSDS term id or code) or its children.

        `language`: only services where that language is spoken; `lang`: the language to return the
        content in, where the directory has translations; `near` (lat, lon): nearest first.
        """
        params: Dict[str, Any] = {"taxonomy_term_id": taxonomy_term, "per_page": per_page, "full": "true"}
        if status:
            params["status"] = status
        if language:
            params["language"] = language
        if lang:
            params["lang"] = lang
        if near is not None:
            params["lat"], params["lon"] = f"{near[0]:.5f}", f"{near[1]:.5f}"
        page = self._get("services", params)
        contents = page.get("contents") if isinstance(page, dict) else None
        if not isinstance(contents, list) or not all(isinstance(s, dict) and s.get("name") for s in contents):
            raise DirectoryUnavailable("answer is not an HSDS page of services")
        return contents

    def close(self) -> None:
        self.session.close()
