"""`make bench`: the directory's own figures, searches a user's questions make at 10,000 services and the
number of SQL queries a page costs (scripts/benchmark.py puts them in docs/benchmarks.md)."""

import json
import os
import subprocess
import time
from typing import Dict

import requests

from bench_measures import ROOT, SEARCHES
from bench_page import percentile
from servers import VENV_BIN


DOCUMENTS_READY = "service documents ready"  # hsds/api/service_documents.py logs it when all are rendered


def wait_for_documents(api: str, session, log_path, timeout: float = 180) -> None:
    """Ask once (the directory then reads its ranking facts and renders every service's document in the
    background) and wait until the documents are ready: the figures are those of a directory that has
    settled, as it is a few seconds after start or after a change ("after a change" is measured apart)."""
    seen = log_path.read_text(errors="replace").count(DOCUMENTS_READY) if log_path.exists() else 0
    session.get(f"{api}/services", params={"full": "true", "rank": "relevance", "per_page": 3}, timeout=30).raise_for_status()
    deadline = time.monotonic() + timeout
    while log_path.read_text(errors="replace").count(DOCUMENTS_READY) <= seen:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the directory's service documents were not ready after {timeout:.0f} s (see {log_path})")
        time.sleep(0.2)


def directory_searches(api: str, log_path) -> Dict[str, Dict[str, float]]:
    shapes = {
        "action's query: `taxonomy_term_id=health&status=active&per_page=3&full=true`": {"taxonomy_term_id": "health", "status": "active", "per_page": 3, "full": "true"},
        "sub-need: `taxonomy_term_id=health-dentist&status=active&per_page=3&full=true`": {"taxonomy_term_id": "health-dentist", "status": "active", "per_page": 3, "full": "true"},
        # What a service question and its follow-ups ask (actions/directory_client.py): ranked, filtered, paged.
        "service question: `taxonomy_term_id=health-doctor&rank=relevance&lang=ar` (+ status, per_page=3, full)": {
            "taxonomy_term_id": "health-doctor",
            "status": "active",
            "per_page": 3,
            "full": "true",
            "rank": "relevance",
            "lang": "ar",
        },
        "category question: `taxonomy_term_id=health&rank=relevance&lang=ar`": {"taxonomy_term_id": "health", "status": "active", "per_page": 3, "full": "true", "rank": "relevance", "lang": "ar"},
        "follow-up: `... &language=ti&open=sa`": {
            "taxonomy_term_id": "health-doctor",
            "status": "active",
            "per_page": 3,
            "full": "true",
            "rank": "relevance",
            "lang": "en",
            "language": "ti",
            "open": "sa",
        },
        "follow-up: `... &region=Eastgate`": {"taxonomy_term_id": "housing", "status": "active", "per_page": 3, "full": "true", "rank": "relevance", "lang": "en", "region": "Eastgate"},
        "more: `taxonomy_term_id=employment&rank=relevance&page=2`": {
            "taxonomy_term_id": "employment",
            "status": "active",
            "per_page": 3,
            "full": "true",
            "rank": "relevance",
            "lang": "uk",
            "page": 2,
        },
        "text search: `search=clinic&per_page=20`": {"search": "clinic", "per_page": 20},
        "a page of 100 full services: `per_page=100&full=true`": {"per_page": 100, "full": "true"},
    }
    results = {}
    with requests.Session() as session:
        wait_for_documents(api, session, log_path)

        def timed(query: dict) -> float:
            started = time.perf_counter()
            session.get(f"{api}/services", params=query, timeout=30).raise_for_status()
            return time.perf_counter() - started

        for label, query in shapes.items():
            session.get(f"{api}/services", params=query, timeout=30).raise_for_status()
            # Asked again (the next newcomer with the same question this minute: the page cache answers) and asked
            # first (the same work, a later page of the same list nobody asked for yet: worked out in the database).
            again = [timed(query) for _ in range(SEARCHES)]
            first = [timed({**query, "page": int(query.get("page", 1)) + 1 + n}) for n in range(SEARCHES)]
            results[label] = {"p50": percentile(again, 50), "p95": percentile(again, 95), "first_p50": percentile(first, 50), "first_p95": percentile(first, 95)}
    return results


def after_a_change(api: str, database_url: str) -> Dict[str, float]:
    """The first ranked question after a write to the directory: the ranking facts are read again (ranking_facts.py)
    and nothing is cached. Each time one service is saved unchanged (the triggers see a write) straight into the
    SQLite file, as an import or another process would."""
    import sqlite3

    path = database_url[len("sqlite:///") :]
    query = {"taxonomy_term_id": "health", "status": "active", "per_page": 3, "full": "true", "rank": "relevance", "lang": "ar"}
    timings = []
    with requests.Session() as session:
        for n in range(10):
            with sqlite3.connect(path) as database:
                database.execute("UPDATE hsds_service SET name = name WHERE id = (SELECT id FROM hsds_service ORDER BY id LIMIT 1)")
            started = time.perf_counter()
            session.get(f"{api}/services", params={**query, "page": 1 + n}, timeout=30).raise_for_status()
            timings.append(time.perf_counter() - started)
    return {"p50": percentile(timings, 50), "p95": percentile(timings, 95)}


QUERY_COUNT_SNIPPET = """
import json, os, sys
sys.path.insert(0, 'directory'); os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'directory_site.settings')
import django; django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client = Client(HTTP_HOST='localhost')
counts = {}
for per_page in (3, 30, 100):
    with CaptureQueriesContext(connection) as queries:
        assert client.get('/api/services', {'per_page': per_page, 'full': 'true'}).status_code == 200
    counts[per_page] = len(queries)
print(json.dumps(counts))
"""


def query_counts(database_url: str) -> Dict[str, int]:
    # The work's queries: the page cache and the service documents (service_documents.py) would answer from memory.
    environment = {**os.environ, "DATABASE_URL": database_url, "DIRECTORY_PAGE_CACHE_SIZE": "0", "DIRECTORY_SERVICE_DOCUMENTS": "0"}
    output = subprocess.run([str(VENV_BIN / "python"), "-c", QUERY_COUNT_SNIPPET], cwd=ROOT, env=environment, capture_output=True, text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])
