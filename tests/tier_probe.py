"""A pytest plugin for tests/test_tiers.py (`-p tier_probe`): after collection it writes, for every collected
test, its tier and what its own code and its fixtures' code start (STARTERS) to the JSON file named by
$TIER_PROBE_OUTPUT."""

import inspect
import json
import os
import re

# What starts a server, a datastore, a browser or loads the trained model (tests/servers.py,
# tests/production_stack.py, Playwright). In-process fakes (FaultyDirectory) are allowed in the fast tier.
STARTERS = re.compile(r"\b(directory_server|action_server|rasa_server|balancer_server|start_services|start_together|Datastores" r"|sync_playwright|chromium_browser|ServerProcess)\(|\b(MODEL)\b")


def starters_in(function) -> set:
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return set()
    return {next(filter(None, match)) for match in STARTERS.findall(source)}


def pytest_collection_finish(session):
    report = {}
    for item in session.items:
        found = starters_in(getattr(item, "function", None))
        for fixturedefs in item._fixtureinfo.name2fixturedefs.values():
            for fixturedef in fixturedefs:
                found |= {f"{starter} (fixture {fixturedef.argname})" for starter in starters_in(fixturedef.func)}
        tier = "fast" if item.get_closest_marker("fast") else "servers" if item.get_closest_marker("servers") else None
        report[item.nodeid] = {"tier": tier, "starts": sorted(found)}
    with open(os.environ["TIER_PROBE_OUTPUT"], "w", encoding="utf-8") as output:
        json.dump(report, output)
