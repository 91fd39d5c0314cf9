"""`make test-fast` (pytest -m fast) promises no server, datastore, browser or trained model: no test of the
fast tier has code or fixtures that start one (tests/tier_probe.py reads them). At run time
servers.refuse_in_fast_tier also stops any server a helper would start in that tier."""

import json
import os
import re
import subprocess
import sys

from servers import ROOT


def test_the_fast_tier_starts_no_server_browser_or_model(tmp_path):
    output = tmp_path / "tiers.json"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "tier_probe"],
        cwd=ROOT,
        env={**os.environ, "TIER_PROBE_OUTPUT": str(output)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    tests = json.loads(output.read_text(encoding="utf-8"))
    fast = {name: test["starts"] for name, test in tests.items() if test["tier"] == "fast"}
    slow = {name: test["starts"] for name, test in tests.items() if test["tier"] == "servers"}
    assert len(fast) + len(slow) == len(tests) and len(fast) > 500 and len(slow) > 300
    starting = {name: found for name, found in fast.items() if found}
    assert not starting, "in the fast tier but starts something (mark it `servers`):\n" + "\n".join(f"{name}: {', '.join(found)}" for name, found in sorted(starting.items()))
    # The probe does see what the slow tier starts, so nothing found above means something.
    assert "rasa_server (fixture rasa)" in slow["tests/e2e/test_rest_channel.py::test_greeting_in_each_language"]


def test_make_test_fast_selects_by_marker():
    recipe = re.search(r"^test-fast:.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M).group(1)
    assert "-m fast" in recipe and "tests/" not in recipe, recipe
