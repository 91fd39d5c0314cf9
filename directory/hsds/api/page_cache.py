"""Pages of the public service list, kept in the process while the directory stays as it was and the minute
lasts: the same question from the next newcomer is answered without working the list out again.

A page depends on the data and, through `open=` and the relevance order, on the minute in the city's time
zone; the cache key holds both, so nothing is ever served stale:
- **which data**: on PostgreSQL the database snapshot (`pg_current_snapshot()`: it changes when any
  transaction commits, so a page can only be found again while no write has committed since); on SQLite a
  version number every write to a directory table bumps (triggers installed by `install_triggers`, on
  every table of the app: the admin, the write API, bulk imports and raw SQL all go through them). The
  key is read before the page, so a page is never newer-keyed than its data;
- inside a transaction nothing is cached or served (it may see its own uncommitted writes);
- the path with its query, the content language (`lang` or Accept-Language) and the local minute.
Errors are not cached. DIRECTORY_PAGE_CACHE_SIZE pages per process (LRU, default 512; 0 turns it off).
"""

import os
import threading
from collections import OrderedDict
from typing import Callable, Optional

from django.db import connection
from django.utils import timezone
from rest_framework.response import Response

VERSION_TABLE = "hsds_data_version"
APP_TABLE_PREFIX = "hsds_"


def capacity() -> int:
    return max(0, int(os.environ.get("DIRECTORY_PAGE_CACHE_SIZE", "512")))


class Pages:
    """A thread-safe LRU of (data, headers) by key."""

    def __init__(self) -> None:
        self._pages: "OrderedDict[tuple, tuple]" = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Optional[tuple]:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: tuple, page: tuple, size: int) -> None:
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > size:
                self._pages.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()


PAGES = Pages()


def data_version() -> Optional[str]:
    """What identifies the committed data now; None when pages must not be cached (inside a transaction,
    another database, or SQLite without the version table)."""
    if connection.in_atomic_block:
        return None
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_current_snapshot()::text")
        elif connection.vendor == "sqlite":
            cursor.execute(f"SELECT counter FROM {VERSION_TABLE} WHERE id = 1")
        else:
            return None
        row = cursor.fetchone()
    return str(row[0]) if row else None


def cached(request, lang: str, build: Callable[[], Response]) -> Response:
    """`build()`'s page, or the same page built earlier for the same question, data and minute."""
    size = capacity()
    version = data_version() if size else None
    if version is None:
        return build()
    key = (version, timezone.localtime().strftime("%Y-%m-%dT%H:%M"), request.get_full_path(), lang)
    page = PAGES.get(key)
    if page is not None:
        data, headers = page
        return Response(data, headers=headers)
    response = build()
    if response.status_code == 200:
        PAGES.put(key, (response.data, dict(response.items())), size)
    return response


def install_triggers(schema_editor) -> None:
    """SQLite: the version table and, on every table of the app, triggers that bump it on any insert,
    update or delete. Idempotent: a migration that adds or remakes a table (SQLite's ALTER TABLE copies
    tables, dropping their triggers) calls it again; tests/directory/test_page_cache.py checks every table."""
    if schema_editor.connection.vendor != "sqlite":
        return
    execute = schema_editor.execute
    execute(f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (id integer PRIMARY KEY, counter integer NOT NULL)")
    execute(f"INSERT OR IGNORE INTO {VERSION_TABLE} (id, counter) VALUES (1, 0)")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE ?", [APP_TABLE_PREFIX + "%"])
        tables = [name for (name,) in cursor.fetchall() if name != VERSION_TABLE]
    for table in tables:
        for event in ("INSERT", "UPDATE", "DELETE"):
            execute(f'CREATE TRIGGER IF NOT EXISTS "{table}_bumps_version_{event.lower()}" AFTER {event} ON "{table}" ' f"BEGIN UPDATE {VERSION_TABLE} SET counter = counter + 1 WHERE id = 1; END")
