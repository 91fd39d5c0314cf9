"""Deletes conversations idle for longer than the retention period from the tracker store.

    python -m bot.retention [--days N] [--endpoints endpoints.production.yml] [--every-hours H]

N defaults to RETENTION_DAYS (30). With --every-hours the job repeats (the production profile runs
it as a process; Kubernetes runs it as a CronJob). Conversations kept in memory (the local profile)
end with the process, so there is nothing to do there.
"""
import argparse
import logging
import os
import time

from rasa.core.tracker_store import TrackerStore
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.domain import Domain

from bot.tracker_store import PrivateSQLTrackerStore, seconds_ago

logger = logging.getLogger("bot.retention")


def run_once(endpoints_path: str, days: float) -> int:
    endpoints = AvailableEndpoints.read_endpoints(endpoints_path)
    store = TrackerStore.create(endpoints.tracker_store, Domain.empty())
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
