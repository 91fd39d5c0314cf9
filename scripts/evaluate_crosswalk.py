"""Evaluate the crosswalk suggestions on the held-out terms and write docs/crosswalk-evaluation.md (`make eval`).

Runs against a throw-away SQLite directory holding only our taxonomy (tests/django_harness.py)."""

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import django_harness  # noqa: E402

HELD_OUT = ROOT / "tests" / "directory" / "crosswalk_heldout.yml"
OUT = ROOT / "docs" / "crosswalk-evaluation.md"


def main() -> int:
    django_harness.setup()
    from hsds.crosswalk import evaluation, suggestions

    with tempfile.TemporaryDirectory() as folder, django_harness.throwaway_database(Path(folder), demo_city=False):
        OUT.write_text(evaluation.report(HELD_OUT, suggestions.threshold()), encoding="utf-8")
    print(OUT.read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
