"""Which directory data is current: a value that changes whenever a write to any table of the app commits, by
any path (the admin, the write API, bulk imports, raw SQL), and only then. Caches key on it
(hsds/api/page_cache.py).

- SQLite: a counter row, bumped inside the writing transaction by triggers on every table of the app.
- PostgreSQL: statement-level triggers send `NOTIFY hsds_data_changed`, which PostgreSQL delivers only when
  the transaction commits; each process keeps one listening connection (a daemon thread) and counts the
  notifications. No row is locked, so writers never wait for each other. A change is seen as soon as its
  notification arrives (milliseconds); while the listener is not connected there is no version (no cache).
`install_triggers` runs after every `migrate` (apps.py), so a table a migration adds or remakes (SQLite's
ALTER TABLE copies tables, dropping their triggers) is covered; tests/directory/test_page_cache_triggers.py
checks every table.
"""

import logging
import os
import select
import threading
import time
from typing import Optional

from django.db import DatabaseError, connection, connections

logger = logging.getLogger(__name__)

VERSION_TABLE = "hsds_data_version"
APP_TABLE_PREFIX = "hsds_"
CHANNEL = "hsds_data_changed"
RECONNECT_SECONDS = 1.0


def current() -> Optional[str]:
    """The data's version now; None when there is none to trust (inside a transaction, which may see its own
    uncommitted writes; the listener not connected; another database; not migrated)."""
    if connection.in_atomic_block or not connection.get_autocommit():
        return None
    if connection.vendor == "postgresql":
        return Listener.for_this_process().version()
    if connection.vendor != "sqlite":
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT counter FROM {VERSION_TABLE} WHERE id = 1")
            row = cursor.fetchone()
    except DatabaseError as error:
        logger.warning("no data version (page cache off): %s", error)
        return None
    return str(row[0]) if row else None


class Listener:
    """One per process (a forked worker starts its own): LISTENs on its own connection and counts changes."""

    _instance: Optional["Listener"] = None
    _instance_lock = threading.Lock()

    def __init__(self) -> None:
        self.pid = os.getpid()
        self._lock = threading.Lock()
        self._generation = 0
        self._listening = False
        threading.Thread(target=self._run, name="hsds-data-version", daemon=True).start()

    @classmethod
    def for_this_process(cls) -> "Listener":
        with cls._instance_lock:
            if cls._instance is None or cls._instance.pid != os.getpid():
                cls._instance = cls()
            return cls._instance

    def version(self) -> Optional[str]:
        with self._lock:
            return f"{self.pid}:{self._generation}" if self._listening else None

    def _changed(self, listening: bool) -> None:
        with self._lock:
            self._generation += 1  # also on (re)connecting: changes may have been missed meanwhile
            self._listening = listening

    def _run(self) -> None:
        own = connections.create_connection("default")  # never shared with a request
        while True:
            try:
                own.ensure_connection()
                raw = own.connection
                raw.autocommit = True
                with raw.cursor() as cursor:
                    cursor.execute(f"LISTEN {CHANNEL}")
                self._changed(listening=True)
                while True:
                    if select.select([raw], [], [], 30)[0] == []:
                        with raw.cursor() as cursor:
                            cursor.execute("SELECT 1")  # a dead connection shows itself here
                    raw.poll()
                    if raw.notifies:
                        raw.notifies.clear()
                        self._changed(listening=True)
            except Exception as error:  # any failure: no version until listening again
                self._changed(listening=False)
                logger.warning("data version listener reconnecting: %s", error)
                try:
                    own.close()
                except Exception:  # noqa: BLE001 - already broken
                    pass
                time.sleep(RECONNECT_SECONDS)


def install_triggers(database) -> None:
    """On every table of the app, triggers that change the data version on any insert, update or delete
    (SQLite: bump the counter row; PostgreSQL: NOTIFY). `database`: a connection. Idempotent."""
    vendor = database.vendor
    if vendor not in ("sqlite", "postgresql"):
        return
    with database.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE %s", [APP_TABLE_PREFIX + "%"])
        else:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename LIKE %s", [APP_TABLE_PREFIX + "%"])
        tables = [name for (name,) in cursor.fetchall() if name != VERSION_TABLE]
        if vendor == "sqlite":
            cursor.execute(f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (id integer PRIMARY KEY, counter integer NOT NULL)")
            cursor.execute(f"INSERT OR IGNORE INTO {VERSION_TABLE} (id, counter) VALUES (1, 0)")
            for table in tables:
                for event in ("INSERT", "UPDATE", "DELETE"):
                    cursor.execute(
                        f'CREATE TRIGGER IF NOT EXISTS "{table}_bumps_version_{event.lower()}" AFTER {event} ON "{table}" ' f"BEGIN UPDATE {VERSION_TABLE} SET counter = counter + 1 WHERE id = 1; END"
                    )
            return
        cursor.execute(f"CREATE OR REPLACE FUNCTION {CHANNEL}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('{CHANNEL}', ''); RETURN NULL; END $$")
        for table in tables:
            cursor.execute(f'CREATE OR REPLACE TRIGGER "{table}_notifies_change" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION {CHANNEL}()')
