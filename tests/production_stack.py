"""The production profile (`make run-prod`) on free loopback ports, for tests/production and
scripts/benchmark.py: PostgreSQL and Redis started by scripts/datastores with their data in a temporary
folder, the directory on PostgreSQL, the action server behind its token, Rasa replicas sharing
conversations (SQL tracker store + Redis lock store, endpoints.production.yml) and nginx in front of
them, configured by deploy/render_production.py as `make run-prod` is.
"""

import os
import secrets
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional

import psycopg2

from servers import ROOT, VENV_BIN, ServerProcess, action_server, channels_off, directory_server, free_port, prepare_directory_database, rasa_server, refuse_in_fast_tier


class Datastores:
    """PostgreSQL and Redis on free ports, with random passwords; `run("start")` starts them."""

    def __init__(self) -> None:
        # Under /tmp, not pytest's private tmp dir: PostgreSQL runs as the `postgres` user when we are root.
        self.data_dir = Path(tempfile.mkdtemp(prefix="newcomer-prod-"))
        self.data_dir.chmod(0o755)
        self.env = {
            "PROD_DATA_DIR": str(self.data_dir),
            "POSTGRES_HOST": "127.0.0.1",
            "POSTGRES_PORT": str(free_port()),
            "POSTGRES_USER": "newcomer",
            "POSTGRES_PASSWORD": secrets.token_hex(16),
            "POSTGRES_DIRECTORY_DB": "directory",
            "POSTGRES_TRACKER_DB": "rasa_tracker",
            "REDIS_HOST": "127.0.0.1",
            "REDIS_PORT": str(free_port()),
            "REDIS_PASSWORD": secrets.token_hex(16),
        }

    def run(self, command: str) -> None:
        if command == "start":
            refuse_in_fast_tier("PostgreSQL and Redis")
        subprocess.run([str(ROOT / "scripts" / "datastores"), command], env={**os.environ, **self.env}, check=True, capture_output=True, timeout=120)

    def remove(self) -> None:
        """Stop both stores and delete their data."""
        try:
            self.run("stop")
        finally:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def database_url(self, name: str) -> str:
        e = self.env
        return f"postgres://{e['POSTGRES_USER']}:{e['POSTGRES_PASSWORD']}@127.0.0.1:{e['POSTGRES_PORT']}/{name}"

    def tracker_events(self, sender: str) -> list:
        with psycopg2.connect(self.database_url(self.env["POSTGRES_TRACKER_DB"])) as connection, connection.cursor() as cursor:
            cursor.execute("SELECT type_name, action_name, data FROM events WHERE sender_id = %s ORDER BY id", (sender,))
            return cursor.fetchall()


def start_services(
    stores: Datastores,
    action_token: str,
    replicas: int = 2,
    rasa_env: Optional[Dict[str, str]] = None,
    directory_env: Optional[Dict[str, str]] = None,
    directory_workers: int = 1,
) -> Dict[str, object]:
    """Directory (on the stores' PostgreSQL), action server and `replicas` Rasa processes, started.

    Returns {"directory": ..., "actions": ..., "replicas": [...], "servers": every one in start order,
    "seconds": how long each step took (database, directory, actions, replicas)}; on a failure the
    ones already started are stopped.
    """
    seconds: Dict[str, float] = {}
    started = time.monotonic()

    def lap(label: str) -> None:
        nonlocal started
        seconds[label] = time.monotonic() - started
        started = time.monotonic()

    directory_url = stores.database_url(stores.env["POSTGRES_DIRECTORY_DB"])
    prepare_directory_database(directory_url)
    lap("database")
    servers: List[ServerProcess] = []
    try:
        servers.append(directory_server(directory_url, env=directory_env, workers=directory_workers).start())
        lap("directory")
        servers.append(action_server(servers[0].url + "/api", token=action_token).start())
        lap("actions")
        env = {**channels_off(), **stores.env, "ACTION_SERVER_TOKEN": action_token, **(rasa_env or {})}
        rasa = [rasa_server(servers[1].url + "/webhook", "http://127.0.0.1", env=env, endpoints="endpoints.production.yml", name=f"rasa{n}") for n in range(1, replicas + 1)]
        servers += rasa
        ServerProcess.start_together(rasa)
        lap("replicas")
    except BaseException:
        for server in reversed(servers):
            server.stop()
        raise
    return {"directory": servers[0], "actions": servers[1], "replicas": servers[2:], "servers": servers, "seconds": seconds}


def balancer_server(out: Path, replicas: List[ServerProcess], env: Optional[Dict[str, str]] = None) -> ServerProcess:
    """nginx in front of the replicas, configured by the renderer `make run-prod` uses (not started)."""
    port = free_port()
    env = {**os.environ, **(env or {}), "RASA_PORT": str(port), "RASA_REPLICA_PORTS": ",".join(str(server.port) for server in replicas)}
    subprocess.run([str(VENV_BIN / "python"), "deploy/render_production.py", str(out)], cwd=ROOT, env=env, check=True, capture_output=True)
    conf = out / "nginx" / "nginx.conf"
    return ServerProcess("nginx", [shutil.which("nginx") or "/usr/sbin/nginx", "-c", str(conf), "-p", str(conf.parent), "-e", "stderr"], port, "/", timeout=30)
