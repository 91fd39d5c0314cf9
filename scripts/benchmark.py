"""`make bench`: measure the assistant on this machine and write docs/benchmarks.md.

Starts its own servers on free loopback ports and sends traffic only to 127.0.0.1, bounded in count
and time. Nothing is asserted: figures are recorded beside their targets (issue 7). Two profiles:

  dev   as `make run`: one Rasa process (in-memory tracker store; its HTTP API on, behind a random
        token, for NLU parsing), the action server, a temporary demo directory on SQLite, plus a
        temporary directory with 10,000 generated services for the search figures
  prod  as `make run-prod`: PostgreSQL and Redis (scripts/datastores, data in a temporary folder),
        the directory on PostgreSQL, the action server with its token, BENCH_PROD_REPLICAS Rasa
        replicas (SQL tracker store, Redis lock store) behind nginx (deploy/render_production.py),
        started by the same helpers as tests/production (tests/production_stack.py)

Environment:

    BENCH_PROFILES (dev,prod)         which profiles to measure
    BENCH_PROD_REPLICAS (2)           Rasa replicas behind nginx in the prod profile
    BENCH_TURNS_PER_CONVERSATION (6)  turns each simulated conversation sends
    BENCH_PARSES_PER_LANGUAGE (40)    NLU parses per language, in-process and over HTTP
    BENCH_SEARCHES (40)               directory searches per query shape
    BENCH_TRAIN (0)                   1: also time `rasa train` (about 5 minutes) and its peak memory
    BENCH_IMPORT (1)                  0: skip importing a generated 4,000-service package (about 2 minutes)
    BENCH_FUZZ (1)                    0: skip the long fuzz runs (FUZZ_EXAMPLES, SCHEMATHESIS_EXAMPLES below)
    FUZZ_EXAMPLES (10000), SCHEMATHESIS_EXAMPLES (200)

`scripts/benchmark.py --fuzz` runs only the fuzz step and updates the page.
"""

import asyncio
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]
# The Rasa server runs with these (Makefile, Procfile); the in-process parse must match.
os.environ.setdefault("OMP_NUM_THREADS", os.environ.get("RASA_OMP_NUM_THREADS", "1"))
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
os.environ["RASA_TELEMETRY_ENABLED"] = "false"


from bench_page import render  # noqa: E402
from servers import MODEL, RASA_SERVING_THREADS, VENV_BIN, ServerProcess, action_server, directory_server, free_port, prepare_directory_database  # noqa: E402

from bench_measures import (  # noqa: E402
    CONCURRENCY,
    PROD_REPLICAS,
    PROFILES,
    RATE_LIMITS_OFF,
    RAW,
    conversations,
    fuzz,
    machine_facts,
    load_average,
    parse_in_process,
    parse_over_http,
    pid_rss_mb,
    rss_mb,
    timed_start,
    train,
    workload,
)

from bench_directory import after_a_change, directory_searches, query_counts  # noqa: E402

OUT = ROOT / "docs" / "benchmarks.md"


def dev_profile(work: Path, servers: List[ServerProcess], report: Dict[str, object]) -> None:
    """`make run`: one Rasa process; also NLU parsing and directory search with 10,000 services."""
    print("directory databases ...", flush=True)
    demo_db = f"sqlite:///{work / 'demo.sqlite3'}"
    prepare_directory_database(demo_db)
    big_db = f"sqlite:///{work / 'big.sqlite3'}"
    prepare_directory_database(big_db)
    subprocess.run([str(VENV_BIN / "python"), "scripts/generate_services.py", "10000"], cwd=ROOT, env={**os.environ, "DATABASE_URL": big_db}, check=True, stdout=subprocess.DEVNULL)

    print("starting servers ...", flush=True)
    directory = directory_server(demo_db)
    servers.append(directory)
    ready = {"directory (gunicorn, demo city)": timed_start(directory)}
    actions = action_server(directory.url + "/api", name="actions-bench")
    servers.append(actions)
    ready["action server"] = timed_start(actions)
    token = secrets.token_hex(24)  # hex: a urlsafe token may start with "-", which argparse reads as an option
    port = free_port()
    # As `make run`: the action server without a token (ACTION_SERVER_TOKEN empty).
    env = {"ACTION_SERVER_URL": actions.url + "/webhook", "ACTION_SERVER_TOKEN": "", "TF_CPP_MIN_LOG_LEVEL": "2", **RATE_LIMITS_OFF, **RASA_SERVING_THREADS}
    for line in (ROOT / "credentials.yml").read_text().splitlines():
        if "${" in line:
            variable = line.split("${", 1)[1].split("}", 1)[0]
            env.setdefault(variable, os.environ.get(variable, ""))
    rasa = ServerProcess(
        "rasa-bench",
        [
            str(VENV_BIN / "rasa"),
            "run",
            "--model",
            str(MODEL),
            "--interface",
            "127.0.0.1",
            "--port",
            str(port),
            "--credentials",
            "credentials.yml",
            "--endpoints",
            "endpoints.yml",
            "--enable-api",
            "--auth-token",
            token,
        ],
        port,
        "/",
        env=env,
        timeout=240,
    )
    servers.append(rasa)
    ready["Rasa (model loaded, channels up)"] = timed_start(rasa)
    big = directory_server(big_db)
    big.name, big.log_path = "directory-10k", big.log_path.with_name("directory-10k.log")
    servers.append(big)
    ready["directory (10,000 services)"] = timed_start(big)
    report["ready"] = ready

    print("NLU parse over HTTP ...", flush=True)
    report["parse_http"] = parse_over_http(rasa, token)
    print("end-to-end conversations, one Rasa process ...", flush=True)
    asyncio.run(conversations(rasa.url, 2, time_limit=30))  # warm-up
    report["turns_load"] = load_average()
    report["turns"] = {c: asyncio.run(conversations(rasa.url, c)) for c in CONCURRENCY}
    print("directory searches with 10,000 services ...", flush=True)
    report["search"] = directory_searches(big.url + "/api", big.log_path)
    report["after_change"] = after_a_change(big.url + "/api", big_db)
    report["queries"] = query_counts(big_db)
    report["rss"] = {s.name: rss_mb(s) for s in servers}
    for server in servers:
        server.stop()
    servers.clear()
    print("NLU parse in process ...", flush=True)
    report["parse_local"] = asyncio.run(parse_in_process())


def production_profile() -> Dict[str, object]:
    """`make run-prod`: PostgreSQL, Redis, the directory on PostgreSQL, the action server with its token,
    PROD_REPLICAS Rasa replicas behind nginx; end-to-end turns through nginx."""
    from production_stack import Datastores, balancer_server, start_services

    result: Dict[str, object] = {"replicas": PROD_REPLICAS}
    stores = Datastores()
    servers: List[ServerProcess] = []
    try:
        print("production profile: PostgreSQL and Redis ...", flush=True)
        started = time.monotonic()
        stores.run("start")
        ready = {"PostgreSQL + Redis (scripts/datastores, new data folder)": time.monotonic() - started}
        print(f"production profile: directory on PostgreSQL, action server, {PROD_REPLICAS} Rasa replicas ...", flush=True)
        stack = start_services(
            stores,
            secrets.token_urlsafe(24),
            replicas=PROD_REPLICAS,
            directory_workers=2,
            # As scripts/run-production: the directory requires its secret key and runs without debug.
            directory_env={"DIRECTORY_SECRET_KEY": secrets.token_urlsafe(40), "DIRECTORY_REQUIRE_SECRET_KEY": "1", "DIRECTORY_DEBUG": "0"},
            # As deploy/render_production.py runs them: behind nginx, the client's address comes from X-Forwarded-For.
            rasa_env={"SANIC_PROXIES_COUNT": "1", **RATE_LIMITS_OFF},
        )
        servers += stack["servers"]
        seconds = stack["seconds"]
        ready["directory database (migrate, demo city into PostgreSQL)"] = seconds["database"]
        ready["directory (gunicorn, 2 workers, PostgreSQL)"] = seconds["directory"]
        ready["action server (token required)"] = seconds["actions"]
        ready[f"{PROD_REPLICAS} Rasa replicas (started side by side, all ready)"] = seconds["replicas"]
        nginx = balancer_server(stores.data_dir / "balancer", stack["replicas"])
        servers.append(nginx)
        ready["nginx"] = timed_start(nginx)
        result["ready"] = ready

        print("end-to-end conversations through nginx ...", flush=True)
        asyncio.run(conversations(nginx.url, 2, time_limit=30))  # warm-up
        result["turns_load"] = load_average()
        result["turns"] = {c: asyncio.run(conversations(nginx.url, c)) for c in CONCURRENCY}
        rss = {server.name: rss_mb(server) for server in servers}
        for name, pid_file in (("PostgreSQL", Path(stores.env["PROD_DATA_DIR"]) / "postgres" / "data" / "postmaster.pid"), ("Redis", Path(stores.env["PROD_DATA_DIR"]) / "redis" / "redis.pid")):
            try:
                rss[name] = pid_rss_mb(int(pid_file.read_text().split()[0]))
            except (OSError, ValueError, IndexError):
                rss[name] = float("nan")
        result["rss"] = rss
    finally:
        for server in reversed(servers):
            server.stop()
        stores.remove()
    return result


def main() -> int:
    # Stopped from outside: still stop the servers (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if not MODEL.exists():
        print(f"No model at {MODEL}: run `make model` first.", file=sys.stderr)
        return 1
    unknown = set(PROFILES) - {"dev", "prod"}
    if unknown:
        print(f"BENCH_PROFILES: unknown {', '.join(sorted(unknown))} (dev, prod)", file=sys.stderr)
        return 2
    facts = machine_facts()
    work = Path(tempfile.mkdtemp(prefix="newcomer-bench-"))
    servers: List[ServerProcess] = []
    report: Dict[str, object] = {"profiles": PROFILES}
    try:
        if "dev" in PROFILES:
            dev_profile(work, servers, report)
        if "prod" in PROFILES:
            report["prod"] = production_profile()
        if os.environ.get("BENCH_IMPORT", "1") != "0":
            print("importing a generated 4,000-service package ...", flush=True)
            from bench_import import run as import_package

            report["import"] = import_package(4000)["this checkout"]
        if os.environ.get("BENCH_FUZZ", "1") != "0":
            print("fuzzing (long) ...", flush=True)
            report["fuzz"] = fuzz()
        if os.environ.get("BENCH_TRAIN") == "1":
            print("training ...", flush=True)
            report["train"] = train()
    finally:
        for server in servers:
            server.stop()
    facts["Load average at end (1/5/15 min)"] = load_average()
    RAW.parent.mkdir(exist_ok=True)
    RAW.write_text(json.dumps({"facts": facts, "report": report}, indent=1), encoding="utf-8")
    OUT.write_text(render(facts, report, workload()), encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--fuzz"]:
        raw = json.loads(RAW.read_text(encoding="utf-8"))
        raw["report"]["fuzz"] = fuzz()
        RAW.write_text(json.dumps(raw, indent=1), encoding="utf-8")
        sys.argv[1:] = ["--render"]
    if sys.argv[1:] == ["--render"]:
        raw = json.loads(RAW.read_text(encoding="utf-8"))
        for part in (raw["report"], raw["report"].get("prod") or {}):
            if "turns" in part:
                part["turns"] = {int(k): v for k, v in part["turns"].items()}
        OUT.write_text(render(raw["facts"], raw["report"], workload()), encoding="utf-8")
        sys.exit(0)
    sys.exit(main())
