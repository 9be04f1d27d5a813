"""The load monitor: CPU used by this benchmark's process tree and by everything else."""

from __future__ import annotations

import threading
import time
from typing import Any


class LoadMonitor:
    """Samples, once a second, the CPU used by this process tree and by everything else."""

    def __init__(self, interval: float = 1.0) -> None:
        import psutil

        self.psutil = psutil
        self.interval = interval
        self.samples: list[tuple[float, float, float]] = []  # (time, own cores, foreign cores)
        self._stop = threading.Event()
        self._procs: dict[int, Any] = {}
        self._thread = threading.Thread(target=self._run, daemon=True, name="load-monitor")

    def start(self) -> LoadMonitor:
        self._sample()  # prime cpu_percent
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _sample(self) -> tuple[float, float]:
        psutil = self.psutil
        me = psutil.Process()
        try:
            ours = {me.pid} | {c.pid for c in me.children(recursive=True)}
        except psutil.Error:
            ours = {me.pid}
        own = foreign = 0.0
        seen = set()
        for proc in psutil.process_iter():
            seen.add(proc.pid)
            cached = self._procs.setdefault(proc.pid, proc)
            try:
                pct = cached.cpu_percent(None) / 100.0
            except psutil.Error:
                continue
            if proc.pid in ours:
                own += pct
            else:
                foreign += pct
        for pid in list(self._procs):
            if pid not in seen:
                del self._procs[pid]
        return own, foreign

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                own, foreign = self._sample()
            except Exception:  # noqa: BLE001 - monitoring must never stop the benchmark
                continue
            self.samples.append((time.monotonic(), own, foreign))

    def window(self, t0: float, t1: float) -> tuple[float, float]:
        """Mean (own, foreign) cores between two `time.monotonic()` marks."""
        sel = [(o, f) for t, o, f in self.samples if t0 <= t <= t1 + self.interval]
        if not sel:
            return float("nan"), float("nan")
        return sum(o for o, _ in sel) / len(sel), sum(f for _, f in sel) / len(sel)
