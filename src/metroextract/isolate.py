"""Run `pipeline.extract` in a separate worker process with a hard time limit.

A PDF can make a parser loop for minutes, eat memory or crash the interpreter; none of
that may take the caller down. `extract_isolated(path, settings)` sends the job to a
worker process and waits at most `settings.timeout_seconds`:

- a worker that overruns is killed with its whole process group (OCR children included)
  and `ExtractionTimeout` (code `timeout`) is raised;
- a `MetroextractError` raised in the worker is raised again here with the same class,
  code, stage and message;
- an `OSError` in the worker (a flaky disk or network share) becomes `TransientIOError`,
  the only kind of failure worth a retry;
- anything else, including a worker killed by a signal, becomes a `MetroextractError`
  with code `internal_error` and the original message.

`extract_outcome` is the same with bad input returned as a value (what the Prefect task
runs: being library code, a Dask worker can run it with only metroextract installed).

Workers are plain `subprocess` children (`python -m metroextract.isolate`), not
`multiprocessing` ones: Dask worker processes are daemonic and may not start
multiprocessing children, while a subprocess works everywhere. Importing the pipeline
(spaCy, pdfplumber) costs about two seconds, so a worker serves many files in a row and
idle workers are kept in a small pool (`_POOL`); a worker is replaced after a timeout or a
crash and recycled after `MAX_FILES_PER_WORKER` files. A worker whose parent dies
(even by SIGKILL) notices within a second and kills itself and its children.

The protocol is length-prefixed pickles on the worker's stdin/stdout; the worker moves
its own stdout to stderr first, so a stray print in a library cannot corrupt it, and its
stderr goes to a temporary file that is quoted when the worker dies.

Library log messages (pdfminer's "Data-loss while decompressing corrupted data", PIL,
Python warnings) never reach a terminal: the worker collects those of each file and sends
them back with the result (`extract_isolated(..., log=[...])`, `Outcome.log`); the flows
write them to the run's log file. `quiet_libraries()` does the same for a process that
extracts in-process (`metroextract extract`).
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import logging
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

try:
    import resource
except ImportError:  # pragma: no cover - not POSIX: no memory cap
    resource = None  # type: ignore[assignment]

from .errors import ExtractionTimeout, MetroextractError, QuarantineCode, TransientIOError
from .settings import Settings

# Imported lazily in the parent (keeps `import metroextract.isolate` cheap), eagerly in workers.
# from .pipeline import Extraction, extract

MAX_FILES_PER_WORKER = 50  # recycle a worker after this many files (bounded memory growth)
MAX_IDLE_WORKERS = max(2, os.cpu_count() or 2)
WORKER_START_TIMEOUT = float(os.environ.get("METROEXTRACT_WORKER_START_TIMEOUT", "180"))
_HEADER = struct.Struct("!Q")
_PARENT_ENV = "METROEXTRACT_ISOLATE_PARENT"

# OSErrors that say something about the file, not about the storage: retrying cannot help.
_PERMANENT_OS_ERRORS = (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError)


# Loggers of the libraries metroextract drives. Their messages are for a log file, never
# for the terminal (unless --debug): one damaged PDF makes pdfminer print dozens of lines.
LIBRARY_LOGGERS = (
    "pdfminer",
    "pdfplumber",
    "pypdfium2",
    "PIL",
    "ocrmypdf",
    "fontTools",
    "reportlab",
    "py.warnings",  # warnings.warn(), once logging.captureWarnings(True)
    "metroextract.worker",  # messages a worker process sent back (see extract_isolated)
)
WORKER_LOG_LIMIT = 200  # distinct messages kept per file


def quiet_libraries(debug: bool = False) -> None:
    """Keep library log messages (and Python warnings) off the terminal.

    Without `debug` the loggers of `LIBRARY_LOGGERS` stop propagating: their messages
    reach only handlers attached to them on purpose (a run's log file, see
    `inbox.run_log`). With `debug` they propagate and show on stderr from WARNING up.
    """
    logging.captureWarnings(True)
    for name in LIBRARY_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(logging.WARNING)  # pdfminer's debug calls stay cheap
        logger.propagate = debug
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())  # no "last resort" print to stderr
    if debug and not logging.getLogger().handlers:
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


class LogBuffer(logging.Handler):
    """Formatted log lines in memory, each distinct message once with its count."""

    def __init__(self, limit: int = WORKER_LOG_LIMIT) -> None:
        super().__init__(logging.WARNING)
        self.limit = limit
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s: %(message)s"))
        self._counts: dict[str, int] = {}

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = " ".join(self.format(record).split())[:500]
        except Exception:  # noqa: BLE001 - a bad log call must not fail the extraction
            return
        if line in self._counts or len(self._counts) < self.limit:
            self._counts[line] = self._counts.get(line, 0) + 1

    def take(self) -> list[str]:
        lines = [line if n == 1 else f"{line} (×{n})" for line, n in self._counts.items()]
        self._counts = {}
        return lines


def emit_worker_log(file_name: str, lines: list[str]) -> None:
    """A worker's messages about one file, on the `metroextract.worker` logger."""
    logger = logging.getLogger("metroextract.worker")
    for line in lines:
        logger.warning("%s: %s", file_name, line)


class _WorkerTimeout(Exception):
    pass


class _WorkerDied(Exception):
    pass


# --------------------------------------------------------------------------- parent side


class _Worker:
    """One worker process and its pipes."""

    def __init__(self) -> None:
        self.stderr = tempfile.TemporaryFile(prefix="metroextract-worker-")
        env = dict(os.environ)
        env[_PARENT_ENV] = str(os.getpid())
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "metroextract.isolate"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self.stderr,
                start_new_session=True,  # its own process group: killed as a whole
                close_fds=True,
                env=env,
                bufsize=0,
            )
        except OSError as exc:  # EAGAIN, ENOMEM: the machine is busy, a retry may work
            self.stderr.close()
            raise TransientIOError(f"cannot start an extraction worker: {exc}") from exc
        self.files_done = 0
        try:
            msg = self._recv(time.monotonic() + WORKER_START_TIMEOUT)
        except _WorkerTimeout:
            self.kill()
            raise TransientIOError(f"the extraction worker did not start within {WORKER_START_TIMEOUT:g} s") from None
        except _WorkerDied:
            detail = self.describe_death()
            self.kill()
            raise MetroextractError(f"the extraction worker failed to start ({detail})", code=QuarantineCode.INTERNAL_ERROR) from None
        if not (isinstance(msg, tuple) and msg and msg[0] == "ready"):
            self.kill()
            raise MetroextractError(f"unexpected message from the extraction worker: {msg!r:.200}", code=QuarantineCode.INTERNAL_ERROR)

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def request(self, message: Any, timeout: float) -> Any:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            assert self.proc.stdin is not None
            self.proc.stdin.write(_HEADER.pack(len(data)) + data)
            self.proc.stdin.flush()
        except (BrokenPipeError, ConnectionResetError, OSError) as exc:
            raise _WorkerDied(f"cannot send the job: {exc}") from exc
        return self._recv(time.monotonic() + timeout)

    def _recv(self, deadline: float) -> Any:
        size = _HEADER.unpack(self._read_exact(_HEADER.size, deadline))[0]
        return pickle.loads(self._read_exact(size, deadline))

    def _read_exact(self, n: int, deadline: float) -> bytes:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        buf = bytearray()
        while len(buf) < n:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise _WorkerTimeout()
            try:
                ready, _, _ = select.select([fd], [], [], min(remaining, 1.0))
            except InterruptedError:  # pragma: no cover - PEP 475 retries, kept for safety
                continue
            if not ready:
                continue
            chunk = os.read(fd, min(n - len(buf), 1 << 20))
            if not chunk:
                raise _WorkerDied("the worker closed its output")
            buf += chunk
        return bytes(buf)

    def describe_death(self) -> str:
        try:
            rc = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return "the worker stopped answering"
        if rc < 0:
            try:
                name = signal.Signals(-rc).name
            except ValueError:
                name = f"signal {-rc}"
            what = f"killed by {name}" + (" (out of memory?)" if -rc == signal.SIGKILL else "")
        else:
            what = f"exited with status {rc}"
        tail = self.stderr_tail()
        return what + (f"; last output: {tail}" if tail else "")

    def stderr_tail(self, limit: int = 300) -> str:
        try:
            self.stderr.seek(0, os.SEEK_END)
            size = self.stderr.tell()
            self.stderr.seek(max(0, size - 4096))
            text = self.stderr.read().decode("utf-8", "replace")
        except (OSError, ValueError):
            return ""
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        return (lines[-1] if lines else "")[-limit:]

    def kill(self) -> None:
        """Kill the worker and everything it started (its own process group)."""
        with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(Exception):
            self.proc.kill()
        with contextlib.suppress(Exception):
            self.proc.wait(timeout=10)
        self._close_files()

    def close(self) -> None:
        """Ask an idle worker to exit (end of its input), kill it if it does not."""
        with contextlib.suppress(Exception):
            assert self.proc.stdin is not None
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=3)
        except subprocess.TimeoutExpired:
            self.kill()
            return
        self._close_files()

    def _close_files(self) -> None:
        for fh in (self.proc.stdin, self.proc.stdout, self.stderr):
            with contextlib.suppress(Exception):
                if fh is not None:
                    fh.close()


class _Pool:
    """Idle workers ready for the next file; safe to use from many threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._busy: set[_Worker] = set()
        self._pid = os.getpid()

    def _check_fork(self) -> None:
        if os.getpid() != self._pid:  # a forked child must not share its parent's workers
            self._idle = []
            self._busy = set()
            self._lock = threading.Lock()
            self._pid = os.getpid()

    def acquire(self) -> _Worker:
        self._check_fork()
        worker = None
        with self._lock:
            while self._idle:
                candidate = self._idle.pop()
                if candidate.alive:
                    worker = candidate
                    break
                candidate.kill()
        if worker is None:
            worker = _Worker()
        with self._lock:
            self._busy.add(worker)
        return worker

    def done(self, worker: _Worker) -> None:
        with self._lock:
            self._busy.discard(worker)

    def release(self, worker: _Worker) -> None:
        self._check_fork()
        self.done(worker)
        if worker.alive and worker.files_done < MAX_FILES_PER_WORKER:
            with self._lock:
                if len(self._idle) < MAX_IDLE_WORKERS:
                    self._idle.append(worker)
                    return
        worker.close()

    def shutdown(self, kill_busy: bool = False) -> None:
        if os.getpid() != self._pid:
            return
        with self._lock:
            idle, self._idle = self._idle, []
            busy = list(self._busy) if kill_busy else []
        for worker in idle:
            worker.close()
        for worker in busy:  # their callers get an internal_error at once
            with contextlib.suppress(Exception):
                os.killpg(worker.proc.pid, signal.SIGKILL)


_POOL = _Pool()
atexit.register(_POOL.shutdown)


def shutdown_workers(kill_busy: bool = False) -> None:
    """Stop the idle workers now (they also stop on their own when this process exits);
    with `kill_busy`, also kill those still extracting (an interrupted run)."""
    _POOL.shutdown(kill_busy=kill_busy)


def _rebuild_error(payload: tuple[Any, ...]) -> MetroextractError:
    """The worker's error, as the same class with the same code, stage and message."""
    _, module, qualname, code, stage, message = payload[:6]
    cls: type[MetroextractError] = MetroextractError
    if module and qualname and "." not in qualname:
        try:
            import importlib

            found = getattr(importlib.import_module(module), qualname)
            if isinstance(found, type) and issubclass(found, MetroextractError):
                cls = found
        except Exception:  # noqa: BLE001 - an unknown class still gives a usable error
            cls = MetroextractError
    try:
        err = cls(message, code=code, stage=stage)
    except Exception:  # noqa: BLE001 - a subclass with another signature
        err = MetroextractError(message, code=code, stage=stage)
    return err


def run_isolated(job: str, args: tuple[Any, ...], settings: Settings, timeout: float, log: list[str] | None = None, label: str = "") -> Any:
    """Run one of the worker's `JOBS` in a worker process, killed after `timeout` seconds.

    Raises `_WorkerTimeout`'s public form `ExtractionTimeout`, the worker's own
    `MetroextractError`, `TransientIOError` (no worker, I/O), or `internal_error`."""
    message = (job, args, settings.model_dump())
    for attempt in (1, 2):
        worker = _POOL.acquire()
        try:
            reply = worker.request(message, timeout)
        except _WorkerTimeout:
            _POOL.done(worker)
            worker.kill()
            raise ExtractionTimeout(f"{job} took longer than {timeout:g} s: stopped") from None
        except _WorkerDied as exc:
            _POOL.done(worker)
            sent = "cannot send" not in str(exc)
            detail = worker.describe_death()
            worker.kill()
            if not sent and attempt == 1:
                continue  # an idle worker that died before this job: take a fresh one
            raise MetroextractError(f"the extraction worker died ({detail})", code=QuarantineCode.INTERNAL_ERROR) from None
        except BaseException:  # KeyboardInterrupt, a task-level timeout: never leave a busy worker behind
            _POOL.done(worker)
            worker.kill()
            raise
        worker.files_done += 1
        _POOL.release(worker)
        at = 2 if reply[0] == "ok" else 6  # the worker's log lines follow the result
        lines = list(reply[at] or []) if len(reply) > at else []
        if log is not None:
            log.extend(lines)
        else:
            emit_worker_log(label, lines)
        if reply[0] == "ok":
            return reply[1]
        raise _rebuild_error(reply)
    raise AssertionError("unreachable")  # pragma: no cover


def extract_isolated(path: Path | str, settings: Settings | None = None, *, timeout: float | None = None, log: list[str] | None = None):  # -> Extraction
    """`pipeline.extract(path, settings)` in a worker process, killed after the time limit.

    Raises the worker's `MetroextractError` (same class, code and message),
    `ExtractionTimeout` when the limit is reached, `TransientIOError` when the worker could
    not be started or hit an I/O error, and a `MetroextractError` with code
    `internal_error` for anything else.

    The libraries' log messages about the file are appended to `log` when given, else
    logged on `metroextract.worker` (see `quiet_libraries`).
    """
    settings = settings or Settings()
    limit = float(timeout if timeout is not None else settings.timeout_seconds)
    try:
        return run_isolated("extract", (str(Path(path).absolute()),), settings, limit, log, Path(path).name)
    except ExtractionTimeout:
        raise ExtractionTimeout(f"extraction took longer than {limit:g} s: stopped (limit: timeout_seconds)") from None


@dataclass
class Outcome:
    """An extraction's result as a value: the `Extraction`, or why there is none."""

    extraction: Any = None  # pipeline.Extraction
    code: str | None = None
    stage: str | None = None
    message: str | None = None
    seconds: float = 0.0
    log: list[str] = field(default_factory=list)  # the libraries' messages about the file


def extract_outcome(path: Path | str, settings: Settings | None = None, label: str = "") -> Outcome:
    """`extract_isolated`, with unusable input returned as an `Outcome` instead of raised.

    Only transient errors (`error.transient`) are raised, so that a caller (a Prefect
    task with `retry_condition_fn=retry_only_transient`) can retry them. `label` only
    names the call (the flows use it as the task-run name).
    """
    t0 = time.perf_counter()
    log: list[str] = []
    try:
        extraction = extract_isolated(path, settings, log=log)
    except MetroextractError as exc:
        if exc.transient:
            raise
        return Outcome(code=str(exc.code), stage=exc.stage, message=exc.message, seconds=time.perf_counter() - t0, log=log)
    return Outcome(extraction=extraction, seconds=time.perf_counter() - t0, log=log)


def retry_only_transient(task: Any, task_run: Any, state: Any) -> bool:
    """A Prefect `retry_condition_fn`: retry a failed run only for a transient error."""
    exc = state.data if isinstance(getattr(state, "data", None), BaseException) else None
    if exc is None:
        with contextlib.suppress(BaseException):
            exc = state.result(raise_on_failure=False)
    return bool(getattr(exc, "transient", False))


# --------------------------------------------------------------------------- worker side


def _watch_parent(parent: int) -> None:
    """Kill this worker (and its process group: OCR children) once its parent is gone."""
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            with contextlib.suppress(Exception):
                os.killpg(os.getpgid(0), signal.SIGKILL)
            os._exit(1)


# The worker's jobs, by name: everything that reads a PDF's content runs in a worker, never
# in the flow's process (a crafted page can spin PDFium or pdfminer for ever). Named as
# "module:function" and imported in the worker only, so this module imports none of them.
JOBS = {
    "extract": "metroextract.pipeline:extract",
    "page_sizes": "metroextract.proof:page_sizes",
    "render_page": "metroextract.proof:render_page",
}


def _run_job(job: str, args: tuple[Any, ...], settings: Settings) -> Any:
    import importlib

    module, name = JOBS[job].split(":")
    fn = getattr(importlib.import_module(module), name)
    return fn(*args, settings) if job == "extract" else fn(*args)


_memory_limit_mb: int | None = None


def _limit_memory(megabytes: int | None) -> None:
    """Cap this worker's address space (RLIMIT_AS; its OCR children inherit it), so that a
    PDF inflating to gigabytes fails here with MemoryError instead of taking the machine."""
    global _memory_limit_mb
    if resource is None or megabytes == _memory_limit_mb:
        return
    limit = resource.RLIM_INFINITY if not megabytes else int(megabytes) << 20
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
        _memory_limit_mb = megabytes


def _error_reply(exc: BaseException) -> tuple[Any, ...]:
    if isinstance(exc, MemoryError):
        limit = f"the limit of {_memory_limit_mb} MB (METROEXTRACT_MAX_MEMORY_MB)" if _memory_limit_mb else "the memory available"
        return ("error", None, None, str(QuarantineCode.OUT_OF_MEMORY), "extract", f"reading this file needs more than {limit}: stopped")
    if isinstance(exc, MetroextractError):
        return ("error", type(exc).__module__, type(exc).__qualname__, str(exc.code), exc.stage, exc.message)
    if isinstance(exc, OSError) and not isinstance(exc, _PERMANENT_OS_ERRORS):
        return ("error", TransientIOError.__module__, "TransientIOError", TransientIOError.code, TransientIOError.stage, f"{type(exc).__name__}: {exc}")
    message = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return ("error", None, None, str(QuarantineCode.INTERNAL_ERROR), "extract", message[:2000])


def _send(out: Any, message: Any) -> None:
    try:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # noqa: BLE001 - a result that cannot be pickled is an internal error
        data = pickle.dumps(_error_reply(RuntimeError(f"result cannot be returned: {exc}")))
    out.write(_HEADER.pack(len(data)) + data)
    out.flush()


def _recv(inp: Any) -> Any:
    head = inp.read(_HEADER.size)
    if len(head) < _HEADER.size:
        return None
    size = _HEADER.unpack(head)[0]
    data = inp.read(size)
    if len(data) < size:
        return None
    return pickle.loads(data)


def _serve() -> int:
    # The protocol owns the original stdout; anything printed goes to stderr instead.
    out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    inp = os.fdopen(os.dup(0), "rb", buffering=0)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)  # children (ocrmypdf) must not read the protocol
    os.close(devnull)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's business
    parent = int(os.environ.get(_PARENT_ENV, "0") or 0)
    if parent:
        if os.getppid() != parent:
            return 1
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="watch-parent").start()

    # Library messages are collected per file and sent back with the reply (the parent
    # writes them to the run's log file), never printed: root holds only the buffer.
    buffer = LogBuffer()
    logging.captureWarnings(True)
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(buffer)
    root.setLevel(logging.WARNING)
    import importlib

    importlib.import_module(JOBS["extract"].split(":")[0])  # before "ready": the first file is not slower

    _send(out, ("ready", os.getpid()))
    while True:
        try:
            message = _recv(inp)
        except (OSError, EOFError, pickle.UnpicklingError):
            return 0
        if message is None:
            return 0
        job, args, settings_data = message
        buffer.take()  # nothing of the previous job
        try:
            settings = Settings(**settings_data)
            _limit_memory(settings.max_memory_mb)
            reply: tuple[Any, ...] = ("ok", _run_job(job, args, settings), buffer.take())
        except BaseException as exc:  # noqa: BLE001 - every failure is reported, the worker lives on
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            reply = (*_error_reply(exc), buffer.take())
        try:
            _send(out, reply)
        except OSError as exc:
            if exc.errno in (errno.EPIPE, errno.EBADF) or isinstance(exc, BrokenPipeError):
                return 0
            raise


if __name__ == "__main__":
    sys.exit(_serve())
