"""Errors in user input: each one says what is wrong, where, and how to fix it.

One base exception, :class:`LstoolkitError`. A loader that finds several problems in a tree
raises one error carrying all of them, so a user fixes a file in one pass instead of one error
per run. The CLI prints each problem on its own line and exits 1; the MkDocs plugin turns the
error into a ``PluginError``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lstoolkit.codes import FindingCode


@dataclass(frozen=True)
class Location:
    """A place in a file. Line and column are 1-based; 0 means unknown."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        parts = [self.path]
        if self.line:
            parts.append(str(self.line))
            if self.column:
                parts.append(str(self.column))
        return ":".join(parts)


class LstoolkitError(Exception):
    """A problem in the user's input, with its location and a hint on how to fix it."""

    def __init__(
        self,
        message: str,
        location: Location | None = None,
        *,
        hint: str = "",
        code: FindingCode | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint
        self.code = code
        self.problems: tuple[LstoolkitError, ...] = (self,)

    def __str__(self) -> str:
        return "\n".join(problem.format() for problem in self.problems)

    def sentences(self) -> str:
        """The problem, then the fix: ``message. Hint``."""
        message = self.message
        if self.hint and message and message[-1] not in ".?!:":
            message += "."
        return " ".join(part for part in (message, self.hint) if part)

    def format(self) -> str:
        """``path:line:col: CODE message. Hint`` on one line."""
        text = " ".join(part for part in (self.code or "", self.sentences()) if part)
        return f"{self.location}: {text}" if self.location else text

    @classmethod
    def collect(cls, problems: Sequence[LstoolkitError]) -> LstoolkitError:
        """One error that carries several problems, in the order given."""
        error = cls(f"{len(problems)} problems", problems[0].location if problems else None)
        error.problems = tuple(problems)
        return error


def file_order(problem: LstoolkitError) -> tuple[str, int, int]:
    """Sort key: problems by file, line and column."""
    location = problem.location or Location("")
    return (location.path, location.line, location.column)


def suggest(word: str, choices: Iterable[str]) -> str:
    """A ``did you mean ...?`` hint for the nearest valid choice, or an empty string."""
    matches = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"Did you mean '{matches[0]}'?" if matches else ""


def template_error(error: Exception, template: str) -> LstoolkitError:
    """A Jinja error in a page or handout template, located in the template file."""
    name = getattr(error, "filename", None) or getattr(error, "name", None) or template
    line = getattr(error, "lineno", 0) or 0
    return LstoolkitError(
        f"template error: {error}",
        Location(str(name), line),
        hint="Check the template (an override in overrides/lstoolkit/ wins over the bundled one).",
        code=FindingCode.TEMPLATE_ERROR,
    )
