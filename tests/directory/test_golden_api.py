"""The directory API answers every request of tests/directory/golden/ byte for byte as recorded, in the
same number of SQL queries: the guard for behaviour-preserving changes to directory/hsds/api/.

Each golden file is one request (reads once per content language, via `lang` or Accept-Language; then a
sequence of writes with ETag/If-Match, 412, Ignored-Fields, 401/403/409/400) with its status, headers,
query count and body. The responses come from `golden_api.py`, run in its own process on a fresh demo
city with seeded uuid4 ids and a fixed clock (see its docstring), so nothing is normalised: the body
bytes served must equal the golden body re-encoded the way DRF encodes it (checked when recording).

Regenerate only when a change of the API's output is intended, review the diff, and commit it with that
change (never in CI):

    .venv/bin/python tests/directory/golden_api.py --regenerate
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
GOLDEN_DIR = HERE / "golden"
GOLDEN_FILES = sorted(p.name for p in GOLDEN_DIR.glob("*.json"))
sys.path.insert(0, str(HERE))
from golden_api import canonical  # noqa: E402


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("golden-now")
    subprocess.run([sys.executable, str(HERE / "golden_api.py"), str(output)], env={**os.environ, "PYTHONHASHSEED": "0"}, check=True, capture_output=True, text=True, timeout=600)
    return output


def body_bytes(result: dict) -> str:
    return result["body_text"] if "body_text" in result else canonical(result["body"])


def test_the_same_requests_are_recorded(served):
    assert len(GOLDEN_FILES) > 300
    assert sorted(p.name for p in served.glob("*.json")) == GOLDEN_FILES


@pytest.mark.parametrize("name", GOLDEN_FILES)
def test_response_matches_golden_file(served, name):
    golden = json.loads((GOLDEN_DIR / name).read_text(encoding="utf-8"))
    now = json.loads((served / name).read_text(encoding="utf-8"))
    assert now["request"] == golden["request"]
    assert (now["status"], now["headers"]) == (golden["status"], golden["headers"])
    assert body_bytes(now) == body_bytes(golden)
    assert now["queries"] == golden["queries"], f"{name}: {now['queries']} SQL queries, {golden['queries']} recorded"
