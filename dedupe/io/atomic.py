"""Atomic output files: write to a temporary file beside the target, fsync, then rename over it.

A run that fails leaves the target as it was (absent, or its previous contents) and no temporary
file behind; one killed outright leaves its temporary file (named with its process id), which the
next write of the same target removes. `AtomicOutputs` extends this to several files that are committed together at the end.
"""

from __future__ import annotations

import os
import sys
import tempfile
from typing import IO, Any

from dedupe.errors import DedupeError
from dedupe.io.formats import STDIO


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_stale(directory: str, name: str) -> int:
    """Remove temporary files of `name` left by processes that died before committing (SIGKILL,
    power loss); files of live processes are left alone. Returns how many were removed."""
    removed = 0
    prefix = f".{name}."
    try:
        entries = os.listdir(directory)
    except OSError:
        return 0
    for entry in entries:
        if not (entry.startswith(prefix) and entry.endswith(".tmp")):
            continue
        pid = entry[len(prefix):].split(".", 1)[0]
        if pid.isdigit() and not _pid_alive(int(pid)):
            try:
                os.unlink(os.path.join(directory, entry))
                removed += 1
            except OSError:
                pass
    return removed


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class AtomicFile:
    """A binary stream to a temporary file that becomes `target` on commit() and vanishes on abort().

    `-` is standard output: written through directly, as a pipe cannot be taken back.
    """

    def __init__(self, target: str):
        self.target = target
        self.temp: str | None = None
        self.stream: IO[bytes]
        if target == STDIO:
            self.stream = sys.stdout.buffer
            return
        directory = os.path.dirname(os.path.abspath(target))
        name = os.path.basename(target)
        sweep_stale(directory, name)
        try:
            fd, self.temp = tempfile.mkstemp(dir=directory, prefix=f".{name}.{os.getpid()}.", suffix=".tmp")
        except OSError as exc:
            raise DedupeError(f"{target}: cannot write: {exc.strerror or exc}") from None
        if hasattr(os, "fchmod"):  # mkstemp makes 0600; outputs get the usual permissions
            os.fchmod(fd, 0o666 & ~_umask())
        self.stream = os.fdopen(fd, "wb")

    def finish(self) -> None:
        """Flush and fsync the temporary file and close it; the target is not touched yet."""
        if self.temp is None:
            self.stream.flush()
            return
        if not self.stream.closed:
            self.stream.flush()
            os.fsync(self.stream.fileno())
            self.stream.close()

    def commit(self) -> None:
        """Rename the finished temporary file over the target and fsync the directory."""
        self.finish()
        if self.temp is None:
            return
        os.replace(self.temp, self.target)
        self.temp = None
        _fsync_dir(os.path.dirname(os.path.abspath(self.target)))

    def abort(self) -> None:
        """Drop the temporary file; the target keeps whatever it had before."""
        if self.temp is None:
            return
        try:
            if not self.stream.closed:
                self.stream.close()
        finally:
            try:
                os.unlink(self.temp)
            except FileNotFoundError:
                pass
            self.temp = None


def _fsync_dir(directory: str) -> None:
    """Make the rename itself durable (POSIX); harmless to skip where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class AtomicOutputs:
    """Several writers committed together: all outputs appear when the block ends cleanly, none if it raises.

        with AtomicOutputs() as outs:
            kept = outs.open("kept.jsonl")
            rejects = outs.open("rejects.jsonl.gz")
            ...

    Opening the same path twice gives the same writer. Each file is renamed into place only after
    every file has been written and fsynced, so a failure while writing commits nothing.
    """

    def __init__(self) -> None:
        self._writers: dict[str, Any] = {}

    def open(self, path: str, text_field: str = "text") -> Any:
        """A DocumentWriter for `path` that commits with the others."""
        from dedupe.io.writers import DocumentWriter

        return self._add(path, lambda: DocumentWriter(path, text_field))

    def open_records(self, path: str) -> Any:
        """A RecordWriter (plain dict records, .csv allowed) for `path` that commits with the others."""
        from dedupe.io.writers import RecordWriter

        return self._add(path, lambda: RecordWriter(path, csv_ok=True))

    def _add(self, path: str, make: Any) -> Any:
        key = path if path == STDIO else os.path.abspath(path)
        if key not in self._writers:
            self._writers[key] = make()
        return self._writers[key]

    def __enter__(self) -> "AtomicOutputs":
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        writers = list(self._writers.values())
        if exc_type is not None:
            for writer in writers:
                writer.abort()
            return
        try:
            for writer in writers:
                writer.finish()
        except BaseException:
            for writer in writers:
                writer.abort()
            raise
        for i, writer in enumerate(writers):
            try:
                writer.commit()
            except BaseException:
                for rest in writers[i:]:
                    rest.abort()
                raise
