"""The state one run shares between its sections, and the `section` timer."""

from __future__ import annotations

import argparse
import contextlib
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.load import LoadMonitor
from bench.measure import log
from bench.rows import Row


@dataclass
class Bench:
    """Arguments, load monitor and work folder of the run; rows and raw results so far;
    what later sections reuse (the fixtures, their copies, the serial baseline, the ceiling)."""

    args: argparse.Namespace
    monitor: LoadMonitor
    workdir: Path
    rows: list[Row] = field(default_factory=list)
    results: dict[str, Any] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    fixtures: list[Path] = field(default_factory=list)
    copies: list[Path] = field(default_factory=list)
    serial: dict[str, float] | None = None
    ceiling: float | None = None


@dataclass
class Section:
    name: str
    t0: float = 0.0
    t1: float = 0.0
    load0: tuple[float, float, float] = (0.0, 0.0, 0.0)


@contextlib.contextmanager
def section(bench: Bench, name: str) -> Iterator[None]:
    sec = Section(name, t0=time.monotonic(), load0=os.getloadavg())
    log(f"--- {name} (load avg {sec.load0[0]:.2f})")
    try:
        yield
    finally:
        sec.t1 = time.monotonic()
        bench.sections.append(sec)
        own, foreign = bench.monitor.window(sec.t0, sec.t1)
        log(f"--- {name} done in {sec.t1 - sec.t0:.0f} s (own {own:.2f} cores, foreign {foreign:.2f} cores)")
