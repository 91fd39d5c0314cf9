"""The action server's side, in process: scrubbing, the report's content, and that reporting never
delays or breaks the user's reply (analytics endpoint hanging, refusing, failing)."""

import asyncio
import json
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import services as services_module
from actions import unmet_needs
from actions.fallback import ActionFallback
from actions.services import ActionFindServices
from actions.directory_client import DirectoryUnavailable


SENDER = "sender-7f3c9a1e-do-not-store"
PERSONAL = "call me on +44 20 7946 0123 or ۰۹۱۲۳۴۵۶۷۸۹, write to amina.k@example.org, see https://example.org/x?id=5 @amina_k id 123456"


def test_scrub_removes_numbers_emails_links_and_handles():
    """The rules of contracts/scrub.py: the action server's before it reports, the directory's again."""
    scrub = unmet_needs.scrub
    cleaned = scrub(PERSONAL)
    assert not re.search(r"\d", cleaned), cleaned
    for leak in ("amina.k", "example.org", "@amina_k", "https", "7946", "۰۹۱"):
        assert leak not in cleaned, (leak, cleaned)
    assert cleaned == "call me on [number] or [number], write to [email], see [link] [handle] id [number]"
    assert scrub("x" * 500) == "x" * 200
    persian = "می‌خواهم   درباره\nبیمه بپرسم"  # the zero-width non-joiner belongs to Persian spelling
    assert scrub(persian) == "می‌خواهم درباره بیمه بپرسم"
    assert scrub("٠١٢٣ ٤٥٦٧ hola") == "[number] hola"


def test_iso_week():
    import datetime

    assert unmet_needs.iso_week(datetime.datetime(2026, 11, 26)) == "2026-W48"
    assert unmet_needs.iso_week(datetime.datetime(2027, 1, 1)) == "2026-W53"
    assert re.fullmatch(r"\d{4}-W\d{2}", unmet_needs.iso_week())


def tracker(intent: str, text: str, language: str, entities=None) -> Tracker:
    latest = {"intent": {"name": intent, "confidence": 0.2}, "entities": entities or [], "text": text}
    events = [{"event": "user", "text": text, "parse_data": latest}, {"event": "slot", "name": "language", "value": language}]
    return Tracker(SENDER, {"language": language}, latest, events, False, None, {}, "action_listen")


class Endpoint:
    """A fake analytics endpoint: records requests; behaviour per request from `script` (then 201)."""

    def __init__(self, script=(), neighbourhoods=None):
        outer = self
        self.script, self.requests, self.name_requests = list(script), [], 0

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - /analytics/neighbourhoods, when the test gives names
                outer.name_requests += 1
                body = json.dumps({"neighbourhoods": neighbourhoods}).encode()
                self.send_response(200 if neighbourhoods is not None and self.path == "/analytics/neighbourhoods" else 404)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.requests.append((dict(self.headers), json.loads(body)))
                action = outer.script.pop(0) if outer.script else 201
                if action == "hang":
                    time.sleep(5)
                    action = 201
                self.send_response(action)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/analytics/unmet-needs"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def use_reporter(monkeypatch):
    """Point the process's reporter at `url` (short timeouts, fast retries) with analytics on."""

    def point_at(url: str, **options):
        monkeypatch.setenv("DIRECTORY_ANALYTICS_TOKEN", "unit-token")
        reporter = unmet_needs.Reporter(url, "unit-token", **{"read_timeout": 0.5, "backoff": 0.05, **options})
        monkeypatch.setattr(unmet_needs, "_reporter", reporter)
        return reporter

    return point_at


class StubDirectory:
    """Answers every search with no service, or fails like an unreachable directory."""

    def __init__(self, fail: bool = False):
        self.fail, self.searched = fail, []

    def search_services(self, term, per_page=3, **query):  # lang, near: as the real client
        self.searched.append(term)
        if self.fail:
            raise DirectoryUnavailable("HTTP 500 from services")
        return []

    def places(self):  # as the real client: the directory's neighbourhoods and other names, postal codes (none here)
        if self.fail:
            raise DirectoryUnavailable("HTTP 500 from regions")
        return {}, []


def run(action, tracker_):
    dispatcher = CollectingDispatcher()

    async def timed():
        started = time.monotonic()
        await action.run(dispatcher, tracker_, {})
        return time.monotonic() - started

    seconds = asyncio.run(timed())
    return [m["response"] for m in dispatcher.messages], seconds


def test_fallback_reports_week_language_outcome_and_a_scrubbed_example_only(use_reporter):
    endpoint = Endpoint()
    try:
        reporter = use_reporter(endpoint.url)
        replies, _ = run(ActionFallback(), tracker("nlu_fallback", f"asdf qwer {PERSONAL}", "fa"))
        assert replies == ["utter_fallback"]
        assert reporter.drain()
        [(headers, body)] = endpoint.requests
        assert headers["Authorization"] == "Bearer unit-token"
        assert set(body) == {"week", "language", "category", "need", "neighbourhood", "outcome", "example"}
        assert body["week"] == unmet_needs.iso_week() and body["language"] == "fa" and body["outcome"] == "fallback"
        assert body["category"] == body["need"] == body["neighbourhood"] == ""
        assert body["example"].startswith("asdf qwer call me on [number]") and not re.search(r"\d", body["example"])
        assert SENDER not in json.dumps(body) and SENDER not in json.dumps(headers)
    finally:
        endpoint.close()


def test_no_service_reports_category_and_sub_need_without_text(use_reporter, monkeypatch):
    endpoint, empty = Endpoint(), StubDirectory()
    try:
        reporter = use_reporter(endpoint.url)
        monkeypatch.setattr(services_module, "_client", empty)
        need = [{"entity": "need", "value": "health-dentist"}]
        replies, _ = run(ActionFindServices(), tracker("find_health", "busco dentista 612345678", "es", need))
        assert replies == ["utter_no_services"] and empty.searched == ["health-dentist", "health"]
        assert reporter.drain()
        [(_, body)] = endpoint.requests
        assert body == {"week": unmet_needs.iso_week(), "language": "es", "category": "health", "need": "health-dentist", "neighbourhood": "", "outcome": "no_service"}
    finally:
        endpoint.close()


def test_directory_unavailable_is_not_an_unmet_need(use_reporter, monkeypatch):
    endpoint = Endpoint()
    try:
        reporter = use_reporter(endpoint.url)
        monkeypatch.setattr(services_module, "_client", StubDirectory(fail=True))
        replies, _ = run(ActionFindServices(), tracker("find_housing", "necesito un piso", "es"))
        assert replies == ["utter_directory_unavailable"]
        assert reporter.drain() and endpoint.requests == []
    finally:
        endpoint.close()


def test_analytics_off_without_a_token(monkeypatch):
    monkeypatch.delenv("DIRECTORY_ANALYTICS_TOKEN", raising=False)
    monkeypatch.setattr(unmet_needs, "_reporter", None)
    assert run(ActionFallback(), tracker("nlu_fallback", "zzz", "en"))[0] == ["utter_fallback"]
    assert unmet_needs._reporter is None


def hanging_port():
    """Accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(50)
    return listener


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("failure", ["hangs", "refused", "error500"])
def test_a_failing_endpoint_never_delays_or_breaks_the_reply(use_reporter, failure):
    listener = hanging_port() if failure == "hangs" else None
    endpoint = Endpoint(script=[500] * 10) if failure == "error500" else None
    url = {
        "hangs": f"http://127.0.0.1:{listener.getsockname()[1] if listener else 0}/analytics/unmet-needs",
        "refused": f"http://127.0.0.1:{closed_port()}/analytics/unmet-needs",
        "error500": endpoint.url if endpoint else "",
    }[failure]
    try:
        reporter = use_reporter(url, read_timeout=1.0)
        for _ in range(5):
            replies, seconds = run(ActionFallback(), tracker("nlu_fallback", "qqqq wwww", "fa"))
            assert replies == ["utter_fallback"] and seconds < 0.2, (failure, seconds)
        assert reporter.drain(timeout=30)
        assert reporter.sent == 0 and reporter.dropped == 5
    finally:
        if listener:
            listener.close()
        if endpoint:
            endpoint.close()


def test_resent_only_when_certainly_not_counted(use_reporter):
    """503 (the directory counted nothing) is retried; a read timeout (it may have counted) is not."""
    endpoint = Endpoint(script=[503, 503, 201, "hang"])
    try:
        reporter = use_reporter(endpoint.url, read_timeout=0.5)
        run(ActionFallback(), tracker("nlu_fallback", "first", "en"))
        assert reporter.drain()
        assert len(endpoint.requests) == 3 and reporter.sent == 1
        run(ActionFallback(), tracker("nlu_fallback", "second", "en"))
        assert reporter.drain()
        assert len(endpoint.requests) == 4 and reporter.sent == 1 and reporter.dropped == 1
    finally:
        endpoint.close()


def test_a_full_queue_drops_instead_of_waiting(use_reporter):
    listener = hanging_port()
    try:
        reporter = use_reporter(f"http://127.0.0.1:{listener.getsockname()[1]}/x", capacity=2, read_timeout=3.0)
        started = time.monotonic()
        for _ in range(20):
            unmet_needs.report(tracker("nlu_fallback", "x", "en"), unmet_needs.FALLBACK, language="en")
        assert time.monotonic() - started < 0.2
        assert reporter.dropped >= 17
    finally:
        listener.close()


def test_a_neighbourhood_named_in_the_message_is_reported(use_reporter, monkeypatch):
    """Names come from the directory (fetched once, cached); matched without case or accents, whole words only."""
    endpoint = Endpoint(neighbourhoods=["Old Harbour", "Eastgate", "Zürich Nord"])
    try:
        reporter = use_reporter(endpoint.url)
        monkeypatch.setattr(services_module, "_client", StubDirectory())
        run(ActionFallback(), tracker("nlu_fallback", "qwerty in OLD  harbour", "en"))
        run(ActionFindServices(), tracker("find_housing", "busco piso cerca de zurich nord", "es"))
        run(ActionFindServices(), tracker("find_housing", "busco piso en Eastgates", "es"))  # not a whole word
        assert reporter.drain()
        assert [body["neighbourhood"] for _, body in endpoint.requests] == ["Old Harbour", "Zürich Nord", ""]
        assert endpoint.name_requests == 1
    finally:
        endpoint.close()


def test_a_search_near_a_shared_location_sends_the_point_for_the_directory_to_map(use_reporter, monkeypatch):
    endpoint = Endpoint()  # no names endpoint: the report still goes, without a named neighbourhood
    try:
        reporter = use_reporter(endpoint.url)
        monkeypatch.setattr(services_module, "_client", StubDirectory())
        share = tracker("share_location", '/share_location{"latitude": 47.053, "longitude": 8.119}', "fr", [{"entity": "latitude", "value": 47.053}, {"entity": "longitude", "value": 8.119}])
        share.slots.update({"search_category": "housing", "search_need": None})
        replies, _ = run(ActionFindServices(), share)
        assert replies == ["utter_no_services"]
        assert reporter.drain()
        [(_, body)] = endpoint.requests
        assert body["near"] == {"latitude": 47.053, "longitude": 8.119} and body["neighbourhood"] == ""
        assert body["category"] == "housing" and body["language"] == "fr"
    finally:
        endpoint.close()
