"""Reports unmet needs (no matching service, message not understood) to the directory's analytics.

What is sent is a count increment, never a conversation: ISO week, language, category, sub-need,
neighbourhood, outcome and, for messages not understood, optionally an example phrasing scrubbed
of numbers, e-mail addresses, links and @handles. No sender id, no timestamp.

The neighbourhood is one the directory knows (the `region` of its addresses): a `neighbourhood`
entity, else a neighbourhood name found in the message (the names come from the directory's
/analytics/neighbourhoods, cached), else the search point of a shared location, which the directory
maps to the neighbourhood of its nearest address and does not store.

Best effort and off the user's path: `report()` only puts the report on a bounded in-memory queue;
a daemon thread posts it with short timeouts. A report is retried only when it certainly did not
arrive (connection refused / not established, or the directory's 503 "nothing was counted"), so a
retry never counts twice. When the queue is full or the directory stays unreachable, the report is
dropped with a warning (an under-count, never a delay for the user).

    DIRECTORY_ANALYTICS_TOKEN  shared with the directory; unset: nothing is reported
    DIRECTORY_ANALYTICS_URL    default: DIRECTORY_API_URL without its /api, plus /analytics/unmet-needs
"""

import datetime
import logging
import os
import queue
import re
import threading
import time
import unicodedata
from typing import Any, Dict, List, Optional, Tuple

import requests
from rasa_sdk import Tracker
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from contracts.scrub import scrub  # the directory applies the same rules again
from contracts.weekly_hours import city_zone

from .directory_client import DEFAULT_BASE_URL

logger = logging.getLogger(__name__)

NO_SERVICE, FALLBACK = "no_service", "fallback"
NEIGHBOURHOOD_ENTITY = "neighbourhood"  # not extracted by today's NLU: names are found in the text instead
NEIGHBOURHOOD_NAMES_TTL, NEIGHBOURHOOD_NAMES_RETRY = 300.0, 30.0  # seconds: staff edits show within 5 minutes


def iso_week(now: Optional[datetime.datetime] = None) -> str:
    """The ISO week, e.g. 2026-W48, in the city's time zone (CITY_TIMEZONE, as the directory's default)."""
    if now is None:
        now = datetime.datetime.now(city_zone())
    year, week, _ = now.isocalendar()
    return f"{year}-W{week:02d}"


def neighbourhood_of(tracker: Tracker) -> str:
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == NEIGHBOURHOOD_ENTITY and isinstance(entity.get("value"), str):
            return entity["value"].strip()[:100]
    return ""


def _folded(text: str) -> str:
    """Compared without case or accents: "eastgate" and "Eastgate", "Zurich" and "Zürich"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def mentioned_neighbourhood(text: str, names) -> str:
    """The longest of `names` that the text mentions as whole words, else ""."""
    folded = _folded(text or "")
    for name in sorted(names, key=len, reverse=True):
        wanted = _folded(name).strip()
        if len(wanted) >= 3 and re.search(r"(?<!\w)" + re.escape(wanted).replace(r"\ ", r"\s+") + r"(?!\w)", folded):
            return name
    return ""


def default_url() -> str:
    api = os.environ.get("DIRECTORY_API_URL", DEFAULT_BASE_URL).rstrip("/")
    base = api[: -len("/api")] if api.endswith("/api") else api
    return f"{base}/analytics/unmet-needs"


def never_arrived(error: requests.RequestException) -> bool:
    """True when the connection was never established (refused, connect timeout): safe to resend."""
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return True
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return isinstance(error, requests.ConnectionError) and isinstance(reason, (NewConnectionError, ConnectTimeoutError))


class Reporter:
    """A bounded queue and one daemon thread that posts reports to the directory."""

    def __init__(self, url: str, token: str, connect_timeout: float = 0.5, read_timeout: float = 1.5, attempts: int = 4, backoff: float = 0.5, capacity: int = 1000) -> None:
        self.url, self.token = url, token
        self.timeout = (connect_timeout, read_timeout)
        self.attempts, self.backoff = attempts, backoff
        self.queue: "queue.Queue[Dict[str, Any]]" = queue.Queue(maxsize=capacity)
        self.session = requests.Session()
        self.session.headers.update({"Authorization": f"Bearer {token}", "User-Agent": "newcomer-assistant/1.0"})
        self.sent = self.dropped = 0
        self._thread: Optional[threading.Thread] = None
        self._lock = threading.Lock()
        self.names_url = url.rsplit("/", 1)[0] + "/neighbourhoods"
        self._names: List[str] = []
        self._names_until = 0.0

    def submit(self, report: Dict[str, Any], text: str = "") -> None:
        """Never blocks and never raises. `text`, the user's message, is only searched for a neighbourhood
        name (in the reporter's thread, off the user's path) and then forgotten."""
        try:
            self.queue.put_nowait((report, text))
        except queue.Full:
            self.dropped += 1
            logger.warning("unmet-need report dropped: queue full")
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, name="unmet-needs-reporter", daemon=True)
                self._thread.start()

    def _work(self) -> None:
        while True:
            report, text = self.queue.get()
            try:
                if text and not report.get("neighbourhood"):
                    report["neighbourhood"] = mentioned_neighbourhood(text, self.neighbourhood_names())
                self._deliver(report)
            except Exception:  # noqa: BLE001 - the reporter thread must survive anything
                self.dropped += 1
                logger.exception("unmet-need report dropped")
            finally:
                self.queue.task_done()

    def neighbourhood_names(self) -> List[str]:
        """The directory's neighbourhood names, cached; none while the directory cannot say."""
        if time.monotonic() >= self._names_until:
            try:
                response = self.session.get(self.names_url, timeout=self.timeout)
                response.raise_for_status()
                names = response.json()["neighbourhoods"]
                self._names = [n for n in names if isinstance(n, str) and n.strip()] if isinstance(names, list) else []
                self._names_until = time.monotonic() + NEIGHBOURHOOD_NAMES_TTL
            except (requests.RequestException, ValueError, KeyError, TypeError) as error:
                logger.warning("neighbourhood names unavailable: %s", type(error).__name__)
                self._names_until = time.monotonic() + NEIGHBOURHOOD_NAMES_RETRY
        return self._names

    def _deliver(self, report: Dict[str, Any]) -> None:
        for attempt in range(self.attempts):
            try:
                response = self.session.post(self.url, json=report, timeout=self.timeout)
            except requests.RequestException as error:
                if not never_arrived(error):  # e.g. a read timeout: it may have been counted
                    logger.warning("unmet-need report dropped: %s", type(error).__name__)
                    break
                reason = "directory unreachable"
            else:
                if response.status_code < 300:
                    self.sent += 1
                    return
                if response.status_code != 503:  # 503: the directory counted nothing, retry
                    logger.warning("unmet-need report refused: HTTP %s", response.status_code)
                    break
                reason = "HTTP 503"
            if attempt + 1 < self.attempts:
                time.sleep(self.backoff * (2**attempt))
            else:
                logger.warning("unmet-need report dropped after %d attempts: %s", self.attempts, reason)
        self.dropped += 1

    def drain(self, timeout: float = 10.0) -> bool:
        """For tests: wait until every queued report has been handled."""
        deadline = time.monotonic() + timeout
        while self.queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.02)
        return not self.queue.unfinished_tasks


_reporter: Optional[Reporter] = None
_reporter_lock = threading.Lock()


def reporter() -> Optional[Reporter]:
    """The process's reporter, or None when DIRECTORY_ANALYTICS_TOKEN is not set (analytics off) or there is
    nowhere to send reports."""
    global _reporter
    token = os.environ.get("DIRECTORY_ANALYTICS_TOKEN", "")
    if not token:
        return None
    # Another city's HSDS API (CROSSWALK_FILE) is not ours: reports go only where DIRECTORY_ANALYTICS_URL says.
    url = os.environ.get("DIRECTORY_ANALYTICS_URL") or ("" if os.environ.get("CROSSWALK_FILE") else default_url())
    if not url:
        return None
    with _reporter_lock:
        if _reporter is None:
            _reporter = Reporter(url, token)
        return _reporter


def report(tracker: Tracker, outcome: str, category: Optional[str] = None, need: Optional[str] = None, language: str = "en", near: Optional[Tuple[float, float]] = None) -> None:
    """Record one unmet need; returns at once whatever happens to the report. `near`: the search point."""
    try:
        target = reporter()
        if target is None:
            return
        body: Dict[str, Any] = {
            "week": iso_week(),
            "language": language,
            "category": category or "",
            "need": need or "",
            "neighbourhood": neighbourhood_of(tracker),
            "outcome": outcome,
        }
        if near is not None:
            body["near"] = {"latitude": near[0], "longitude": near[1]}
        text = tracker.latest_message.get("text") or ""
        if outcome == FALLBACK:
            example = scrub(text)
            if example:
                body["example"] = example
        target.submit(body, text)
    except Exception:  # noqa: BLE001 - analytics must never break a reply
        logger.exception("unmet-need report not recorded")
