"""Time `make import` of a generated 4,000-service package (issue 13: dry run and apply <= 60 s each).

    python scripts/bench_import.py [--services N] [--baseline GIT_REF]

Writes the package of scripts/generate_import_package.py, then for each code checkout runs the two
commands `make import` runs, against a fresh migrated SQLite database with the demo city:
`import_hsds FOLDER --dry-run` and `import_hsds FOLDER` (the apply), with CITY_PHONE_REGION=US and
CITY_BOUNDS=off (the package is Miami-shaped). --baseline also times the directory code of GIT_REF
(e.g. `main` before the bulk import) in the same run, side by side. Prints the seconds and the
applied counts; `make bench` records them in docs/benchmarks.md. Nothing is asserted.
"""

import argparse
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, Optional

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
PYTHON = Path(sys.executable)
TARGET_SECONDS = 60
BROKEN_EVERY = 40  # one service in 40 has an e-mail address that is not one: left out, with its reason

from generate_import_package import write_package  # noqa: E402


def _directory_of(ref: Optional[str], work: Path) -> Path:
    """The directory/ folder of this checkout, or of git ref `ref` unpacked into `work`."""
    if ref is None:
        return ROOT / "directory"
    target = work / f"code-{ref.replace('/', '-')}"
    target.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "directory"], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target / "directory"


def _count(database: Path, table: str) -> int:
    with sqlite3.connect(database) as connection:
        return connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def measure(code: Path, package: Path, work: Path, label: str) -> Dict[str, object]:
    database = work / f"{label}.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "CITY_PHONE_REGION": "US", "CITY_BOUNDS": "off"}
    manage = [str(PYTHON), "manage.py"]
    for args in (["migrate", "--no-input", "-v", "0"], ["bootstrap_directory"]):
        subprocess.run(manage + args, cwd=code, env=env, check=True, stdout=subprocess.DEVNULL)
    before = _count(database, "hsds_service")
    result: Dict[str, object] = {}
    for step, extra in (("dry run", ["--dry-run"]), ("apply", [])):
        print(f"{label}: {step} ...", flush=True)
        started = time.monotonic()
        done = subprocess.run(
            manage + ["import_hsds", str(package), "--source", "bench-211", "--on-error", "skip", *extra], cwd=code, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        result[step] = time.monotonic() - started
        if done.returncode != 0:
            result[f"{step} failed"] = (done.stdout + done.stderr)[-2000:]
            break
        left_out = re.search(r"(\d+) row\(s\) left out with their record", done.stdout)
        result["rows left out"] = int(left_out.group(1)) if left_out else 0
        section = done.stdout.split("left out with their record", 1)[1] if left_out else ""
        result["reasons given"] = len(re.findall(r"^  - row \d+ of \w+\.csv: \S.*$", section.split("\n\n", 1)[0], re.M))
    result["services applied"] = _count(database, "hsds_service") - before
    result["audit entries"] = _count(database, "hsds_changerecord")
    return result


def run(services: int = 4000, baseline: Optional[str] = None) -> Dict[str, Dict[str, object]]:
    """{label: {"dry run": s, "apply": s, "services applied": n, ...}} for this checkout (and the baseline)."""
    with tempfile.TemporaryDirectory(prefix="import-bench-") as folder:
        work = Path(folder)
        package = work / "package"
        rows = write_package(package, services, broken_every=BROKEN_EVERY)
        results: Dict[str, Dict[str, object]] = {}
        if baseline:
            results[f"baseline ({baseline})"] = measure(_directory_of(baseline, work), package, work, "baseline")
        results["this checkout"] = measure(_directory_of(None, work), package, work, "current")
        for result in results.values():
            result["rows"] = rows
        return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=4000)
    parser.add_argument("--baseline", default=None, help="also time the directory code of this git ref")
    args = parser.parse_args()
    results = run(args.services, args.baseline)
    rows = next(iter(results.values()))["rows"]
    print("package: " + ", ".join(f"{name} {count:,}" for name, count in rows.items()))
    print(f"{'code':<28} {'dry run':>9} {'apply':>9}  services applied  (target <= {TARGET_SECONDS} s each)")
    for label, result in results.items():
        times = [f"{result[s]:>8.1f}s" if s in result else f"{'-':>9}" for s in ("dry run", "apply")]
        print(f"{label:<28} {times[0]} {times[1]}  {result['services applied']:>16,}")
        for step in ("dry run", "apply"):
            if f"{step} failed" in result:
                print(f"  {step} failed:\n{result[f'{step} failed']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
