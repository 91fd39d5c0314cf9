"""Pages of the public service list, kept in the process while the directory stays as it was and the minute
lasts: the same question from the next newcomer is answered without working the list out again. Beside them,
the reference data questions look up (`remembered`: a term by its code, the terms below it, a neighbourhood's
existence), kept while the data stays as it was.

A page depends on the data and, through `open=` and the relevance order, on the minute in the city's time
zone; the key holds both: the data's version (hsds/api/data_version.py: it changes when any write to the
directory commits, by any path), read before the page is worked out, so a page is never filed under a newer
version than its data; the local minute; the path with its parameters (sorted) and the content language
(`lang` or Accept-Language). Inside a transaction nothing is cached or served.
Errors are not cached. Only small pages (`per_page` ≤ 10: what a conversation asks for) are kept, at most
DIRECTORY_PAGE_CACHE_SIZE of them per process (LRU, default 256; 0 turns the cache off), and a new data
version empties the cache: memory stays bounded whatever is asked.
"""

import logging
import threading
from collections import OrderedDict
from typing import Any, Callable, Optional

from django.utils import timezone
from rest_framework.response import Response

from . import data_version
from .pagination import page_window

logger = logging.getLogger(__name__)

LARGEST_PAGE = 10  # rows: bigger pages (staff tools, exports) are not kept


def capacity() -> int:
    return data_version.cache_size("DIRECTORY_PAGE_CACHE_SIZE", 256)


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


def cached(request, lang: str, build: Callable[[], Response]) -> Response:
    """`build()`'s page, or the same page built earlier for the same question, data and minute."""
    size = capacity()
    if not size or page_window(request.query_params)[1] > LARGEST_PAGE:
        return build()
    version = data_version.for_request(request)
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


MEMO_SIZE = 1024  # values kept per data version (reference lookups: a few per kind of question)
_memo: dict = {"version": None, "values": {}}
_memo_lock = threading.Lock()


def remembered(request, key: tuple, compute: Callable[[], Any]) -> Any:
    """`compute()` worked out once per data version in this process: reference data most questions look up again
    (a term by its code, the terms below it, whether a neighbourhood exists), kept with the pages (off with them).
    Worked out every time without a version. Values are shared between requests: give immutable ones (tuples,
    frozensets) or leave them unchanged."""
    version = data_version.for_request(request) if capacity() else None
    if version is None:
        return compute()
    with _memo_lock:
        if _memo["version"] != version:
            _memo.update(version=version, values={})
        values = _memo["values"]
        if key in values:
            return values[key]
    value = compute()  # read after the version: never older than it
    with _memo_lock:
        if _memo["version"] == version and len(values) < MEMO_SIZE:
            values[key] = value
    return value
