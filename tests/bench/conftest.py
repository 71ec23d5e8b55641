"""`make bench`: each benchmark records figures; they are printed and written to JSON.

A target (`bench.target`) is printed with its figure and whether it was met. Missed targets
fail the benchmark at full size (BENCH_SCALE ≥ 1) or with BENCH_STRICT=1; at a smaller
scale fixed costs weigh more, so they are reported only (BENCH_STRICT=0 forces that).
"""

import json
import os
import time
from pathlib import Path

import pytest

RESULTS_FILE = Path(__file__).resolve().parents[2] / "bench-results.json"
_results: dict[str, dict] = {}


class Recorder:
    def __init__(self, name: str):
        self.name = name
        self.figures: dict[str, float | int | str | bool] = {}
        self.missed: list[str] = []

    def record(self, key: str, value, unit: str = "") -> None:
        self.figures[key] = value
        label = f"{value:.4g}" if isinstance(value, float) else str(value)
        print(f"  {self.name} · {key}: {label}{(' ' + unit) if unit else ''}")

    def target(self, key: str, value: float, *, at_most=None, at_least=None, unit="×") -> None:
        """Record `value` against its target and print whether it is met."""
        met = (at_most is None or value <= at_most) and (at_least is None or value >= at_least)
        bound = f"≤ {at_most}" if at_most is not None else f"≥ {at_least}"
        self.figures[key] = value
        self.figures[f"{key} target"] = f"{bound} {unit}".strip()
        self.figures[f"{key} met"] = met
        print(f"  {self.name} · {key}: {value:.4g} {unit} (target {bound}: "
              f"{'met' if met else 'MISSED'})")  # fmt: skip
        if not met:
            self.missed.append(f"{key} = {value:.4g} {unit}, target {bound}")

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
    if recorder.missed and strict():
        pytest.fail("targets missed: " + "; ".join(recorder.missed))


def strict() -> bool:
    from tests.bench.server import scale

    return os.environ.get("BENCH_STRICT", "1" if scale() >= 1 else "0") == "1"


def pytest_sessionfinish(session, exitstatus):
    if _results:
        RESULTS_FILE.write_text(json.dumps(_results, ensure_ascii=False, indent=2))
        print(f"\n[bench] figures written to {RESULTS_FILE.name}")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/bench/" in str(item.fspath):
            item.add_marker(pytest.mark.bench)
