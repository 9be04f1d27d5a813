"""Atomic writes: the one writer of the output folder (a reader never sees half a file,
and every file gets the mode the process umask gives, never `mkstemp`'s owner-only one).

A bottom module: it imports nothing from the project.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def fsync_dir(path: Path) -> None:
    """Make a rename in `path` durable (best effort: some filesystems refuse)."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def process_umask() -> int:
    """The process umask, read without changing it (Linux: /proc/self/status; elsewhere
    set and restored at once)."""
    try:
        with open("/proc/self/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def file_mode() -> int:
    """The mode a plain `open(path, "w")` would give: 0644 under umask 022."""
    return 0o666 & ~process_umask()


def dir_mode() -> int:
    """The mode a plain `mkdir` would give: 0755 under umask 022."""
    return 0o777 & ~process_umask()


def atomic_write_bytes(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over the target.

    A reader sees the old file or the new one, never half of one, even after SIGKILL. The
    file gets the mode any other file the process creates gets (`file_mode`), not the
    owner-only mode of `mkstemp`: outputs are read by other accounts (downstream tools).
    This is the one writer of the output folder; `mode` overrides (e.g. to keep a file's).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, file_mode() if mode is None else mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
