"""What the bot, the action server and the directory must agree on is defined once, in contracts/:
every file that has to list the languages or the needs itself (Rasa's domain and config, the NLU data,
the translations, the deployment settings, the directory's taxonomy) agrees with it, and no Python
module keeps a copy of its own."""

import json
import os
import re
import subprocess
import sys

import pytest
import yaml

from contracts import needs
from contracts.languages import DEFAULT_LANGUAGE, LANGUAGES, RIGHT_TO_LEFT, record_name, staff_label
from servers import ROOT

PYTHON_FOLDERS = ("actions", "bot", "directory", "scripts", "deploy", "tests")
# A hand-written list of the six languages, in any of the usual spellings.
LANGUAGE_LIST = re.compile(r"""['"]?en['"]?\s*,\s*['"]?es['"]?\s*,\s*['"]?fr['"]?\s*,\s*['"]?ar['"]?\s*,\s*['"]?uk['"]?\s*,\s*['"]?fa\b""")
# A scrub rule or a language-name table of its own.
COPIES = {
    "the scrub rules (contracts/scrub.py)": re.compile(r"def scrub\(|\"\[email\]\", "),
    "language names (contracts/languages.yml)": re.compile(r"""["']fa["']\s*:\s*["']Persian"""),
    "the category codes (contracts/needs.py)": re.compile(r"""["']employment["'],\s*["']education["'],\s*["']health["']"""),
    "the sub-need codes (contracts/needs.py)": re.compile(r"""["']employment-job-search["']"""),
}


def python_files():
    for folder in PYTHON_FOLDERS:
        yield from (path for path in (ROOT / folder).rglob("*.py") if "migrations" not in path.parts)


def test_no_python_module_keeps_its_own_copy_of_a_contract():
    copies = []
    for path in python_files():
        if path == ROOT / "tests" / "domain" / "test_contracts.py":
            continue
        text = path.read_text(encoding="utf-8")
        if LANGUAGE_LIST.search(text):
            copies.append(f"{path.relative_to(ROOT)}: the list of languages (contracts/languages.yml)")
        if path.parts[len(ROOT.parts)] != "tests":  # tests name particular codes as the answers they expect
            copies += [f"{path.relative_to(ROOT)}: {what}" for what, pattern in COPIES.items() if pattern.search(text)]
    assert not copies, "\n".join(copies)


# --- Languages -------------------------------------------------------------------------------------


def yaml_file(relative: str):
    return yaml.safe_load((ROOT / relative).read_text(encoding="utf-8"))


def test_the_contract_names_the_default_and_right_to_left_languages():
    assert DEFAULT_LANGUAGE == LANGUAGES[0] == "en"
    assert RIGHT_TO_LEFT and RIGHT_TO_LEFT <= set(LANGUAGES)
    assert len(set(LANGUAGES)) == len(LANGUAGES)
    # Staff see the name they know a language by; a service's language record carries its English name.
    assert staff_label("fa") == "Persian (Farsi/Dari) (fa)" and record_name("fa") == "Persian"
    assert staff_label("ar") == "Arabic (ar)" and record_name("xx") == "xx" and staff_label("xx") == "xx (xx)"


def test_rasa_knows_exactly_the_contracts_languages(domain):
    assert tuple(domain["slots"]["language"]["values"]) == LANGUAGES
    detector = next(c for c in yaml_file("config.yml")["pipeline"] if c["name"].endswith("LanguageDetector"))
    assert tuple(detector["languages"]) == LANGUAGES
    # The NLU's per-language word lists: how each language is named, its short words, its emergency terms.
    for name in ("language_names", "language_hints", "emergency_terms"):
        assert set(yaml_file(f"bot/nlu/{name}.yml")) == set(LANGUAGES), f"bot/nlu/{name}.yml"


def test_every_language_has_its_nlu_data_fragments_and_widget_strings():
    assert {path.name for path in (ROOT / "data" / "nlu").iterdir() if path.is_dir()} == set(LANGUAGES)
    assert {path.stem for path in (ROOT / "tests" / "nlu").glob("*.yml")} == set(LANGUAGES)
    assert {path.stem for path in (ROOT / "actions" / "locales").glob("*.yml")} == set(LANGUAGES)
    assert set(json.loads((ROOT / "widget" / "i18n.json").read_text(encoding="utf-8"))) == set(LANGUAGES)
    # The widget's language picker: its codes, in order, and which of them it lays out right to left.
    picker = dict(re.findall(r'code:\s*"(\w+)"[^}]*dir:\s*"(rtl|ltr)"', (ROOT / "widget" / "modules" / "config.js").read_text(encoding="utf-8")))
    assert tuple(picker) == LANGUAGES and {code for code, direction in picker.items() if direction == "rtl"} == RIGHT_TO_LEFT, picker


def test_deployments_leave_the_directorys_languages_to_the_contract():
    """DIRECTORY_LANGUAGES (the directory's content languages) is empty by default: the contract's."""
    compose = yaml_file("docker-compose.yml")
    assert re.search(r"\$\{DIRECTORY_LANGUAGES:-([^}]*)\}", json.dumps(compose)).group(1) == ""
    config_map = next(d for d in yaml.safe_load_all((ROOT / "deploy" / "k8s" / "config.yaml").read_text()) if d and d["kind"] == "ConfigMap")
    assert config_map["data"].get("DIRECTORY_LANGUAGES", "") == ""


@pytest.mark.parametrize("setting", [None, ""], ids=["unset", "empty"])
def test_the_directory_run_from_its_folder_serves_the_contracts_languages(setting, tmp_path):
    """As gunicorn and manage.py run it: from directory/, with only that folder on the path."""
    env = {name: value for name, value in os.environ.items() if name not in ("DIRECTORY_LANGUAGES", "PYTHONPATH")}
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'directory.sqlite3'}", **({} if setting is None else {"DIRECTORY_LANGUAGES": setting})})
    show = "from django.conf import settings; print(','.join(settings.CONTENT_LANGUAGES))"
    result = subprocess.run([sys.executable, "manage.py", "shell", "-v", "0", "-c", show], cwd=ROOT / "directory", env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == [",".join(LANGUAGES)]


# --- Needs -----------------------------------------------------------------------------------------


def language_of(variation):
    return next((c["value"] for c in variation.get("condition") or [] if c.get("name") == "language"), None)


def test_the_taxonomy_file_defines_distinct_categories_and_sub_needs():
    assert needs.CATEGORIES and all(needs.SUB_NEEDS[c] for c in needs.CATEGORIES if c not in needs.OWN_INTENT)
    codes = list(needs.CATEGORIES) + [code for codes in needs.SUB_NEEDS.values() for code in codes]
    assert len(codes) == len(set(codes)), "a code is used twice in the taxonomy"


def test_every_need_has_its_intent_rule_and_results_reply_in_every_language(domain):
    rules = "".join(path.read_text(encoding="utf-8") for path in (ROOT / "data" / "rules").glob("*.yml"))
    problems = []
    for category in needs.CATEGORIES:
        intent = needs.intent(category)
        if intent not in domain["intents"]:
            problems.append(f"domain.yml lacks the intent {intent}")
        if f"intent: {intent}" not in rules:
            problems.append(f"data/rules/ has no rule for {intent}")
        response = needs.results_response(category)
        languages = {language_of(v) or DEFAULT_LANGUAGE for v in domain["responses"].get(response, []) if (v.get("text") or "").strip()}
        if languages != set(LANGUAGES):
            problems.append(f"{response} is missing in {sorted(set(LANGUAGES) - languages)}")
    # Every search intent of the domain is a need's: none the actions would not understand.
    strays = [i for i in domain["intents"] if i.startswith("find_") and needs.category_of_intent(i) is None]
    assert not problems and not strays, "\n".join(problems + [f"domain.yml intent {i} is no category of the taxonomy" for i in strays])


def test_the_nlu_data_annotates_exactly_the_taxonomys_sub_needs():
    """The `need` values of the training data (inline and synonym blocks) are the taxonomy's child codes."""
    used = set()
    for path in (ROOT / "data" / "nlu").rglob("*.yml"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'"entity":\s*"need",\s*"value":\s*"([^"]+)"', text))
        used |= {block["synonym"] for block in (yaml.safe_load(text) or {}).get("nlu", []) if "synonym" in block}
    assert used == set(needs.ALL_SUB_NEEDS), sorted(used ^ set(needs.ALL_SUB_NEEDS))


@pytest.mark.parametrize("category", needs.CATEGORIES)
def test_the_action_server_maps_each_intent_to_its_category(category):
    from actions.services import CATEGORIES, category_of
    from rasa_sdk import Tracker

    tracker = Tracker("s", {}, {"intent": {"name": needs.intent(category)}, "entities": []}, [], False, None, {}, "action_listen")
    assert category in CATEGORIES and category_of(tracker) == category
