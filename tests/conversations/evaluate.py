"""`make eval`'s conversation half: the held-out conversations through the real servers, reported in
docs/conversation-evaluation.md (and .json). Starts the directory (demo city in a fresh SQLite database),
the action server and Rasa on free loopback ports with the shared harness, as the tests do."""

import json
import sys
import tempfile
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]

import conversation_runner  # noqa: E402
from servers import ROOT, ServerProcess, action_server, channels_off, directory_server, free_port, prepare_directory_database, rasa_server  # noqa: E402

REPORT = ROOT / "docs" / "conversation-evaluation"
MIN_CONVERSATION_ACCURACY = 0.90
MIN_SUB_NEED_PRECISION = 0.95


def write_report(report: dict) -> None:
    REPORT.with_suffix(".json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    lines = [
        "# Held-out conversations, end to end",
        "",
        "Multi-turn conversations in `tests/conversations/<lang>.yml` (never trained on), sent through the real REST",
        "channel to Rasa, the action server and the directory; each turn checked against the directory's own answer",
        f"(`tests/conversations/conversation_runner.py`). Goal: conversation accuracy ≥ {MIN_CONVERSATION_ACCURACY:.2f} and sub-need precision",
        f"≥ {MIN_SUB_NEED_PRECISION:.2f} in every language. Regenerate with `make eval`.",
        "",
        "| language | conversations | turns | turn accuracy | conversation accuracy | sub-need precision |",
        "|---|---|---|---|---|---|",
    ]
    for language, s in report.items():
        precision = "–" if s["sub_need_precision"] is None else f"{s['sub_need_precision']:.3f}"
        lines.append(f"| {language} | {s['conversations']} | {s['turns']} | {s['turn_accuracy']:.3f} | {s['conversation_accuracy']:.3f} | {precision} |")
    lines += ["", "## Turns that failed", ""]
    for language, s in report.items():
        for user, problems in s["failures"]:
            lines.append(f"- {language}: “{user}”: {'; '.join(problems)}")
    REPORT.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def evaluate() -> dict:
    """The held-out conversations through freshly started servers: the report per language."""
    with tempfile.TemporaryDirectory() as scratch:
        database = f"sqlite:///{Path(scratch) / 'directory.sqlite3'}"
        prepare_directory_database(database)
        rasa_port = free_port()
        directory = directory_server(database, rasa_public_url=f"http://127.0.0.1:{rasa_port}")
        actions = action_server(directory.url + "/api")
        # One address asks everything: the rate limit is for users, not for this run.
        rasa = rasa_server(actions.url + "/webhook", cors_origin=directory.url, port=rasa_port, env={**channels_off(), "REST_RATE_PER_MINUTE": "6000", "REST_RATE_BURST": "600"})
        try:
            ServerProcess.start_together([directory, actions, rasa])
            return conversation_runner.run_all(rasa.url, directory.url + "/api")
        finally:
            for server in (rasa, actions, directory):
                server.stop()


def below_goal(report: dict) -> dict:
    """{language: what misses the goal} for every language below it."""
    missed = {}
    for language, s in report.items():
        problems = []
        if s["conversation_accuracy"] < MIN_CONVERSATION_ACCURACY:
            problems.append(f"conversation accuracy {s['conversation_accuracy']:.3f}")
        if s["sub_need_precision"] is not None and s["sub_need_precision"] < MIN_SUB_NEED_PRECISION:
            problems.append(f"sub-need precision {s['sub_need_precision']:.3f}")
        if problems:
            missed[language] = problems
    return missed


def main() -> int:
    report = evaluate()
    write_report(report)
    print(REPORT.with_suffix(".md").read_text(encoding="utf-8"))
    return 1 if below_goal(report) else 0


if __name__ == "__main__":
    sys.exit(main())
