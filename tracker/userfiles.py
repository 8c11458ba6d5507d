"""Files a user names (a `--config`, a rule pack, an `--output`): read or written with one line saying what
went wrong, never a traceback, and never a hang on a FIFO."""

from __future__ import annotations

from pathlib import Path

from tracker.errors import InputError, ZanWatchError


def read_text(path: Path, what: str, error: type[ZanWatchError]) -> str:
    """The file's UTF-8 text (a byte-order mark, as Notepad writes, dropped), or `error` naming `what` and
    why not. A FIFO or a device is refused unopened: reading one would block or never end."""
    try:
        if path.exists() and not path.is_file():
            raise error(f"{what} {path} is not a regular file")
        return path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise error(f"{what} {path} cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise error(f"{what} {path} is not UTF-8 text: is it the right file?") from None


def write_text(path: Path, text: str) -> None:
    """`--output`: a folder, a missing folder or a read-only place is one line, not a traceback."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"--output {path}: cannot write ({exc.strerror or exc}); choose another path"
        ) from None
