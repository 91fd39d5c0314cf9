"""Start the product's real servers (directory, action server, Rasa) on free loopback ports."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

import requests
import yaml

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
LOG_DIR = ROOT / "var" / "test-logs"
MODEL = ROOT / "models" / "newcomer.tar.gz"
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def response_text(name: str, language: str = "en") -> str:
    """The text of a response in a language, as domain.yml has it (English is unconditioned)."""
    for variation in DOMAIN["responses"][name]:
        conditions = variation.get("condition") or []
        if (language == "en" and not conditions) or any(c.get("value") == language for c in conditions):
            return variation["text"]
    raise KeyError(name)


def refuse_in_fast_tier(what: str) -> None:
    """`make test-fast` promises no servers: a test that starts one belongs to the `servers` tier."""
    if os.environ.get("NEWCOMER_FAST_TIER") == "1":
        raise RuntimeError(f"{what} started in the fast tier: give the test a server fixture or mark it `servers` (tests/conftest.py)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerProcess:
    """One server process in its own process group, with its output in var/test-logs/."""

    def __init__(self, name: str, command: List[str], port: int, ready_path: str, env: Optional[Dict[str, str]] = None, cwd: Path = ROOT, timeout: float = 120):
        self.name, self.command, self.port, self.ready_path = name, command, port, ready_path
        self.env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "RASA_TELEMETRY_ENABLED": "false", **(env or {})}
        self.cwd, self.timeout = cwd, timeout
        self.process: Optional[subprocess.Popen] = None
        self.log_path = LOG_DIR / f"{name}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "ServerProcess":
        return self.launch().wait_until_ready()

    def launch(self) -> "ServerProcess":
        refuse_in_fast_tier(self.name)
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(self.command, cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def wait_until_ready(self) -> "ServerProcess":
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}; see {self.log_path}:\n{self.tail()}")
            try:
                if requests.get(self.url + self.ready_path, timeout=2).status_code < 500:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"{self.name} not ready after {self.timeout} s; see {self.log_path}:\n{self.tail()}")

    @staticmethod
    def start_together(servers: List["ServerProcess"]) -> List["ServerProcess"]:
        """Launch all, then wait for each: slow starters (Rasa) load side by side."""
        for server in servers:
            server.launch()
        return [server.wait_until_ready() for server in servers]

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def prepare_directory_database(database_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url}
    manage = [str(VENV_BIN / "python"), "manage.py"]
    for args in (["migrate", "--no-input", "-v", "0"], ["bootstrap_directory"], ["collectstatic", "--no-input", "-v", "0"]):
        subprocess.run(manage + args, cwd=ROOT / "directory", env=env, check=True, stdout=subprocess.DEVNULL)


def directory_server(
    database_url: str,
    port: Optional[int] = None,
    rasa_public_url: str = "",
    env: Optional[Dict[str, str]] = None,
    workers: int = 1,
) -> ServerProcess:
    port = port or free_port()
    return ServerProcess(
        "directory",
        [str(VENV_BIN / "gunicorn"), "--chdir", "directory", "directory_site.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", "4"],
        port,
        "/api/",
        env={"DATABASE_URL": database_url, "RASA_PUBLIC_URL": rasa_public_url, **(env or {})},
        timeout=60,
    )


def action_server(directory_api_url: str, token: str = "", env: Optional[Dict[str, str]] = None, name: str = "actions") -> ServerProcess:
    port = free_port()
    return ServerProcess(
        name,
        [str(VENV_BIN / "python"), "-m", "actions.serve", "--port", str(port)],
        port,
        "/health",
        env={"DIRECTORY_API_URL": directory_api_url, "SANIC_HOST": "127.0.0.1", "ACTION_SERVER_TOKEN": token, **(env or {})},
        timeout=90,
    )


# As the Procfile runs Rasa: one OpenMP thread for the sentence embeddings (see the Makefile).
RASA_SERVING_THREADS = {"OMP_NUM_THREADS": os.environ.get("RASA_OMP_NUM_THREADS", "1"), "OMP_WAIT_POLICY": "PASSIVE"}


def channels_off() -> Dict[str, str]:
    """Every messaging channel's setting empty (the channel answers 503), as `make run` has them."""
    import re

    return {name: "" for name in re.findall(r"\$\{(\w+)\}", (ROOT / "credentials.yml").read_text(encoding="utf-8"))}


def rasa_server(
    action_server_url: str,
    cors_origin: str,
    port: Optional[int] = None,
    env: Optional[Dict[str, str]] = None,
    endpoints: str = "endpoints.yml",
    name: str = "rasa",
) -> ServerProcess:
    if not MODEL.exists():
        raise RuntimeError(f"No trained model at {MODEL}: run `make model` (make test does it first).")
    port = port or free_port()
    return ServerProcess(
        name,
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
            endpoints,
            "--cors",
            cors_origin,
        ],
        port,
        "/",
        env={"ACTION_SERVER_URL": action_server_url, "ACTION_SERVER_TOKEN": "", "TF_CPP_MIN_LOG_LEVEL": "2", **RASA_SERVING_THREADS, **(env or {})},
        timeout=180,
    )
