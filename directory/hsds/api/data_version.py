"""Which directory data is current: a value that changes whenever a write to any table of the app commits, by
any path (the admin, the write API, bulk imports, raw SQL), and only then. Caches key on it
(hsds/api/page_cache.py).

- SQLite: a counter row, bumped inside the writing transaction by triggers on every table of the app, with a
  random token of the database file.
- PostgreSQL: statement-level triggers send `NOTIFY hsds_data_changed`, which PostgreSQL delivers only when
  the transaction commits; each process keeps one listening connection (a daemon thread) and counts the
  notifications. No row is locked, so writers never wait for each other. A change another process makes is
  seen as soon as its notification arrives (milliseconds); one this process saves through the ORM, at once
  (`changed_here`). While the listener is not connected there is no version (no cache).
`install_triggers` runs after every `migrate` (apps.py), so a table a migration adds or remakes (SQLite's
ALTER TABLE copies tables, dropping their triggers) is covered; tests/directory/test_page_cache_triggers.py
checks every table.
"""

import gc
import logging
import os
import select
import threading
import time
from typing import Optional

from django.db import DatabaseError, connection, connections, transaction

logger = logging.getLogger(__name__)

VERSION_TABLE = "hsds_data_version"
APP_TABLE_PREFIX = "hsds_"
CHANNEL = "hsds_data_changed"
LISTENER_NAME = "hsds-data-version"  # its connections' application_name (pg_stat_activity)


_warned: list = []


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
            cursor.execute(f"SELECT token || ':' || counter FROM {VERSION_TABLE} WHERE id = 1")
            row = cursor.fetchone()
    except DatabaseError as error:  # not migrated: say it once, answer without the caches
        if not _warned:
            _warned.append(True)
            logger.warning("no data version (page cache off until `migrate` runs): %s", error)
        return None
    return row[0] if row and row[0] else None


def keep_long_lived() -> None:
    """Leave what was just read for a version (ranking facts, service documents: hundreds of thousands of objects at
    10,000 services) out of the garbage collector's full passes, which otherwise pause a request for 100 ms or more
    every few hundred requests. What an earlier call froze is let go first and unreachable objects collected (a
    build thread's connection, requests in flight: cycles that would otherwise be kept for good)."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def cache_size(variable: str, default: int) -> int:
    """The size of a cache keyed on the version, from the environment (0: off); the default when it is not a number
    (a typo must not break the API)."""
    try:
        return max(0, int(os.environ.get(variable, str(default))))
    except ValueError:
        return default


def for_request(request) -> Optional[str]:
    """`current()` read once per request (the page cache and the ranking facts both key on it)."""
    if not hasattr(request, "_data_version"):
        request._data_version = current()
    return request._data_version


class Listener:
    """One per process (a forked worker starts its own): LISTENs on a connection of its own and counts changes.

    The connection has TCP keepalives and a statement timeout, and is probed every PROBE_SECONDS: a connection
    that died silently gives no version after at most STALE_SECONDS (then reconnects). Listening also requires
    the triggers on every table of the app (a database not yet migrated gives no version)."""

    PROBE_SECONDS, STALE_SECONDS, LONGEST_WAIT = 10.0, 30.0, 30.0
    _instance: Optional["Listener"] = None
    _instance_lock = threading.Lock()

    def __init__(self) -> None:
        self.pid = os.getpid()
        self._lock = threading.Lock()
        self._generation = 0
        self._listening = False
        self._confirmed = 0.0  # monotonic time the connection last answered
        threading.Thread(target=self._run, name=LISTENER_NAME, daemon=True).start()

    @classmethod
    def for_this_process(cls) -> "Listener":
        with cls._instance_lock:
            if cls._instance is None or cls._instance.pid != os.getpid():
                cls._instance = cls()
            return cls._instance

    def version(self) -> Optional[str]:
        with self._lock:
            fresh = time.monotonic() - self._confirmed < self.STALE_SECONDS
            return f"{self.pid}:{self._generation}" if self._listening and fresh else None

    def bump(self) -> None:
        """A change this process committed itself: seen at once, before its notification comes back."""
        with self._lock:
            self._generation += 1

    def _set(self, listening: bool) -> None:
        with self._lock:
            self._generation += 1  # also on (re)connecting: changes may have been missed meanwhile
            self._listening = listening
            self._confirmed = time.monotonic()

    def _connect(self):
        import psycopg2

        params = connections["default"].get_connection_params()
        params.pop("cursor_factory", None)
        params["options"] = f"{params.get('options', '')} -c statement_timeout=5000".strip()
        return psycopg2.connect(**params, application_name=LISTENER_NAME, connect_timeout=5, keepalives=1, keepalives_idle=10, keepalives_interval=5, keepalives_count=3)

    def _listen(self, raw) -> None:
        raw.autocommit = True
        with raw.cursor() as cursor:
            cursor.execute(f"LISTEN {CHANNEL}")
            missing = tables_without_triggers(cursor)
        if missing:
            raise LookupError(f"no change triggers on {', '.join(missing[:3])} (run migrate)")
        self._set(listening=True)
        while True:
            if not select.select([raw], [], [], self.PROBE_SECONDS)[0]:
                with raw.cursor() as cursor:
                    cursor.execute("SELECT 1")  # a dead connection shows itself here
            raw.poll()
            with self._lock:
                self._confirmed = time.monotonic()
            if raw.notifies:
                raw.notifies.clear()
                self.bump()

    def _run(self) -> None:
        import psycopg2

        wait, failures = 1.0, 0
        while True:
            raw = None
            try:
                raw = self._connect()
                if failures:
                    logger.info("data version listener connected again")
                wait, failures = 1.0, 0
                self._listen(raw)
            except (psycopg2.Error, OSError, LookupError) as error:  # the database: reconnect, backing off
                self._set(listening=False)
                failures += 1
                (logger.warning if failures == 1 else logger.debug)("data version listener: %s; page cache off until it reconnects", error)
            except Exception:  # a bug: say so loudly, keep trying slowly
                self._set(listening=False)
                logger.exception("data version listener failed; page cache off")
                wait = self.LONGEST_WAIT
            finally:
                if raw is not None:
                    try:
                        raw.close()
                    except psycopg2.Error:
                        pass
            time.sleep(wait)
            wait = min(self.LONGEST_WAIT, wait * 2)


def tables_without_triggers(cursor) -> list:
    """PostgreSQL: the tables of the app that would change without a notification."""
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname LIKE %s AND c.relname <> %s"
        " AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = c.relname || '_notifies_change')",
        [APP_TABLE_PREFIX + "%", VERSION_TABLE],
    )
    return [name for (name,) in cursor.fetchall()]


def changed_here(**_) -> None:
    """A model of the app was saved or deleted in this process: once committed, PostgreSQL's version moves at
    once (the notification takes a few milliseconds more). SQLite's counter needs nothing."""
    if connection.vendor == "postgresql":
        transaction.on_commit(Listener.for_this_process().bump)


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
            # A token of this database file: another file (rebuilt, restored) never has the same version.
            cursor.execute(f"SELECT name FROM pragma_table_info('{VERSION_TABLE}')")
            if "token" not in {name for (name,) in cursor.fetchall()}:
                cursor.execute(f"ALTER TABLE {VERSION_TABLE} ADD COLUMN token text")
            cursor.execute(f"UPDATE {VERSION_TABLE} SET token = lower(hex(randomblob(8))) WHERE token IS NULL")
            for table in tables:
                for event in ("INSERT", "UPDATE", "DELETE"):
                    cursor.execute(
                        f'CREATE TRIGGER IF NOT EXISTS "{table}_bumps_version_{event.lower()}" AFTER {event} ON "{table}" ' f"BEGIN UPDATE {VERSION_TABLE} SET counter = counter + 1 WHERE id = 1; END"
                    )
            return
        cursor.execute(f"CREATE OR REPLACE FUNCTION {CHANNEL}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('{CHANNEL}', ''); RETURN NULL; END $$")
        for table in tables:
            cursor.execute(f'CREATE OR REPLACE TRIGGER "{table}_notifies_change" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION {CHANNEL}()')
