"""One exception hierarchy: the CLI prints `str(error)` as a single line and exits with `exit_code`."""

from __future__ import annotations


class ZanWatchError(Exception):
    """Base of every error a user may see. The message says what was wrong and what to do."""

    exit_code = 1


class ConfigError(ZanWatchError):
    exit_code = 2


class InputError(ZanWatchError):
    """Bad user input: an invalid key, address, theme or file."""

    exit_code = 2


class NotFound(ZanWatchError):
    exit_code = 3


class Conflict(ZanWatchError):
    """The thing already exists (a duplicate watch or subscriber)."""

    exit_code = 4


class FetchError(ZanWatchError):
    """A source could not be reached or answered with an error after retries."""

    exit_code = 5


class ParseError(ZanWatchError):
    exit_code = 6


class RuleError(ZanWatchError):
    """A rule pack is invalid: names the pack, the rule and what is wrong."""

    exit_code = 7


class DeliveryError(ZanWatchError):
    exit_code = 8


class StorageError(ZanWatchError):
    """The database refused a write (locked, full, unreachable); the transaction was rolled back."""

    exit_code = 9
