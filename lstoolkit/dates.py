"""A version's dates: the publication date its readers see, and the build epoch that makes its
site and PDFs reproducible (``SOURCE_DATE_EPOCH``): the adoption date, else the last commit of
its files."""

from __future__ import annotations

import datetime
import subprocess
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lstoolkit.layers import Layer


def publication_date(layers: tuple[Layer, ...]) -> str:
    """The date readers see: the agency's 'published', else the adoption date, else the day of
    the last commit of its files, else none (YYYY-MM-DD)."""
    if not layers:
        return ""
    if layers[-1].file.published:
        return str(layers[-1].file.published)
    epoch = source_date_epoch(layers)
    return (
        datetime.datetime.fromtimestamp(epoch, datetime.UTC).date().isoformat()
        if epoch is not None
        else ""
    )


def source_date_epoch(layers: tuple[Layer, ...]) -> int | None:
    """The build date of a version: its adoption date, else its last commit, else unknown."""
    return dated_by(layers)[0]


def dated_by(layers: tuple[Layer, ...]) -> tuple[int | None, tuple[str, tuple[str, ...]] | None]:
    """The build date of a version, and the question asked of git when a commit gives it."""
    if not layers:
        return None, None
    top = layers[-1]
    if top.file.status == "adopted" and top.file.adopted:
        day = datetime.date.fromisoformat(str(top.file.adopted.date))
        stamp = datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC).timestamp()
        return int(stamp), None
    query = commit_query(layers)
    return last_commit(*query), query


def commit_query(layers: tuple[Layer, ...]) -> tuple[str, tuple[str, ...]]:
    """The folder and files whose last commit dates a version that is not adopted."""
    return str(layers[-1].path.parent), tuple(str(layer.path) for layer in layers)


@cache
def last_commit(directory: str, files: tuple[str, ...]) -> int | None:
    """When the files were last committed (once per build: the site and the PDFs both ask)."""
    result = subprocess.run(
        ["git", "-C", directory, "log", "-1", "--format=%ct", "--", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    stamp = result.stdout.strip()
    return int(stamp) if result.returncode == 0 and stamp.isdigit() else None
