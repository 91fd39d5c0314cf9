"""HTTP client for the city's HSDS 3.0 service directory.

Blocking `requests` with a pooled session; callers on an event loop must run it in a thread
(see actions/base.py). Every failure mode (refused, timeout, 5xx, non-JSON, wrong shape)
becomes DirectoryUnavailable so the assistant can answer gracefully.

A circuit breaker stops hammering a directory that keeps failing: after
`DIRECTORY_BREAKER_FAILURES` consecutive failures it opens and calls fail at once; after
`DIRECTORY_BREAKER_COOLDOWN` seconds one trial call goes through (half-open), and its success
closes the breaker again.
"""

import logging
import os
import threading
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "http://localhost:8000/api"


class DirectoryUnavailable(Exception):
    """The directory could not give a usable answer."""


class DirectoryRefused(DirectoryUnavailable):
    """The directory answered 4xx: it works, but refused this request."""


class CircuitOpen(DirectoryUnavailable):
    """The breaker is open: the directory failed repeatedly and is left alone for a while."""


class CircuitBreaker:
    """Closed -> open after `failures` consecutive failures -> half-open after `cooldown` s.

    Thread-safe (the client runs in worker threads). In half-open state exactly one trial call
    is let through; the others fail fast until it reports back.
    """

    CLOSED, OPEN, HALF_OPEN = "closed", "open", "half-open"

    def __init__(self, failures: int = 3, cooldown: float = 15.0, clock=time.monotonic) -> None:
        self.threshold, self.cooldown, self.clock = max(1, failures), cooldown, clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: Optional[float] = None
        self._trial_in_flight = False

    @property
    def state(self) -> str:
        with self._lock:
            return self._state()

    def _state(self) -> str:
        if self._opened_at is None:
            return self.CLOSED
        if self.clock() - self._opened_at >= self.cooldown:
            return self.HALF_OPEN
        return self.OPEN

    def before_call(self) -> None:
        """Raise CircuitOpen unless a call may go to the directory now."""
        with self._lock:
            state = self._state()
            if state == self.CLOSED:
                return
            if state == self.HALF_OPEN and not self._trial_in_flight:
                self._trial_in_flight = True
                return
        raise CircuitOpen("circuit open: the directory failed repeatedly; not calling it for now")

    def record_success(self) -> None:
        with self._lock:
            if self._opened_at is not None:
                logger.info("directory circuit closed: the directory answers again")
            self._failures, self._opened_at, self._trial_in_flight = 0, None, False

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._trial_in_flight or self._failures >= self.threshold:
                if self._opened_at is None or self._trial_in_flight:
                    logger.warning("directory circuit open for %.1f s after %d failure(s)", self.cooldown, self._failures)
                self._opened_at = self.clock()
            self._trial_in_flight = False


class DirectoryClient:
    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        connect_timeout: float = 0.5,
        read_timeout: float = 1.5,
        retries: int = 1,
        backoff: float = 0.2,
        breaker: Optional[CircuitBreaker] = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.breaker = breaker or CircuitBreaker()
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
        return cls(**connection_settings())

    def can_check(self, parameter: str) -> bool:
        """Whether a search can hold the services to this condition (our directory: every one it accepts)."""
        return True

    def _get(self, path: str, params: Dict[str, Any], check: Optional[Callable[[Any], None]] = None) -> Any:
        return self._get_with_headers(path, params, check)[0]

    def _get_with_headers(self, path: str, params: Dict[str, Any], check: Optional[Callable[[Any], None]] = None) -> Tuple[Any, Dict[str, str]]:
        """GET and decode JSON, with the answer's headers; `check(body)` raises DirectoryUnavailable for a wrong shape.

        Refusals, timeouts, 5xx, non-JSON and wrong shapes count against the breaker; a 4xx
        (e.g. an unknown term) is our question's fault, not the directory's, and does not.
        """
        self.breaker.before_call()
        url = f"{self.base_url}/{path.lstrip('/')}"
        try:
            response = self.session.get(url, params=params, timeout=self.timeout)
            if 400 <= response.status_code < 500:
                raise DirectoryRefused(f"HTTP {response.status_code} from {path}")
            if response.status_code != 200:
                raise DirectoryUnavailable(f"HTTP {response.status_code} from {path}")
            try:
                body = response.json()
            except ValueError as error:
                raise DirectoryUnavailable(f"non-JSON answer from {path}") from error
            if check is not None:
                check(body)
        except requests.RequestException as error:
            self.breaker.record_failure()
            raise DirectoryUnavailable(f"{type(error).__name__} calling {path}") from error
        except DirectoryRefused:
            self.breaker.record_success()  # the directory works; it did not like the question
            raise
        except DirectoryUnavailable:
            self.breaker.record_failure()
            raise
        self.breaker.record_success()
        return body, dict(response.headers)

    def search_services(
        self,
        taxonomy_term: str,
        per_page: int = 3,
        status: Optional[str] = "active",
        language: Optional[str] = None,
        lang: Optional[str] = None,
        near: Optional[Tuple[float, float]] = None,
        page: int = 1,
        filters: Optional[Dict[str, str]] = None,
        ranked: bool = False,
    ) -> "ServicePage":
        """Fully nested services tagged with `taxonomy_term` (an HSDS term id or code) or its children.

        `language`: only services where that language is spoken; `lang`: the language to return the
        content in, where the directory has translations; `near` (lat, lon): nearest first; `page`: which
        `per_page` slice of the whole list (1 is the first); `filters`: more conditions, as the directory's
        parameters (`open`, ...); `ranked`: the directory's relevance order (`rank=relevance`: sub-need,
        open now or soonest, the conversation's language, distance, recently verified) instead of name order.
        """
        params: Dict[str, Any] = {"taxonomy_term_id": taxonomy_term, "per_page": per_page, "full": "true"}
        if page > 1:
            params["page"] = page
        if status:
            params["status"] = status
        if language:
            params["language"] = language
        if lang:
            params["lang"] = lang
        if near is not None:
            params["lat"], params["lon"] = f"{near[0]:.5f}", f"{near[1]:.5f}"
        params.update(filters or {})
        if ranked:
            params["rank"] = "relevance"
        body, headers = self._get_with_headers("services", params, check=_check_service_page)
        return ServicePage(body["contents"], body.get("total_items"), distances_from(headers.get(DISTANCE_HEADER, "")))

    def regions(self) -> List[str]:
        """The neighbourhoods the directory's `region` filter accepts (GET /regions)."""
        return sorted(set(self.region_names().values()))

    def region_names(self) -> Dict[str, str]:
        """{every name the `region` filter accepts: the neighbourhood's own name}: the neighbourhoods and
        the other names staff added for them ("إيستغيت": "Eastgate"), from one GET /regions."""
        return self.places()[0]

    def postal_codes(self) -> List[str]:
        """The postal codes the directory's addresses give (GET /regions; none when it does not list them)."""
        return self.places()[1]

    def places(self) -> Tuple[Dict[str, str], List[str]]:
        """(region_names(), postal_codes()) from one GET /regions."""
        body = self._get("regions", {}, check=_check_regions)
        names = {name: name for name in body["regions"]}
        alternatives = body.get("alternative_names")
        if isinstance(alternatives, dict):
            names.update({other: own for other, own in alternatives.items() if isinstance(other, str) and own in names})
        codes = body.get("postal_codes")
        return names, [code for code in codes if isinstance(code, str) and code.strip()] if isinstance(codes, list) else []

    def close(self) -> None:
        self.session.close()


def connection_settings() -> Dict[str, Any]:
    """Where the directory is and how patiently to call it, from the environment (README "Environment variables")."""
    return {
        "base_url": os.environ.get("DIRECTORY_API_URL") or DEFAULT_BASE_URL,
        "connect_timeout": float(os.environ.get("DIRECTORY_CONNECT_TIMEOUT", "0.5")),
        "read_timeout": float(os.environ.get("DIRECTORY_READ_TIMEOUT", "1.5")),
        "retries": int(os.environ.get("DIRECTORY_RETRIES", "1")),
        "breaker": CircuitBreaker(
            failures=int(os.environ.get("DIRECTORY_BREAKER_FAILURES", "3")),
            cooldown=float(os.environ.get("DIRECTORY_BREAKER_COOLDOWN", "15")),
        ),
    }


class ServicePage(list):
    """One page of services, knowing how many the whole list holds (`total_items`; None if not said) and,
    after a search near a point, how far each service is (`distances`: {service id: metres})."""

    def __init__(self, services: List[Dict[str, Any]], total_items: Any = None, distances: Optional[Dict[str, float]] = None) -> None:
        super().__init__(services)
        self.total_items = total_items if isinstance(total_items, int) and not isinstance(total_items, bool) else None
        self.distances = distances or {}


DISTANCE_HEADER = "Distance-Metres"  # the directory's profile extension (openapi.json): "<id>=<metres>, ..."


def distances_from(header: str) -> Dict[str, float]:
    """{service id: metres} from the directory's Distance-Metres header; malformed pairs are left out."""
    distances = {}
    for pair in header.split(",")[:100]:
        service_id, _, metres = pair.strip().partition("=")
        if service_id and metres.isdigit():
            distances[service_id] = float(metres)
    return distances


def _check_service_page(page: Any) -> None:
    contents = page.get("contents") if isinstance(page, dict) else None
    if not isinstance(contents, list) or not all(isinstance(s, dict) and s.get("name") for s in contents):
        raise DirectoryUnavailable("answer is not an HSDS page of services")


def _check_regions(body: Any) -> None:
    regions = body.get("regions") if isinstance(body, dict) else None
    if not isinstance(regions, list) or not all(isinstance(name, str) for name in regions):
        raise DirectoryUnavailable("answer is not a list of regions")
