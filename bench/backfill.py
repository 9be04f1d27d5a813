"""Section `backfill`: the serial loop against a 2-process pool and a 2-process Dask cluster,
and the machine's own ceiling (a pure-Python loop in 2 processes vs 1)."""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable
from typing import Any

from bench.measure import TARGET_SPEEDUP, fmt_s, log, median, timed_tree, verdict, warm_paths
from bench.rows import Row
from bench.serial import copies_pages, make_copies, pool_init, pool_pid, run_serial
from bench.state import Bench, section

# Dask settings for CPU-bound workers (see README, "Scaling out with Dask").
DASK_QUIET = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "1s",
}

# --------------------------------------------------------------------------- workers (module level: picklable)


def _spin(seconds_hint: float) -> float:
    """A pure-Python CPU loop (dict updates): no I/O, no memory growth; its wall time."""
    t = time.perf_counter()
    d: dict[int, int] = {}
    for i in range(int(seconds_hint * 5_000_000)):
        d[i % 1000] = d.get(i % 1000, 0) + i
    return time.perf_counter() - t


def _dask_warm(paths: list[str]) -> int:
    pool_init(paths)
    return os.getpid()


def _dask_warm_isolated(paths: list[str]) -> int:
    """In a Dask worker: start its isolation subprocess and warm it, as `pool_init` does."""
    from metroextract.isolate import extract_isolated

    for p in paths:
        with contextlib.suppress(Exception):
            extract_isolated(p)
    return os.getpid()


# --------------------------------------------------------------------------- rows


def _speedup_row(bench: Bench, label: str, r: dict[str, Any], extra: str = "", target: bool = True) -> None:
    serial = bench.serial or {}
    speedup = serial["seconds"] / r["seconds"]
    foreign = max(serial.get("foreign_cores", 0.0), r["foreign_cores"])
    bench.rows.append(
        Row(
            "backfill",
            label,
            pages=str(copies_pages(bench)),
            baseline=fmt_s(serial["seconds"], 1),
            measured=fmt_s(r["seconds"], 1),
            ratio=f"{speedup:.2f}x",
            target=f">= {TARGET_SPEEDUP}x" if target else "",
            result=verdict(speedup >= TARGET_SPEEDUP, foreign) if target else "",
            notes=f"speed-up{f' ({speedup / bench.ceiling:.0%} of the machine ceiling)' if bench.ceiling else ''}; workers started and warmed in {r['start_s']:.1f} s before the clock (not counted); "
            f"CPU {r['cpu']:.1f} s (serial {serial['cpu']:.1f} s); {r['own_cores']:.2f} cores ours vs {r['foreign_cores']:.2f} foreign meanwhile" + extra,
        )
    )


def run_ceiling(bench: Bench) -> None:
    """What 2 processes can gain on this machine at all: the same pure-Python loop twice
    in a row vs in 2 processes at once (a virtual machine's 2 cores share caches and
    clocks, so this is below 2x)."""
    import multiprocessing as mp

    with section(bench, "ceiling"):
        ratios = []
        with mp.get_context("spawn").Pool(2) as pool:
            pool.map(_spin, [0.1, 0.1], chunksize=1)
            for _ in range(3):
                t0 = time.perf_counter()
                _spin(1.0), _spin(1.0)
                one = time.perf_counter() - t0
                t0 = time.perf_counter()
                pool.map(_spin, [1.0, 1.0], chunksize=1)
                ratios.append(one / (time.perf_counter() - t0))
    bench.ceiling = median(ratios)
    bench.results.setdefault("backfill", {})["ceiling"] = ratios
    bench.rows.append(
        Row(
            "backfill",
            "machine ceiling: a pure-Python loop, 2 processes vs 1 (info)",
            ratio=f"{bench.ceiling:.2f}x",
            notes="median of 3; " + ", ".join(f"{r:.2f}x" for r in ratios) + "; the most any 2-worker run can gain here",
        )
    )


def run_pool(bench: Bench) -> None:
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    from metroextract.pipeline import extract_report

    paths = make_copies(bench)
    warm = warm_paths(bench.fixtures)
    run_serial(bench)
    with section(bench, "process pool"):
        t0 = time.perf_counter()
        ex = ProcessPoolExecutor(max_workers=2, mp_context=mp.get_context("spawn"), initializer=pool_init, initargs=(warm,))
        try:
            pids: set[int] = set()
            while len(pids) < 2:  # both workers started and warmed before the clock starts
                pids |= set(ex.map(pool_pid, [0.3, 0.3]))
            start = time.perf_counter() - t0
            log(f"process pool: workers ready in {start:.1f} s; {len(paths)} copies")
            s0 = time.monotonic()
            _, wall, cpu = timed_tree(lambda: list(ex.map(extract_report, paths, chunksize=1)))
            own, foreign = bench.monitor.window(s0, time.monotonic())
        finally:
            ex.shutdown(wait=True)
    r = {"seconds": wall, "cpu": cpu, "start_s": start, "own_cores": own, "foreign_cores": foreign}
    bench.results.setdefault("backfill", {})["pool"] = r
    _speedup_row(bench, "2-worker ProcessPoolExecutor", r)


def run_dask(bench: Bench) -> None:
    """Dask calling `extract_report` in its workers, like the pool = the target row;
    then, for information, the tasks the flows run on Dask (`extract_outcome`: the
    extraction in each Dask worker's isolation subprocess, one more process hop and
    one more pickling of the result)."""
    from metroextract.isolate import extract_outcome
    from metroextract.pipeline import extract_report

    _dask_case(bench, extract_report, _dask_warm, "thread", "Dask LocalCluster, 2 processes (extract_report, like the pool)", target=True)
    _dask_case(bench, extract_outcome, _dask_warm_isolated, "isolated", "Dask LocalCluster, 2 processes, tasks as the flows run them (extract_outcome, info)", target=False)


def _dask_case(bench: Bench, fn: Callable[[str], Any], warm_fn: Callable[[list[str]], int], key: str, label: str, target: bool) -> None:
    import dask
    from dask.distributed import Client, LocalCluster, get_task_stream

    paths = make_copies(bench)
    warm = warm_paths(bench.fixtures)
    run_serial(bench)
    with section(bench, f"dask {key}"):
        t0 = time.perf_counter()
        # On 2 cores every background cycle of the workers (stack profiler every 10 ms,
        # event-loop tick every 20 ms, memory monitor every 100 ms, system monitor every
        # 500 ms) is taken from the other worker's extraction: DASK_QUIET slows them down
        # (the README's Dask notes recommend the same for CPU-bound workers).
        with dask.config.set(DASK_QUIET if bench.args.dask_quiet else {}):
            cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR)
        client = Client(cluster)
        try:
            client.run(warm_fn, warm)
            start = time.perf_counter() - t0
            log(f"dask {key}: cluster ready in {start:.1f} s; {len(paths)} copies")
            s0 = time.monotonic()
            with get_task_stream(client) as stream:
                _, wall, cpu = timed_tree(lambda: client.gather(client.map(fn, [str(p) for p in paths], pure=False)))
            own, foreign = bench.monitor.window(s0, time.monotonic())
            busy: dict[str, float] = {}
            tasks: dict[str, int] = {}
            for rec in stream.data:
                w = str(rec.get("worker"))
                tasks[w] = tasks.get(w, 0) + 1
                busy[w] = busy.get(w, 0.0) + sum(st["stop"] - st["start"] for st in rec.get("startstops", ()) if st.get("action") == "compute")
        finally:
            client.close()
            cluster.close()
    r = {"seconds": wall, "cpu": cpu, "start_s": start, "own_cores": own, "foreign_cores": foreign, "tasks": tasks, "busy_s": busy}
    bench.results.setdefault("backfill", {})[f"dask_{key}"] = r
    extra = ""
    if tasks:
        extra = "; tasks per worker " + "/".join(str(v) for v in tasks.values()) + ", compute per worker " + "/".join(f"{v:.0f}" for v in busy.values()) + " s"
    if not bench.args.dask_quiet:
        extra += "; Dask's default monitors"
    _speedup_row(bench, label, r, extra, target=target)
