"""Deletes conversations idle for longer than the retention period from the tracker store.

    python -m bot.retention [--days N] [--endpoints endpoints.production.yml] [--every-hours H]

N defaults to RETENTION_DAYS (30). With --every-hours the job repeats (the production profile runs
it as a process; Kubernetes runs it as a CronJob). Conversations kept in memory (the local profile)
end with the process, so there is nothing to do there.
"""

import argparse
import logging
import os
import re
import time

import yaml
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig

from bot.tracker_store import PrivateSQLTrackerStore, seconds_ago

logger = logging.getLogger("bot.retention")


def tracker_store_config(endpoints_path: str):
    """Only the `tracker_store` section, so the job needs only the store's variables (not the action server's)."""
    section = (yaml.safe_load(open(endpoints_path, encoding="utf-8")) or {}).get("tracker_store")
    if not section:
        return None

    def expand(value):
        if not isinstance(value, str):
            return value
        missing = [name for name in re.findall(r"\$\{(\w+)\}", value) if name not in os.environ]
        if missing:
            raise SystemExit(f"{endpoints_path}: set {', '.join(missing)} for the tracker store.")
        return re.sub(r"\$\{(\w+)\}", lambda match: os.environ[match.group(1)], value)

    return EndpointConfig.from_dict({key: expand(value) for key, value in section.items()})


def run_once(endpoints_path: str, days: float) -> int:
    store = TrackerStore.create(tracker_store_config(endpoints_path), Domain.empty())
    if not isinstance(store, PrivateSQLTrackerStore):
        logger.info("Tracker store %s keeps conversations in memory: nothing to delete.", type(store).__name__)
        return 0
    erased = store.erase_idle_since(seconds_ago(days))
    logger.info("Deleted %d conversation(s) idle for more than %s days.", erased, days)
    return erased


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=float(os.environ.get("RETENTION_DAYS", "30")))
    parser.add_argument("--endpoints", default=os.environ.get("RASA_ENDPOINTS", "endpoints.production.yml"))
    parser.add_argument("--every-hours", type=float, default=0)
    args = parser.parse_args()
    if args.days <= 0:
        parser.error("--days must be more than 0")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    while True:
        run_once(args.endpoints, args.days)
        if not args.every_hours:
            return
        time.sleep(args.every_hours * 3600)


if __name__ == "__main__":
    main()
