"""Consistency checks for the NLU training data and held-out test sets.

Usage (from the project root):
    .venv/bin/python tests/nlu/check_nlu_data.py

Checks:
  * every file parses as YAML, starts with version "3.1" and has an `nlu` list
  * example counts per intent per file and per language (train: >=30, out_of_scope >=40;
    held-out: >=15)
  * no normalised example appears under two different intents (anywhere)
  * no normalised example appears in both training and held-out data
  * every `need` annotation (inline JSON form, plain `[x](need)` + synonym blocks)
    resolves to one of the allowed codes, and each surface text maps to one code only
  * no `need` annotations outside the find_* intents
  * no example line starts with `/`
  * every child term of the taxonomy (directory/hsds/taxonomy/newcomer_needs.yml) has at least
    MIN_PER_SUB_NEED training examples per language that name it and no other sub-need (what the
    sub-need classifier learns from)
Exits non-zero if any check fails.
"""

import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
TRAIN_DIR = ROOT / "data" / "nlu"
TEST_DIR = ROOT / "tests" / "nlu"
LANGS = sorted(p.name for p in TRAIN_DIR.iterdir() if p.is_dir())

# The domain is the single list of intents; internal ones are set by channels, not by NLU.
sys.path.insert(0, str(ROOT))
from bot.channels.guard import BUTTON_ONLY_INTENTS, INTERNAL_INTENTS  # noqa: E402
from contracts import needs  # noqa: E402
from contracts.languages import LANGUAGES  # noqa: E402

INTENTS = [i for i in yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["intents"] if i not in INTERNAL_INTENTS + BUTTON_ONLY_INTENTS]
# The intents of the categories that have sub-needs (contracts/needs.py), and the codes each may annotate.
INTENT_CODES = {needs.intent(category): set(codes) for category, codes in needs.SUB_NEEDS.items() if codes}
FIND_INTENTS = set(INTENT_CODES)
# One training file per category (data/nlu/<lang>/<code>.yml), and these.
TRAIN_FILES = ["smalltalk", *needs.CATEGORIES, "language", "privacy", "followups", "questions_with_conditions", "service_features"]
MIN_TRAIN = {i: 30 for i in INTENTS}
MIN_TRAIN["out_of_scope"] = 40
MIN_TEST = 15
MIN_PER_SUB_NEED = 15
TAXONOMY = ROOT / "directory" / "hsds" / "taxonomy" / "newcomer_needs.yml"

ALLOWED_CODES = set(needs.ALL_SUB_NEEDS)

# [text]{json}  or  [text](entity) / [text](entity:value)
JSON_ANN = re.compile(r"\[([^\]]+)\](\{[^}]*\})")
PLAIN_ANN = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")

errors = []


def err(msg):
    errors.append(msg)


def strip_annotations(text):
    text = JSON_ANN.sub(r"\1", text)
    return PLAIN_ANN.sub(r"\1", text)


def normalise(text, fold_accents=False):
    text = strip_annotations(text).lower()
    if fold_accents:
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def load(path):
    raw = path.read_text(encoding="utf-8")
    if not raw.startswith('version: "3.1"\nnlu:'):
        err(f'{path}: must start with version "3.1" followed by nlu:')
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as e:
        err(f"{path}: YAML error {e}")
        return {}, []
    if not isinstance(data, dict) or data.get("version") != "3.1" or not isinstance(data.get("nlu"), list):
        err(f"{path}: missing version 3.1 / nlu list")
        return {}, []
    intents = defaultdict(list)
    synonyms = []
    for block in data["nlu"]:
        if "intent" in block:
            ex = block.get("examples", "")
            for line in ex.splitlines():
                if not line.strip():
                    continue
                if not line.startswith("- "):
                    err(f"{path}: bad example line {line!r}")
                    continue
                example = line[2:].strip()
                if example.startswith("/"):
                    err(f"{path}: example starts with '/': {example!r}")
                intents[block["intent"]].append(example)
        elif "synonym" in block:
            for line in block.get("examples", "").splitlines():
                if line.startswith("- "):
                    synonyms.append((block["synonym"], line[2:].strip()))
    return intents, synonyms


def main():
    if set(LANGS) != set(LANGUAGES):
        err(f"data/nlu/ has {LANGS}, the assistant's languages are {list(LANGUAGES)} (contracts/languages.yml)")
    train = {}  # (lang, file) -> {intent: [examples]}
    test = {}  # lang -> {intent: [examples]}
    synonym_map = {}
    all_syn = []
    for lang in LANGS:
        for name in TRAIN_FILES:
            p = TRAIN_DIR / lang / f"{name}.yml"
            if not p.exists():
                err(f"missing file {p}")
                continue
            intents, syns = load(p)
            train[(lang, name)] = intents
            all_syn += syns
        p = TEST_DIR / f"{lang}.yml"
        if not p.exists():
            err(f"missing file {p}")
            continue
        intents, syns = load(p)
        test[lang] = intents
        all_syn += syns

    for value, text in all_syn:
        synonym_map.setdefault(text.lower(), set()).add(value)

    # ---- counts -----------------------------------------------------------
    print("Training examples per intent (file):")
    per_lang_train = defaultdict(Counter)
    for (lang, name), intents in sorted(train.items()):
        for intent, exs in intents.items():
            if intent not in INTENTS:
                err(f"{lang}/{name}.yml: unknown intent {intent}")
            per_lang_train[lang][intent] += len(exs)
            print(f"  {lang}/{name}.yml  {intent:16s} {len(exs):3d}")
    for lang in LANGS:
        for intent in INTENTS:
            n = per_lang_train[lang][intent]
            if n < MIN_TRAIN[intent]:
                err(f"train {lang}: {intent} has {n} < {MIN_TRAIN[intent]}")
    print("Held-out examples per intent:")
    for lang, intents in sorted(test.items()):
        for intent in INTENTS:
            n = len(intents.get(intent, []))
            print(f"  tests/{lang}.yml  {intent:16s} {n:3d}")
            if n < MIN_TEST:
                err(f"test {lang}: {intent} has {n} < {MIN_TEST}")

    # ---- duplicates -------------------------------------------------------
    records = []  # (split, source, intent, example)
    for (lang, name), intents in train.items():
        for intent, exs in intents.items():
            records += [("train", f"data/nlu/{lang}/{name}.yml", intent, e) for e in exs]
    for lang, intents in test.items():
        for intent, exs in intents.items():
            records += [("test", f"tests/nlu/{lang}.yml", intent, e) for e in exs]

    for fold in (False, True):
        by_norm = defaultdict(list)
        for r in records:
            by_norm[normalise(r[3], fold)].append(r)
        for norm, rs in by_norm.items():
            if len({r[2] for r in rs}) > 1:
                err(f"example in several intents (accent_fold={fold}): {norm!r} -> " f"{[(r[1], r[2]) for r in rs]}")
            if {"train", "test"} <= {r[0] for r in rs}:
                err(f"example in train and held-out (accent_fold={fold}): {norm!r} -> " f"{[r[1] for r in rs]}")
            same = [r for r in rs if r[0] == "train"]
            if len(same) > 1 and len({(r[1], r[2]) for r in same}) < len(same):
                err(f"duplicate training example: {norm!r} in {[r[1] for r in same]}")

    # ---- entity annotations ------------------------------------------------
    child_terms = [child["code"] for taxonomy in yaml.safe_load(TAXONOMY.read_text(encoding="utf-8"))["taxonomies"] for term in taxonomy["terms"] for child in term.get("children", [])]
    if set(child_terms) != ALLOWED_CODES:
        err(f"allowed codes differ from the taxonomy's child terms: {sorted(set(child_terms) ^ ALLOWED_CODES)}")
    per_sub_need = Counter()  # (lang, code) -> training examples naming only that sub-need
    text_to_codes = defaultdict(set)
    n_ann = Counter()
    n_annotated_examples = Counter()
    n_find_examples = Counter()
    for split, src, intent, ex in records:
        anns = []
        for text, js in JSON_ANN.findall(ex):
            try:
                obj = json.loads(js)
            except json.JSONDecodeError:
                err(f"{src}: bad JSON annotation {js!r} in {ex!r}")
                continue
            anns.append((text, obj.get("entity"), obj.get("value")))
        for text, spec in PLAIN_ANN.findall(ex):
            entity, _, value = spec.partition(":")
            anns.append((text, entity, value or None))
        if intent in FIND_INTENTS:
            n_find_examples[split] += 1
            if anns:
                n_annotated_examples[split] += 1
        for text, entity, value in anns:
            if entity != "need":
                err(f"{src}: unexpected entity {entity!r} in {ex!r}")
                continue
            if intent not in FIND_INTENTS:
                err(f"{src}: need annotated in {intent}: {ex!r}")
            if value is None:
                codes = synonym_map.get(text.lower(), set())
                if not codes:
                    err(f"{src}: [{text}](need) has no synonym mapping: {ex!r}")
                    continue
                if len(codes) > 1:
                    err(f"{src}: {text!r} has several synonym values {codes}")
                value = next(iter(codes))
            if value not in ALLOWED_CODES:
                err(f"{src}: value {value!r} not an allowed code in {ex!r}")
            elif intent in INTENT_CODES and value not in INTENT_CODES[intent]:
                err(f"{src}: code {value!r} does not fit intent {intent}: {ex!r}")
            text_to_codes[text.lower()].add(value)
            n_ann[split] += 1
        values = {value for _text, entity, value in anns if entity == "need"}
        if split == "train" and intent in FIND_INTENTS and len(values) == 1:
            per_sub_need[(src.split("/")[2], values.pop())] += 1
    for lang in LANGS:
        for code in child_terms:
            if per_sub_need[(lang, code)] < MIN_PER_SUB_NEED:
                err(f"train {lang}: sub-need {code} has {per_sub_need[(lang, code)]} < {MIN_PER_SUB_NEED} examples")
    for value, _text in all_syn:
        if value not in ALLOWED_CODES:
            err(f"synonym block value {value!r} is not an allowed code")
    for text, codes in text_to_codes.items():
        if len(codes) > 1:
            err(f"surface text {text!r} maps to several codes {sorted(codes)}")
    print("need annotations: " + ", ".join(f"{s}: {n_ann[s]} annotations in {n_annotated_examples[s]}/" f"{n_find_examples[s]} find_* examples" for s in ("train", "test")))
    used = {c for cs in text_to_codes.values() for c in cs}
    print(f"codes used: {len(used)}/{len(ALLOWED_CODES)}" + (f" (unused: {sorted(ALLOWED_CODES - used)})" if ALLOWED_CODES - used else ""))

    if errors:
        print(f"\n{len(errors)} problem(s):")
        for e in errors:
            print("  -", e)
        return 1
    print("\nAll checks passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
