"""How far an import is: rows done out of all rows of the package, and what it is doing (its stage).

The importer calls `row_done()` for every row and `finish_sheet()` after each table; `show()` is
called every SHOW_EVERY rows and at each table's end. Subclasses show it: a bar on the command line
(ProgressBar), a small JSON file the staff import page polls (FileProgress). The base class shows
nothing, so an import without a listener pays only a counter.
"""

import json
import os
import sys
import time
from pathlib import Path

SHOW_EVERY = 50


class Progress:
    def __init__(self):
        self.total = 0
        self.done = 0
        self.stage = ""
        self._sheets_done = 0

    def start(self, total: int) -> None:
        self.total, self.done, self._sheets_done = total, 0, 0
        self.show()

    def set_stage(self, stage: str) -> None:
        self.stage = stage

    def row_done(self) -> None:
        self.done += 1
        if self.done % SHOW_EVERY == 0:
            self.show()

    def finish_sheet(self, rows: int) -> None:
        self._sheets_done += rows
        self.done = self._sheets_done
        self.show()

    def show(self) -> None:
        pass

    def close(self) -> None:
        pass


class ProgressBar(Progress):
    """`stage [########------]  12,345/60,000 rows` on one line of `stream`, redrawn at most 10 times a second."""

    WIDTH = 30

    def __init__(self, stream=None):
        super().__init__()
        self.stream = stream or sys.stderr
        self._shown_at = 0.0
        self._drawn = False

    def show(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._shown_at < 0.1 and self.done < self.total:
            return
        self._shown_at = now
        filled = int(self.WIDTH * self.done / self.total) if self.total else self.WIDTH
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(f"\r{self.stage:<22.22} [{bar}] {self.done:>7,}/{self.total:,} rows")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self.show(force=True)
            self.stream.write("\n")
            self.stream.flush()


class FileProgress(Progress):
    """{"stage", "done", "total"} in a file (written whole, at most twice a second), for the staff page to poll.

    A file beside the uploads (var/imports) rather than the cache or the database: the import's own
    transaction would hide database writes until it ends, and every directory process (gunicorn
    workers) reads the same folder whatever database the directory uses."""

    INTERVAL = 0.5  # seconds between two writes: often enough for a page polling every 0.7 s

    def __init__(self, path: Path):
        super().__init__()
        self.path = Path(path)
        self._shown_at = 0.0

    def show(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._shown_at < self.INTERVAL:
            return
        self._shown_at = now
        temporary = self.path.with_name(self.path.name + ".tmp")
        temporary.write_text(json.dumps({"stage": self.stage, "done": self.done, "total": self.total}), encoding="utf-8")
        os.replace(temporary, self.path)

    def set_stage(self, stage: str) -> None:
        super().set_stage(stage)
        self.show(force=True)

    def close(self) -> None:
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass
