"""Writing a command's output file whole or not at all."""

import os
import tempfile
from pathlib import Path
from typing import Callable

from django.core.management.base import CommandError


def write_whole(target: Path, write: Callable[[str], None], suffix: str = "") -> None:
    """`write(path)` into a temporary file beside `target`, then renamed to it: a failed export never leaves half
    a file, and a reader never sees one. The file may be read by others (the action server may run as another
    user), as a file written the usual way."""
    if target.parent and not target.parent.exists():
        raise CommandError(f"{target.parent} does not exist.")
    handle, temporary = tempfile.mkstemp(dir=target.parent or ".", prefix=".export-", suffix=suffix)
    os.close(handle)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        write(temporary)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
