"""Reading this package's YAML files (read once per process)."""

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
PROJECT_ROOT = HERE.parent


@lru_cache(maxsize=None)
def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))
