"""Input paths to files: folders are walked, globs expanded, problems reported.

Everything a user can name on the command line ends up as a file path, the
stdin marker "-", or an InputError saying why there is nothing to read there.
Folders are walked in sorted order (so runs are reproducible) without hidden
files or folders and without following symlinked folders (no loops).
"""

from __future__ import annotations

import errno
import glob
import os
from collections.abc import Iterable, Iterator

from kb.errors import InputError

STDIN = "-"
_GLOB_CHARACTERS = frozenset("*?[")


def describe_os_error(error: OSError) -> str:
    """A short reason a user can act on, e.g. "permission denied"."""
    if isinstance(error, PermissionError):
        return "permission denied"
    if isinstance(error, FileNotFoundError):
        return "no such file or directory"
    if error.errno == errno.ELOOP:
        return "symbolic link loop"
    return error.strerror.lower() if error.strerror else str(error)


def _file(path: str) -> Iterator[str | InputError]:
    if os.path.islink(path) and not os.path.exists(path):
        yield InputError(path, "broken symbolic link")
    elif os.path.isdir(path):
        yield from _walk(path)
    elif os.path.isfile(path):
        yield path
    elif os.path.exists(path):
        yield InputError(path, "not a regular file")
    else:
        yield InputError(path, "no such file or directory")


def _walk(folder: str) -> Iterator[str | InputError]:
    try:
        with os.scandir(folder) as entries:
            names = sorted(entry.name for entry in entries)
    except OSError as error:
        yield InputError(folder, describe_os_error(error))
        return
    for name in names:
        if name.startswith("."):
            continue
        path = os.path.join(folder, name)
        if os.path.isdir(path) and os.path.islink(path):
            continue
        yield from _file(path)


def expand_paths(paths: Iterable[str]) -> Iterator[str | InputError]:
    """Every file to read, in order, or an InputError for each path that gives none."""
    for path in paths:
        if path == STDIN:
            yield STDIN
        elif os.path.lexists(path) or not _GLOB_CHARACTERS & set(path):
            yield from _file(path)
        else:
            matches = sorted(glob.glob(path, recursive=True))
            if not matches:
                yield InputError(path, "no file matches this pattern")
            for match in matches:
                yield from _file(match)
