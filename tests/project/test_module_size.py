"""No Python module grows past MAX_LINES (migrations aside): a module that long holds more
than one thing and is split into a package. TO_SPLIT lists the modules still over the limit;
an entry is removed when its module is split (the test says so when one no longer needs it)."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 500
SKIPPED_DIRECTORIES = {"migrations", "node_modules", "__pycache__"}

TO_SPLIT: set[str] = set()


def module_lengths() -> dict[str, int]:
    lengths = {}
    for directory, subdirectories, files in os.walk(ROOT):
        subdirectories[:] = [
            name
            for name in subdirectories
            if not name.startswith(".") and name not in SKIPPED_DIRECTORIES
        ]
        for name in files:
            if name.endswith(".py"):
                path = Path(directory, name)
                with path.open(encoding="utf-8") as source:
                    lengths[path.relative_to(ROOT).as_posix()] = sum(1 for _ in source)
    return lengths


def test_no_module_is_longer_than_the_limit():
    too_long = {
        name: lines
        for name, lines in module_lengths().items()
        if lines > MAX_LINES and name not in TO_SPLIT
    }
    assert too_long == {}, f"split these modules (over {MAX_LINES} lines): {too_long}"


def test_the_list_of_modules_to_split_names_only_modules_still_too_long():
    lengths = module_lengths()
    done = sorted(name for name in TO_SPLIT if lengths.get(name, 0) <= MAX_LINES)
    assert done == [], f"remove from TO_SPLIT (split, moved or under the limit): {done}"
