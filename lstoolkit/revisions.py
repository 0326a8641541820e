"""A project as it was at a git revision: rebuilt in a temporary directory as it was then.

The agency's repository at a revision, with its submodules at the commits that revision records
and a parent layer in a separate checkout at the revision asked for, else at the commit that
revision's ``agency.lock`` records for it, else as it is now (:class:`Snapshot` says which).
Used by ``lstoolkit diff``, the roll-up's pinned revisions and ``lstoolkit upgrade-check``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from lstoolkit.errors import Location, LstoolkitError
from lstoolkit.layers import PROTOTYPE
from lstoolkit.yamlfile import read_yaml


def relative_name(path: Path, project: Path) -> str:
    """``path`` as named from the project root, whatever the working directory."""
    return Path(os.path.relpath(os.path.realpath(path), project)).as_posix()


# -- git revisions ------------------------------------------------------------------------------


def _git(repository: Path, *args: str) -> str:
    try:
        return subprocess.run(
            ["git", "-C", str(repository), *args],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    except FileNotFoundError:
        raise LstoolkitError(
            "git is not installed", hint="Install git, or compare two files."
        ) from None


def repository_root(path: Path) -> Path:
    result = subprocess.run(
        ["git", "-C", str(path if path.is_dir() else path.parent), "rev-parse", "--show-toplevel"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise LstoolkitError(
            f"{path} is not in a git repository", hint="Compare two agency files instead."
        )
    return Path(result.stdout.strip()).resolve()


def toplevel(directory: Path) -> Path | None:
    """The git working tree whose top is ``directory`` or holds it; None outside git."""
    if not directory.is_dir():
        return None
    try:
        return repository_root(directory)
    except LstoolkitError:
        return None


def head_commit(repository: Path) -> str | None:
    """The commit checked out in ``repository``; None before its first commit."""
    try:
        return _git(repository, "rev-parse", "--verify", "--quiet", "HEAD").strip() or None
    except subprocess.CalledProcessError:
        return None


def commit_of(repository: Path, revision: str) -> str:
    try:
        return _git(
            repository, "rev-parse", "--verify", "--end-of-options", f"{revision}^{{commit}}"
        ).strip()
    except subprocess.CalledProcessError as error:
        raise LstoolkitError(
            f"'{revision}' is not a revision of {repository}: {error.stderr.strip()}",
            Location(str(repository)),
            hint="Name a commit, tag or branch, or two agency files.",
        ) from None


def export(repository: Path, commit: str, destination: Path) -> None:
    """The files of ``commit`` of ``repository``, written under ``destination``."""
    destination.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lstoolkit-archive-") as tmp:
        archive = Path(tmp) / "tree.tar"
        try:
            _git(repository, "archive", "--format=tar", "-o", str(archive), commit)
        except subprocess.CalledProcessError as error:
            raise LstoolkitError(
                f"commit {commit[:12]} cannot be read from {repository}: {error.stderr.strip()}",
                Location(str(repository)),
                hint=f"Fetch it: git -C {repository} fetch",
            ) from None
        with tarfile.open(archive) as tar:
            tar.extractall(destination, filter=_data_or_skip)


def _data_or_skip(member: tarfile.TarInfo, path: str) -> tarfile.TarInfo | None:
    """Tar's "data" filter, skipping what it refuses (a link out of the tree) rather than
    failing: such a file was never readable as part of the project anyway."""
    try:
        return tarfile.data_filter(member, path)
    except tarfile.FilterError:
        return None


def copy_working_tree(directory: Path, destination: Path) -> None:
    """The files of a working tree as they are now: tracked and untracked, not ignored ones (so
    not a built site); links copied as links, so they lead where they led."""
    listed = _git(directory, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for name in dict.fromkeys(n for n in listed.split("\0") if n):
        source = directory / name
        if source.is_symlink() or source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target, follow_symlinks=False)


@dataclass
class Region:
    """Part of a snapshot: a repository's files at a commit, or as they are now (commit None)."""

    directory: Path  # in the snapshot
    repository: Path  # on disk
    commit: str | None


class Snapshot:
    """A project as it was at a revision, rebuilt under a temporary directory: ``path`` maps a
    file of the project on disk to its place there."""

    def __init__(
        self, top: Path, base: Path, revision: str, parent_revision: str | None, project: Path
    ) -> None:
        self.top, self.base, self.revision, self.project = top, base, revision, project
        self.parent_revision = parent_revision
        self.regions: list[Region] = []
        self.notes: list[str] = []
        self.locked: dict[Path, str] = {}  # separate checkout on disk -> commit agency.lock records

    def holds(self, real: Path) -> bool:
        return Path(os.path.realpath(real)).is_relative_to(self.base)

    def path(self, real: Path) -> Path:
        return self.top / Path(os.path.realpath(real)).relative_to(self.base)

    def shown(self, path: Path) -> str:
        """A directory of the snapshot as named from the project root."""
        return relative_name(self.base / path.relative_to(self.top), self.project) + "/"

    def add(self, repository: Path, commit: str | None) -> Region:
        region = Region(self.path(repository), repository, commit)
        if commit is None:
            copy_working_tree(repository, region.directory)
        else:
            export(repository, commit, region.directory)
        self.regions.append(region)
        return region

    def read_lock(self, agency: Path) -> None:
        """The commits of the parent layers' repositories that ``agency``'s lock records at this
        revision (``parents``), keyed by the repository each layer is in on disk now."""
        from lstoolkit.upgrade import lock_path, locked_parents

        lock = self.path(lock_path(agency))
        if not lock.is_file():
            return
        try:
            parents = locked_parents(read_yaml(lock, display=lock.name).data)
        except LstoolkitError:
            self.notes.append(
                f"{lock.name} cannot be read, so the parents' commits it may record are not used"
            )
            return
        for name, commit in parents.items():
            repository = toplevel(Path(os.path.normpath(agency.parent / name)).parent)
            if repository is not None:
                self.locked.setdefault(repository, commit)

    def fill_chain(self, top: Path) -> None:
        """Bring in what the chain from ``top`` extends that the repository's own files do not
        hold: submodules and separate checkouts. Anything odd is left for read_chain to report."""
        current, seen = top, set()
        while current not in seen and current.is_file():
            seen.add(current)
            try:
                extends = read_yaml(current, display=current.name).data.get("extends", PROTOTYPE)
            except LstoolkitError:
                return
            if not isinstance(extends, str) or extends == PROTOTYPE or Path(extends).is_absolute():
                return
            parent = Path(os.path.normpath(current.parent / extends))
            if not parent.is_file() and parent.is_relative_to(self.top):
                self.provide(parent)
            current = parent

    def provide(self, missing: Path) -> None:
        """Bring in the repository that holds ``missing``, a file of the snapshot."""
        holder = max(
            (r for r in self.regions if missing.is_relative_to(r.directory)),
            key=lambda r: len(r.directory.parts),
            default=None,
        )
        if holder is not None and holder.commit is not None:
            self._submodule(holder, missing)
            return
        real = self.base / missing.relative_to(self.top)
        repository = toplevel(real.parent)
        if repository is None:
            self._not_in_git(real)
        elif self.holds(repository) and not any(
            self.path(repository) == r.directory for r in self.regions
        ):
            self._checkout(repository)

    def _submodule(self, holder: Region, missing: Path) -> None:
        assert holder.commit is not None
        inner = missing.relative_to(holder.directory)
        prefixes = [p.as_posix() for p in reversed(inner.parents) if p != Path(".")]
        listed = (
            _git(holder.repository, "ls-tree", "-z", holder.commit, "--", *prefixes)
            if prefixes
            else ""
        )
        links = [
            line.split("\t", 1) for line in listed.split("\0") if line.startswith("160000 commit ")
        ]
        if not links:
            return  # not in a submodule: the file is missing, as read_chain will say
        meta, path = links[-1]
        commit, repository = meta.split()[2], holder.repository / path
        where = self.shown(holder.directory / path)
        if toplevel(repository) != repository.resolve():
            raise LstoolkitError(
                f"{where} is a submodule that is not checked out, so its commit {commit[:12]} "
                f"recorded at {self.revision} cannot be read",
                hint="Run 'git submodule update --init', then compare again.",
            )
        self.add(repository.resolve(), commit)
        self.notes.append(
            f"{where} is the submodule's commit {commit[:12]}, as recorded at {self.revision}"
        )

    def _checkout(self, repository: Path) -> None:
        """A parent layer in a separate checkout (a sibling): at --parent-rev, else at the commit
        agency.lock records, else as it is."""
        where = self.shown(self.path(repository))
        if self.parent_revision is not None:
            commit = commit_of(repository, self.parent_revision)
            self.add(repository, commit)
            self.notes.append(
                f"{where} is a separate checkout, read at {self.parent_revision} ({commit[:12]}) as --parent-rev says"
            )
            self.parent_revision = None  # one revision names one repository: the nearest parent's
            return
        locked = self.locked.get(repository)
        if locked is not None:
            try:
                commit = commit_of(repository, locked)
            except LstoolkitError:
                raise LstoolkitError(
                    f"agency.lock at {self.revision} records commit {locked[:12]} of {where}, which that checkout does not have",
                    Location(str(repository)),
                    hint=f"Fetch it (git -C {repository} fetch), or pass --parent-rev REV.",
                ) from None
            self.add(repository, commit)
            self.notes.append(
                f"{where} is a separate checkout, read at {commit[:12]} as agency.lock records"
            )
            return
        self.add(repository, None)
        self.notes.append(
            f"{where} is a separate checkout and agency.lock records no revision of it, so its working "
            "tree is used; pass --parent-rev REV to compare a revision of it"
        )

    def _not_in_git(self, real: Path) -> None:
        """A parent layer outside any repository: its directory as it is now."""
        directory = real.parent
        if not directory.is_dir() or any(
            r.repository.is_relative_to(directory) for r in self.regions
        ):
            return
        shutil.copytree(
            directory,
            self.path(directory),
            symlinks=True,
            dirs_exist_ok=True,
            ignore=shutil.ignore_patterns(".*", "site", "__pycache__"),
        )
        self.regions.append(Region(self.path(directory), directory, None))
        self.notes.append(
            f"{self.shown(self.path(directory))} is not in a git repository, so its files as they are now are used"
        )


@contextmanager
def snapshot(
    repository: Path, revision: str, project: Path, parent_revision: str | None
) -> Iterator[Snapshot]:
    """The project at ``revision`` of ``repository``: the repository's files at that commit
    first; :meth:`Snapshot.fill_chain` brings in the rest a chain needs."""
    commit = commit_of(repository, revision)
    base = project if repository.is_relative_to(project) else repository
    with tempfile.TemporaryDirectory(prefix="lstoolkit-diff-") as tmp:
        files = Snapshot(Path(tmp).resolve() / "project", base, revision, parent_revision, project)
        files.add(repository, commit)
        yield files
