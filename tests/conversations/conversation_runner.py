"""Held-out multi-turn conversations, run through the real REST channel, each turn checked against the directory.

The conversations (tests/conversations/<language>.yml) are written by hand and never trained on
(test_held_out.py checks no user turn appears in data/). A turn says what a newcomer would notice:

    fits: {taxonomy_term_id: health-doctor, open: sa}   # services shown, every one of them among the
                                                        # directory's own answer to these parameters
    more_of_same: true     # no service repeats one shown since the conversation's last new search
    says: utter_no_more_results      # a reply is this response (its text up to the first {slot})
    details_of: 2          # a reply names the 2nd service of the last list and gives its details
    not_fitting: {language: ti}      # services shown, none of them among these parameters' answer
                                     # (the labelled alternatives when nothing fits)

Turn accuracy counts turns whose every expectation holds; conversation accuracy counts conversations
whose every turn does. Sub-need precision: of the services shown where a turn names a sub-need
(a taxonomy code with a '-'), the share that has it.
"""

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Set

import requests
import yaml

from servers import response_text

HERE = Path(__file__).resolve().parent
RTL_MARK = "\u200f"
MAX_ORACLE_PAGES = 20


def languages() -> List[str]:
    return sorted(path.stem for path in HERE.glob("*.yml"))


def conversations(language: str) -> List[dict]:
    return yaml.safe_load((HERE / f"{language}.yml").read_text(encoding="utf-8"))["conversations"]


@dataclass
class Turn:
    user: str
    problems: List[str] = field(default_factory=list)
    shown: List[str] = field(default_factory=list)
    sub_need: Optional[str] = None
    with_sub_need: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


class Oracle:
    """The directory's own answer to a set of search parameters (every page), cached per run."""

    def __init__(self, directory_api: str):
        self.api = directory_api
        self.cache: Dict[tuple, Set[str]] = {}

    def ids(self, params: Dict[str, object]) -> Set[str]:
        key = tuple(sorted((k, str(v)) for k, v in params.items()))
        if key not in self.cache:
            found: Set[str] = set()
            for page in range(1, MAX_ORACLE_PAGES + 1):
                query = {"status": "active", **params, "per_page": 100, "page": page}
                reply = requests.get(f"{self.api}/services", params=query, timeout=20)
                reply.raise_for_status()
                body = reply.json()
                found |= {service["id"] for service in body["contents"]}
                if page >= body.get("total_pages", 1):
                    break
            self.cache[key] = found
        return self.cache[key]

    def service(self, service_id: str) -> dict:
        reply = requests.get(f"{self.api}/services/{service_id}", timeout=20)
        reply.raise_for_status()
        return reply.json()


def response_prefix(name: str, language: str) -> str:
    """What a response's text starts with whatever its slots hold (the text before the first '{')."""
    return response_text(name, language).split("{")[0].strip().lstrip(RTL_MARK).strip()


class ConversationRunner:
    def __init__(self, rasa_url: str, directory_api: str):
        self.rasa_url = rasa_url
        self.oracle = Oracle(directory_api)

    def send(self, sender: str, text: str, language: str) -> List[dict]:
        reply = requests.post(
            f"{self.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text, "metadata": {"language": language, "cards": True}},
            timeout=60,
        )
        reply.raise_for_status()
        return reply.json()

    def run(self, conversation: dict, language: str) -> List[Turn]:
        sender = f"held-out-{language}-{uuid.uuid4().hex[:10]}"
        since_search: List[str] = []
        last_list: List[str] = []
        turns = []
        for step in conversation["turns"]:
            messages = self.send(sender, step["user"], language)
            turn = Turn(step["user"])
            turn.shown = [m["custom"]["id"] for m in messages if isinstance(m.get("custom"), dict) and m["custom"].get("type") == "service"]
            texts = [m.get("text", "").lstrip(RTL_MARK) for m in messages if m.get("text")]
            self.check(step, turn, texts, since_search, last_list, language)
            if turn.shown:
                since_search = (since_search if step.get("more_of_same") else []) + turn.shown
                last_list = turn.shown
            turns.append(turn)
        return turns

    def check(self, step: dict, turn: Turn, texts: List[str], since_search: List[str], last_list: List[str], language: str) -> None:
        fits = step.get("fits")
        if fits:
            if not turn.shown:
                turn.problems.append("no service shown")
            outside = set(turn.shown) - self.oracle.ids(fits)
            if outside:
                turn.problems.append(f"{len(outside)} of {len(turn.shown)} shown do not fit {fits}")
            term = str(fits.get("taxonomy_term_id", ""))
            if "-" in term:
                turn.sub_need = term
                turn.with_sub_need = len(set(turn.shown) & self.oracle.ids({"taxonomy_term_id": term}))
        not_fitting = step.get("not_fitting")
        if not_fitting:
            if not turn.shown:
                turn.problems.append("no alternative shown")
            if set(turn.shown) & self.oracle.ids(not_fitting):
                turn.problems.append(f"an alternative fits {not_fitting} after all")
        if step.get("more_of_same"):
            repeated = set(turn.shown) & set(since_search)
            if repeated:
                turn.problems.append(f"{len(repeated)} repeated")
        said = step.get("says")
        for name in [said] if isinstance(said, str) else said or []:
            prefix = response_prefix(name, language)
            if not any(text.startswith(prefix) for text in texts):
                turn.problems.append(f"did not say {name}")
        if "details_of" in step:
            self.check_details(step["details_of"], turn, texts, last_list)

    def check_details(self, position: int, turn: Turn, texts: List[str], last_list: List[str]) -> None:
        if len(last_list) < position:
            turn.problems.append(f"no service {position} was shown")
            return
        service = self.oracle.service(last_list[position - 1])
        whole = "\n".join(texts)
        phones = [phone.get("number") for phone in service.get("phones", []) if phone.get("number")]
        if service["name"] not in whole:
            turn.problems.append("details do not name the service")
        elif phones and not any(number in whole for number in phones):
            turn.problems.append("details without the phone number")


def score(results: Dict[str, List[List[Turn]]]) -> Dict[str, dict]:
    """Per language: turn and conversation accuracy, sub-need precision, the failing turns."""
    report = {}
    for language, runs in results.items():
        turns = [turn for run in runs for turn in run]
        sub_need_turns = [turn for turn in turns if turn.sub_need]
        shown = sum(len(turn.shown) for turn in sub_need_turns)
        report[language] = {
            "conversations": len(runs),
            "turns": len(turns),
            "turn_accuracy": sum(turn.ok for turn in turns) / max(len(turns), 1),
            "conversation_accuracy": sum(all(turn.ok for turn in run) for run in runs) / max(len(runs), 1),
            "sub_need_precision": sum(turn.with_sub_need for turn in sub_need_turns) / shown if shown else None,
            "failures": [(turn.user, turn.problems) for turn in turns if not turn.ok],
        }
    return report


def run_all(rasa_url: str, directory_api: str, only: Optional[List[str]] = None) -> Dict[str, dict]:
    runner = ConversationRunner(rasa_url, directory_api)
    results = {language: [runner.run(c, language) for c in conversations(language)] for language in only or languages()}
    return score(results)
