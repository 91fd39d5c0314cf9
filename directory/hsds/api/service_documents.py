"""Full service documents (the HSDS JSON of `GET /services?full=true`) kept per data version: a page of the
service list is then its ids and these documents, instead of ten queries and the rendering of what each
service nests (most of the time of a first ask at 10,000 services).

Each service's document is kept once, in the default language, as compact JSON (about 5 kB); its translations
(a few texts per language) beside it, and `negotiation.localized` makes the document of any content language
from the two, as the representations themselves do. They are keyed on the data version
(hsds/api/data_version.py): any write that commits, by any path, makes a new version, and documents of an
older one are never served. After a change, the documents of every service (up to DIRECTORY_SERVICE_DOCUMENTS,
default 20,000; 0 turns them off) are rendered again in a background thread once the data has stayed unchanged
for SETTLE_SECONDS, in batches, resting as long as each batch took (about 15 s at 10,000 services, half a core),
given up as soon as the data changes again; meanwhile a page renders what it shows from the database and keeps it.

A page served from documents is consistent: the data version is read again after the ids and documents were
taken, and if it moved, the page is rendered from the database.
"""

import json
import logging
import threading
import time
import uuid
from types import SimpleNamespace
from typing import Dict, List, Optional

from django.db import connection

from hsds import models as m

from . import data_version, loading, negotiation
from .representations import service

logger = logging.getLogger(__name__)

BATCH = 200  # services rendered per step of the background build
SETTLE_SECONDS = 2.0  # the data unchanged this long before the documents are rendered again


def capacity() -> int:
    return data_version.cache_size("DIRECTORY_SERVICE_DOCUMENTS", 20000)


class Documents:
    """The documents of one data version: {service id: JSON}, and {service id: {language: translation}}."""

    def __init__(self, version: Optional[str]) -> None:
        self.version = version
        self.json: Dict[uuid.UUID, bytes] = {}
        self.translations: Optional[Dict[uuid.UUID, Dict[str, SimpleNamespace]]] = None  # None: not read yet

    def document(self, service_id: uuid.UUID, lang: str) -> Optional[dict]:
        """The service's document in `lang`, or None when it is not held (yet)."""
        kept = self.json.get(service_id)
        if kept is None or self.translations is None:
            return None
        translation = None if negotiation.is_default(lang) else self.translations.get(service_id, {}).get(lang)
        return negotiation.localized(json.loads(kept), translation)

    def keep(self, service_id: uuid.UUID, document: dict) -> None:
        if len(self.json) < capacity():
            self.json[service_id] = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


_held = {"documents": Documents(None)}
_building = threading.Lock()


def for_request(request) -> Optional[Documents]:
    """The documents of the request's data version; None when there is none to trust, or while the documents of
    another version are held (then the current version's are read in the background)."""
    if not capacity():
        return None
    version = data_version.for_request(request)
    if version is None:
        return None
    documents = _held["documents"]
    if documents.version == version:
        return documents
    if _building.acquire(blocking=False):
        try:
            threading.Thread(target=_build, name="hsds-service-documents", daemon=True).start()
        except RuntimeError:  # no thread to be had: the next page tries again
            _building.release()
    return None


def _build() -> None:
    """Render every service's document for the current version (read first: the documents are never older than
    it); stops as soon as the version moves on. Runs with `_building` held, on this thread's own connection."""
    version = None
    try:
        version = data_version.current()
        if version is None or _held["documents"].version == version:
            return
        time.sleep(SETTLE_SECONDS)  # writes come in bursts (an import, a staff member's edits): wait until they stop
        if data_version.current() != version:
            return  # the next page starts another wait
        documents = Documents(version)
        _held["documents"] = documents  # pages of this version keep what they render from now on
        started = time.monotonic()
        documents.translations = _translations()
        last = None
        while len(documents.json) < capacity():
            batch = loading.service_queryset().order_by("id")
            rows = list((batch.filter(id__gt=last) if last is not None else batch)[:BATCH])
            if data_version.current() != version:
                return  # the next page asks for the new version's
            if not rows:
                break
            batch_started = time.monotonic()
            for row, document in zip(rows, render(rows)):
                documents.keep(row.id, document)
            last = rows[-1].id
            time.sleep(time.monotonic() - batch_started)  # half the time: the answers being worked out meanwhile come first
        data_version.keep_long_lived()
        logger.info("service documents ready: %d services in %.1f s", len(documents.json), time.monotonic() - started)
    except Exception:  # noqa: BLE001 - pages render from the database until the next attempt
        logger.exception("service documents could not be read")
        if _held["documents"].version == version:
            _held["documents"] = Documents(None)  # not left half read: the next page starts another build
    finally:
        try:
            connection.close()
        finally:
            _building.release()


def _translations() -> Dict[uuid.UUID, Dict[str, SimpleNamespace]]:
    fields = ("service_id", "language", *negotiation.TRANSLATED_TEXTS, "required_documents")
    translations: Dict[uuid.UUID, Dict[str, SimpleNamespace]] = {}
    for row in m.ServiceTranslation.objects.values(*fields):
        translations.setdefault(row["service_id"], {})[row["language"]] = SimpleNamespace(**row)
    return translations


def render(rows) -> List[dict]:
    """Full documents of service rows in the default language; what they nest, their categories and changes
    loaded in a fixed number of queries."""
    ids = [s.id for s in rows]
    loading.load_full_relations(rows)
    attributes = loading.attributes_by_link("service", ids)
    changes = loading.changes_by_record(ids)
    return [service(s, full=True, attributes=attributes.get(s.id, []), changes=changes.get(s.id, [])) for s in rows]


def rendered(rows, lang: str) -> List[dict]:
    """Full documents of service rows (loaded with their `lang` translation, loading.service_queryset) in `lang`."""
    return [negotiation.localized(document, negotiation.translation_of(row, lang)) for row, document in zip(rows, render(rows))]


class Held(SimpleNamespace):
    """A row of a page taken whole from the documents (`held_rows`): its id and its document."""


def held_rows(request, ids: List[uuid.UUID], lang: str, version: str) -> Optional[List[Held]]:
    """The page's rows as documents, when all are held for `version` and it is still the current one; else None."""
    documents = for_request(request)
    if documents is None or documents.version != version:
        return None
    shown = [documents.document(i, lang) for i in ids]
    if any(document is None for document in shown) or data_version.current() != version:
        return None
    return [Held(id=i, document=document) for i, document in zip(ids, shown)]


def full_page(request, rows, lang: str) -> List[dict]:
    """Full documents of the page's rows in `lang`: held ones where there are, the others rendered (and kept).
    If the data changed meanwhile, the page is rendered from the database."""
    if rows and all(isinstance(row, Held) for row in rows):
        return [row.document for row in rows]
    documents = for_request(request)
    if documents is None:
        return rendered(rows, lang)
    shown = [documents.document(row.id, lang) for row in rows]
    missing = [row for row, document in zip(rows, shown) if document is None]
    fresh = dict(zip((row.id for row in missing), render(missing))) if missing else {}
    if data_version.current() != documents.version:
        return rendered(rows, lang)
    for service_id, document in fresh.items():
        documents.keep(service_id, document)
    return [document if document is not None else negotiation.localized(fresh[row.id], negotiation.translation_of(row, lang)) for row, document in zip(rows, shown)]
