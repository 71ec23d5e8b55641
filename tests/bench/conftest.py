"""`make bench`: each benchmark records figures; they are printed and written to JSON."""

import json
import time
from pathlib import Path

import pytest

RESULTS_FILE = Path(__file__).resolve().parents[2] / "bench-results.json"
_results: dict[str, dict] = {}


class Recorder:
    def __init__(self, name: str):
        self.name = name
        self.figures: dict[str, float | int | str] = {}

    def record(self, key: str, value, unit: str = "") -> None:
        self.figures[key] = value
        label = f"{value:.4g}" if isinstance(value, float) else str(value)
        print(f"  {self.name} · {key}: {label}{(' ' + unit) if unit else ''}")

    @staticmethod
    def timed(function, *args, repeat: int = 1, **kwargs) -> float:
        """Best wall time of `repeat` calls, in seconds."""
        best = float("inf")
        for _ in range(repeat):
            started = time.perf_counter()
            function(*args, **kwargs)
            best = min(best, time.perf_counter() - started)
        return best


@pytest.fixture
def bench(request):
    recorder = Recorder(request.node.name)
    print(f"\n[bench] {request.node.nodeid}")
    yield recorder
    _results[request.node.nodeid] = recorder.figures


def pytest_sessionfinish(session, exitstatus):
    if _results:
        RESULTS_FILE.write_text(json.dumps(_results, ensure_ascii=False, indent=2))
        print(f"\n[bench] figures written to {RESULTS_FILE.name}")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/bench/" in str(item.fspath):
            item.add_marker(pytest.mark.bench)
