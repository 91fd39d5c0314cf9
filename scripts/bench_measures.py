"""The measurements `make bench` (scripts/benchmark.py) takes: the machine, NLU parses, conversations
through the REST channel, directory searches and their SQL query counts, the fuzz runs, training."""

import asyncio
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

import aiohttp  # noqa: E402
import psutil  # noqa: E402
import requests  # noqa: E402
import yaml  # noqa: E402

from bench_page import percentile  # noqa: E402
from contracts.languages import LANGUAGES  # noqa: E402
from servers import DOMAIN, MODEL, VENV_BIN, ServerProcess  # noqa: E402

TURNS = int(os.environ.get("BENCH_TURNS_PER_CONVERSATION", "7"))
PARSES = int(os.environ.get("BENCH_PARSES_PER_LANGUAGE", "40"))
SEARCHES = int(os.environ.get("BENCH_SEARCHES", "40"))
PROFILES = [name.strip() for name in os.environ.get("BENCH_PROFILES", "dev,prod").split(",") if name.strip()]
PROD_REPLICAS = int(os.environ.get("BENCH_PROD_REPLICAS", "2"))
CONCURRENCY = (1, 8, 32)
# Both profiles: a turn is Rasa's one event loop per process; the balancer spreads conversations' turns.
RATE_LIMITS_OFF = {"REST_RATE_PER_MINUTE": "1000000", "REST_RATE_BURST": "100000"}
RAW = ROOT / "var" / "benchmarks.json"  # the raw figures; `scripts/benchmark.py --render` rewrites the page from them
# A conversation: a service question (action + directory call) and small talk, per language.
# What users feel: greetings, service questions and the follow-ups on the answer (more, a language, a time,
# free of charge), each turn tagged with its kind so that the page reports each kind's latency.
CONVERSATIONS = {
    "en": [
        ("greeting", "hello"),
        ("question", "I need a place to stay tonight"),
        ("follow-up", "show me more"),
        ("follow-up", "any that speak Arabic?"),
        ("question", "I'm looking for a job"),
        ("follow-up", "only the free ones"),
        ("greeting", "thanks"),
    ],
    "es": [
        ("greeting", "hola, buenas tardes"),
        ("question", "necesito un médico por favor"),
        ("follow-up", "¿hay más?"),
        ("follow-up", "¿alguno abre el sábado?"),
        ("question", "busco trabajo"),
        ("follow-up", "¿alguno sin cita?"),
        ("greeting", "gracias"),
    ],
    "fr": [
        ("greeting", "bonjour"),
        ("question", "je cherche un medecin pour mon fils"),
        ("follow-up", "d'autres ?"),
        ("follow-up", "lesquels parlent arabe ?"),
        ("question", "je cherche un logement"),
        ("follow-up", "seulement les gratuits"),
        ("greeting", "merci"),
    ],
    "ar": [
        ("greeting", "السلام عليكم"),
        ("question", "مرحبا، بدي شغل بأسرع وقت"),
        ("follow-up", "في غيرهم؟"),
        ("follow-up", "في حدا بيحكي تركي؟"),
        ("question", "أحتاج طبيب أسنان"),
        ("follow-up", "في شي مجاني؟"),
        ("greeting", "شكرا"),
    ],
    "uk": [
        ("greeting", "Привіт!"),
        ("question", "шукаю житло для сімʼї з двома дітьми"),
        ("follow-up", "а ще є?"),
        ("follow-up", "які відкриті в суботу?"),
        ("question", "потрібен лікар"),
        ("follow-up", "тільки безкоштовні"),
        ("greeting", "дякую"),
    ],
    "fa": [
        ("greeting", "سلام، خوبی؟"),
        ("question", "کلاس زبان برای بزرگسالان کجاست؟"),
        ("follow-up", "بیشتر نشون بده"),
        ("follow-up", "کدوما عربی صحبت می‌کنن؟"),
        ("question", "دنبال کار می‌گردم"),
        ("follow-up", "فقط رایگان‌ها"),
        ("greeting", "ممنون"),
    ],
}
TURN_KINDS = ("greeting", "question", "follow-up")


# Replies that mean a turn failed behind the scenes (time budget, action timeout, directory down).
APOLOGIES = {v["text"] for name in ("utter_something_went_wrong", "utter_directory_unavailable") for v in DOMAIN["responses"][name]}


def workload() -> Dict[str, object]:
    """What one run measures (the page states it)."""
    return {"languages": LANGUAGES, "parses": PARSES, "searches": SEARCHES, "turns": TURNS}


def machine_facts() -> Dict[str, str]:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")), platform.processor())
    import rasa

    return {
        "CPU": model,
        "Cores (os.cpu_count)": str(os.cpu_count()),
        "Memory": f"{psutil.virtual_memory().total / 2**30:.1f} GiB",
        "Python": platform.python_version(),
        "Rasa": rasa.__version__,
        "OS": platform.platform(),
        "Load average at start (1/5/15 min)": load_average(),
    }


def load_average() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def rss_mb(process: ServerProcess) -> float:
    return pid_rss_mb(process.process.pid)


def pid_rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (gunicorn workers, PostgreSQL backends)."""
    try:
        root = psutil.Process(pid)
        return sum(p.memory_info().rss for p in [root, *root.children(recursive=True)]) / 2**20
    except psutil.Error:
        return float("nan")


def timed_start(server: ServerProcess) -> float:
    started = time.monotonic()
    server.start()
    return time.monotonic() - started


def held_out(language: str) -> List[str]:
    data = yaml.safe_load((ROOT / "tests" / "nlu" / f"{language}.yml").read_text(encoding="utf-8"))
    texts = []
    for block in data.get("nlu", []):
        for line in str(block.get("examples", "")).splitlines():
            line = line.strip()
            if line.startswith("- "):
                texts.append(line[2:].strip())
    return texts[:PARSES] or [text for _, text in CONVERSATIONS[language]]


async def parse_in_process() -> Dict[str, List[float]]:
    import logging

    from rasa.core.agent import load_agent
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)  # no debug line per parsed message
    configure_structlog(logging.WARNING)

    agent = await load_agent(model_path=str(MODEL))
    await agent.parse_message("warm up")
    results = {}
    for language in LANGUAGES:
        timings = []
        for text in held_out(language):
            started = time.perf_counter()
            await agent.parse_message(text)
            timings.append(time.perf_counter() - started)
        results[language] = timings
    return results


def parse_over_http(rasa: ServerProcess, token: str) -> Dict[str, List[float]]:
    results = {}
    with requests.Session() as session:
        session.post(f"{rasa.url}/model/parse", params={"token": token}, json={"text": "warm up"}, timeout=30)
        for language in LANGUAGES:
            timings = []
            for text in held_out(language):
                started = time.perf_counter()
                response = session.post(f"{rasa.url}/model/parse", params={"token": token}, json={"text": text}, timeout=30)
                timings.append(time.perf_counter() - started)
                response.raise_for_status()
            results[language] = timings
    return results


async def conversations(rasa_url: str, concurrent: int, time_limit: float = 120.0) -> Dict[str, float]:
    """`concurrent` simulated users, each sending TURNS messages one after another."""
    latencies: List[float] = []
    by_kind: Dict[str, List[float]] = {kind: [] for kind in TURN_KINDS}
    errors = 0
    deadline = time.monotonic() + time_limit
    timeout = aiohttp.ClientTimeout(total=30)
    connector = aiohttp.TCPConnector(limit=concurrent)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:

        async def user(number: int) -> None:
            nonlocal errors
            language = LANGUAGES[number % len(LANGUAGES)]
            sender = f"bench-{uuid.uuid4()}"
            script = CONVERSATIONS[language]
            for turn in range(TURNS):
                if time.monotonic() > deadline:
                    return
                kind, text = script[turn % len(script)]
                started = time.perf_counter()
                try:
                    async with session.post(f"{rasa_url}/webhooks/rest/webhook", json={"sender": sender, "message": text}) as response:
                        body = await response.json(content_type=None)
                        if response.status != 200 or not body or any(m.get("text") in APOLOGIES for m in body):
                            errors += 1
                except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
                    errors += 1
                latencies.append(time.perf_counter() - started)
                by_kind[kind].append(latencies[-1])

        started = time.perf_counter()
        await asyncio.gather(*(user(n) for n in range(concurrent)))
        elapsed = time.perf_counter() - started
    return {
        "turns": len(latencies),
        "errors": errors,
        "seconds": elapsed,
        "per_second": len(latencies) / elapsed,
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
        "p50_by_kind": {kind: percentile(times, 50) for kind, times in by_kind.items() if times},
    }


def fuzz() -> Dict[str, object]:
    """The hostile-input fuzz and the directory's schemathesis run, longer than in `make test`."""
    examples = os.environ.get("FUZZ_EXAMPLES", "10000")
    schemathesis_examples = os.environ.get("SCHEMATHESIS_EXAMPLES", "200")
    started = time.monotonic()
    run = subprocess.run(
        [
            str(VENV_BIN / "python"),
            "-m",
            "pytest",
            "tests/reliability/test_hostile_input.py",
            "tests/reliability/test_directory_fuzz.py",
            "-q",
            "-p",
            "no:randomly",
            "-k",
            "fuzzed or conforms",
            "-o",
            "timeout=3600",
        ],
        cwd=ROOT,
        env={**os.environ, "FUZZ_EXAMPLES": examples, "SCHEMATHESIS_EXAMPLES": schemathesis_examples},
        capture_output=True,
        text=True,
        timeout=3600,
    )
    summary = [line for line in run.stdout.splitlines() if " passed" in line or " failed" in line or " error" in line]
    return {
        "examples": int(examples),
        "schemathesis_examples": int(schemathesis_examples),
        "seconds": time.monotonic() - started,
        "ok": run.returncode == 0,
        "summary": summary[-1].strip("= ") if summary else run.stdout[-300:],
    }


def train() -> Dict[str, float]:
    out = tempfile.mkdtemp(prefix="bench-train-")
    started = time.monotonic()
    process = psutil.Popen([str(VENV_BIN / "rasa"), "train", "--force", "--out", out], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0.0
    while process.poll() is None:
        try:
            peak = max(peak, sum(p.memory_info().rss for p in [process, *process.children(recursive=True)]) / 2**20)
        except psutil.Error:
            pass
        time.sleep(0.5)
    return {"seconds": time.monotonic() - started, "peak_mb": peak, "ok": process.returncode == 0}
