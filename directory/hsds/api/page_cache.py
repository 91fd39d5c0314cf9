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
Errors are not cached. Only small pages (`per_page` ≤ 10: what a conversation asks for) are kept, at most
DIRECTORY_PAGE_CACHE_SIZE of them per process (LRU, default 256; 0 turns the cache off), and a new data
version empties the cache: memory stays bounded whatever is asked.

On PostgreSQL the snapshot changes with every commit on the server, also to other databases (Rasa's
tracker store): the cache then helps only between writes, e.g. at bursts of the same question. A
directory-only change signal (LISTEN/NOTIFY from triggers) would lift that; not done yet.
"""

import logging
import os
import threading
from collections import OrderedDict
from typing import Callable, Optional

from django.db import DatabaseError, connection
from django.utils import timezone
from rest_framework.response import Response

from .pagination import page_window

logger = logging.getLogger(__name__)

VERSION_TABLE = "hsds_data_version"
APP_TABLE_PREFIX = "hsds_"
LARGEST_PAGE = 10  # rows: bigger pages (staff tools, exports) are not kept


def capacity() -> int:
    """DIRECTORY_PAGE_CACHE_SIZE; the default when it is not a number (a typo must not break the API)."""
    try:
        return max(0, int(os.environ.get("DIRECTORY_PAGE_CACHE_SIZE", "256")))
    except ValueError:
        return 256


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
            if self._pages and next(reversed(self._pages))[0] != key[0]:
                self._pages.clear()  # the data changed: no older page can be asked for again
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
    if connection.in_atomic_block or not connection.get_autocommit():
        return None
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_current_snapshot()::text")
            elif connection.vendor == "sqlite":
                cursor.execute(f"SELECT counter FROM {VERSION_TABLE} WHERE id = 1")
            else:
                return None
            row = cursor.fetchone()
    except DatabaseError as error:  # e.g. not migrated yet: answer without the cache
        logger.warning("page cache off for this request: %s", error)
        return None
    return str(row[0]) if row else None


def cached(request, lang: str, build: Callable[[], Response]) -> Response:
    """`build()`'s page, or the same page built earlier for the same question, data and minute."""
    size = capacity()
    if not size or page_window(request.query_params)[1] > LARGEST_PAGE:
        return build()
    version = data_version()
    if version is None:
        return build()
    question = tuple(sorted((name, tuple(values)) for name, values in request.query_params.lists()))
    key = (version, timezone.localtime().strftime("%Y-%m-%dT%H:%M"), request.path, question, lang)
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
    tables, dropping their triggers) is covered: every `migrate` runs it again (apps.py); tests/directory/
    test_page_cache_triggers.py checks every table."""
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
