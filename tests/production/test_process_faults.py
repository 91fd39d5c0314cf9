"""One process of `make run-prod` killed (SIGKILL, as the OOM killer does) or hung (SIGSTOP) under
traffic: every turn is still answered within 4 s, in the user's language (the apology while the
directory or the action server is away), and a killed process is running again within 30 s.

Runs the real scripts/run-production (supervisord, nginx, PostgreSQL, Redis, two Rasa replicas) on
free loopback ports with its data in a temporary folder; everything it started is stopped at the end.
"""

import os
import secrets
import signal
import subprocess
import time
import uuid

import psutil
import pytest
import requests
from production_stack import Datastores

from bot_client import post_message
from servers import LOG_DIR, MODEL, ROOT, VENV_BIN, channels_off, free_port, response_text

pytestmark = [pytest.mark.servers, pytest.mark.timeout(1500)]  # starts scripts/run-production

TURN_LIMIT_SECONDS = 4.0  # what a user waits at most (README, "Production")
BACK_WITHIN_SECONDS = 30.0
FAULT_SECONDS = 12.0  # traffic while the process is dead or hung
LANGUAGE, MESSAGE = "es", "Necesito un médico"
ANSWERS = {response_text(name, LANGUAGE) for name in ("utter_results_health", "utter_directory_unavailable", "utter_something_went_wrong")}


class RunningProfile:
    """scripts/run-production in its own session; `pid(name)`: the process on that name's port."""

    def __init__(self, stores: Datastores) -> None:
        self.stores = stores
        self.ports = {"directory": free_port(), "actions": free_port(), "balancer": free_port(), "rasa1": free_port(), "rasa2": free_port()}
        p = self.ports
        self.env = {
            **os.environ,
            **channels_off(),
            **stores.env,
            "ACTION_SERVER_TOKEN": secrets.token_hex(16),
            "DIRECTORY_SECRET_KEY": secrets.token_hex(32),
            "DIRECTORY_ANALYTICS_TOKEN": secrets.token_hex(16),
            "DIRECTORY_WORKERS": "1",
            "DIRECTORY_HOST": "127.0.0.1",
            "DIRECTORY_PORT": str(p["directory"]),
            "ACTION_PORT": str(p["actions"]),
            "SANIC_HOST": "127.0.0.1",
            "RASA_HOST": "127.0.0.1",
            "RASA_PORT": str(p["balancer"]),
            "RASA_REPLICA_PORTS": f"{p['rasa1']},{p['rasa2']}",
            "RASA_MODEL": str(MODEL),
            "RASA_CORS_ORIGINS": "http://127.0.0.1",
            "RASA_PUBLIC_URL": f"http://127.0.0.1:{p['balancer']}",
            "ACTION_SERVER_URL": f"http://127.0.0.1:{p['actions']}/webhook",
            "DIRECTORY_API_URL": f"http://127.0.0.1:{p['directory']}/api",
            "REST_RATE_PER_MINUTE": "6000",
            "REST_RATE_BURST": "1000",
            "RASA_TELEMETRY_ENABLED": "false",
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        self.conf = stores.data_dir / "supervisord.conf"
        self.log_path = LOG_DIR / "run-production.log"
        self.process = None
        self.stopped_groups = set()

    def start(self, timeout: float = 600) -> None:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen([str(ROOT / "scripts" / "run-production")], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        for name in ("directory", "actions", "rasa1", "rasa2", "balancer"):
            while not self.answers(name):
                assert self.process.poll() is None, f"run-production exited:\n{self.tail()}"
                assert time.monotonic() < deadline, f"{name} not ready after {timeout} s:\n{self.tail()}"
                time.sleep(1)

    def answers(self, name: str) -> bool:
        path = {"directory": "/api/", "actions": "/health"}.get(name, "/")
        try:
            return requests.get(f"http://127.0.0.1:{self.ports[name]}{path}", timeout=2).status_code < 500
        except requests.RequestException:
            return False

    def supervisorctl(self, *args: str) -> str:
        return subprocess.run([str(VENV_BIN / "supervisorctl"), "-c", str(self.conf), *args], capture_output=True, text=True, timeout=30).stdout.strip()

    def pid(self, name: str) -> int:
        """The process listening on the port of `name` (gunicorn's or nginx's master, not a worker)."""
        listeners = {c.pid for c in psutil.net_connections("tcp") if c.status == psutil.CONN_LISTEN and c.laddr.port == self.ports[name] and c.pid}
        try:
            # Started by the profile: a killed gunicorn's orphaned worker still listens for a moment.
            ours = {child.pid for child in psutil.Process(self.process.pid).children(recursive=True)}
        except psutil.NoSuchProcess:
            return 0
        masters = [pid for pid in listeners & ours if psutil.Process(pid).ppid() not in listeners]
        return masters[0] if masters else 0

    def signal(self, name: str, number: int) -> int:
        pid = self.pid(name)
        assert pid, f"nothing listens for {name}:\n{self.tail()}"
        if number == signal.SIGSTOP:
            # Hung: the whole process group (gunicorn's workers too), as a frozen or swapping machine would be.
            self.stopped_groups.add(os.getpgid(pid))
            os.killpg(os.getpgid(pid), signal.SIGSTOP)
        else:
            os.kill(pid, number)
        return pid

    def resume_all(self) -> None:
        for group in self.stopped_groups:
            try:
                os.killpg(group, signal.SIGCONT)
            except ProcessLookupError:
                pass
        self.stopped_groups.clear()

    def stop(self) -> None:
        """Whatever happened: resume, shut down through make stop-prod's script, kill any leftover."""
        self.resume_all()
        leftovers = []
        if self.process is not None:
            try:
                leftovers = psutil.Process(self.process.pid).children(recursive=True)
            except psutil.NoSuchProcess:
                pass
        subprocess.run([str(ROOT / "scripts" / "run-production"), "stop"], cwd=ROOT, env=self.env, capture_output=True, timeout=180)
        if self.process is not None:
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for child in leftovers:
            try:
                child.kill()
            except psutil.NoSuchProcess:
                pass

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture(scope="module")
def profile():
    stores = Datastores()
    running = RunningProfile(stores)
    try:
        running.start()
        yield running
    finally:
        running.stop()
        stores.remove()


SENDERS = []


def traffic(profile: RunningProfile, seconds: float) -> list:
    """Sequential turns, each from a new conversation, for `seconds`: (seconds taken, replica, answer)."""
    turns = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        sender = f"fault-{uuid.uuid4().hex[:10]}"
        SENDERS.append(sender)
        started = time.monotonic()
        try:
            reply = post_message(f"http://127.0.0.1:{profile.ports['balancer']}", MESSAGE, sender, timeout=15)
            answer = [message.get("text", "") for message in reply.json()] if reply.status_code == 200 else [f"HTTP {reply.status_code}"]
            replica = reply.headers.get("X-Rasa-Replica-Port")
        except (requests.RequestException, ValueError) as error:
            answer, replica = [type(error).__name__], None
        turns.append((round(time.monotonic() - started, 2), replica, answer[:1]))
    return turns


def assert_every_turn_answered(turns: list, what: str) -> None:
    assert len(turns) >= 3, f"{what}: only {len(turns)} turns in {FAULT_SECONDS} s: {turns}"
    wrong = [turn for turn in turns if not turn[2] or turn[2][0] not in ANSWERS]
    slow = [turn for turn in turns if turn[0] > TURN_LIMIT_SECONDS]
    assert not wrong and not slow, f"{what}: {len(wrong)} of {len(turns)} turns unanswered (e.g. {wrong[:3]}), " f"{len(slow)} slower than {TURN_LIMIT_SECONDS} s (e.g. {slow[:3]})"
    print(f"{what}: {len(turns)} turns, slowest {max(turn[0] for turn in turns)} s")


def seconds_until(condition, limit: float, started: float) -> float:
    while not condition():
        assert time.monotonic() - started < limit, f"not within {limit} s"
        time.sleep(0.5)
    return round(time.monotonic() - started, 1)


@pytest.mark.parametrize("name", ["rasa1", "actions", "directory"])
def test_a_killed_process_is_restarted_and_users_are_answered_meanwhile(profile, name):
    killed_at = time.monotonic()
    old_pid = profile.signal(name, signal.SIGKILL)
    restarted = seconds_until(lambda: profile.supervisorctl("pid", name) not in ("0", str(old_pid), ""), BACK_WITHIN_SECONDS, killed_at)
    assert_every_turn_answered(traffic(profile, FAULT_SECONDS), f"{name} killed")
    # A Rasa replica then loads its model: seconds on a quiet machine, minutes on a busy one.
    answering = seconds_until(lambda: profile.pid(name) not in (0, old_pid) and profile.answers(name), BACK_WITHIN_SECONDS if name[:4] != "rasa" else 300, killed_at)
    print(f"{name} restarted by supervisord within {restarted} s of the kill, answering after {answering} s")
    if name.startswith("rasa"):
        # Back in nginx's rotation: it answers turns again once its fail_timeout has passed.
        served = {turn[1] for turn in traffic(profile, 25)}
        assert str(profile.ports[name]) in served, served


@pytest.mark.parametrize("name", ["rasa1", "actions", "directory"])
def test_a_hung_process_holds_no_user(profile, name):
    profile.signal(name, signal.SIGSTOP)
    try:
        turns = traffic(profile, FAULT_SECONDS)
    finally:
        profile.resume_all()
    assert_every_turn_answered(turns, f"{name} hung")


def test_the_profiles_output_holds_no_sender_ids():
    assert SENDERS
    log = (LOG_DIR / "run-production.log").read_text(errors="replace")
    assert not [sender for sender in SENDERS if sender in log]


def test_a_second_make_run_prod_leaves_the_running_profile_alone(profile):
    before = {name: profile.pid(name) for name in profile.ports}
    again = subprocess.run([str(ROOT / "scripts" / "run-production")], cwd=ROOT, env=profile.env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "already runs" in again.stdout
    assert {name: profile.pid(name) for name in profile.ports} == before


def test_ctrl_c_stops_every_process(profile):
    """Runs last: the terminal's Ctrl-C (SIGINT to the foreground process group) ends the profile."""
    children = psutil.Process(profile.process.pid).children(recursive=True)
    assert len(children) >= len(profile.ports)
    os.killpg(profile.process.pid, signal.SIGINT)
    profile.process.wait(timeout=60)
    gone, alive = psutil.wait_procs(children, timeout=30)
    assert not alive, [process.cmdline()[:3] for process in alive]
    assert not any(profile.answers(name) for name in profile.ports)
