"""Is the trained model up to date with its sources?

`python -m bot.model_fingerprint check MODEL` exits 0 when MODEL exists and was trained from
the current data/, config.yml, domain.yml, custom NLU components and dependency lock;
`save MODEL` records the fingerprint after training. Much faster than loading Rasa to ask.
"""
import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ["config.yml", "domain.yml", "requirements.lock", "data", "bot/nlu"]


def fingerprint() -> str:
    digest = hashlib.sha256()
    for source in SOURCES:
        path = ROOT / source
        files = sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts) if path.is_dir() else [path]
        for file in files:
            if file.exists():
                digest.update(str(file.relative_to(ROOT)).encode())
                digest.update(file.read_bytes())
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
