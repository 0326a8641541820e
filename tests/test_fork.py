"""Forking: ``lstoolkit new`` end to end (the project builds, its requirements install the
lstoolkit that made it, its workflow passes actionlint and its steps run), and ``lstoolkit lock`` /
``upgrade-check`` golden cases."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers_cli import lstoolkit

ROOT = Path(__file__).parent.parent
CASES = sorted((Path(__file__).parent / "cases" / "upgrade").glob("*.yml"))


def mkdocs_build(project: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("level", ["state", "district", "school"])
def test_new_project_builds_strict_immediately(level: str, tmp_path: Path) -> None:
    result = lstoolkit("new", "toolkit", "--level", level, "--name", f"A {level}", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    written = [
        line.removeprefix("wrote ")
        for line in result.stdout.splitlines()
        if line.startswith("wrote ")
    ]
    assert sorted(written) == sorted(
        str(Path("toolkit") / p)
        for p in (
            "agency.yml",
            "agency.schema.json",
            "mkdocs.yml",
            "docs/.gitkeep",
            "overrides/lstoolkit/README.md",
            ".gitignore",
            "requirements.txt",
            "README.md",
            ".github/workflows/site.yml",
            *(["districts/README.md"] if level == "state" else []),
        )
    )
    project = tmp_path / "toolkit"
    agency = (project / "agency.yml").read_text()
    assert agency.startswith("# yaml-language-server: $schema=./agency.schema.json\n")
    assert "#   - remove: mechanisms/external-collaborators" in agency
    assert f"level: {level}" in agency
    workflow = (project / ".github" / "workflows" / "site.yml").read_text()
    assert "lstoolkit check --strict --format github agency.yml" in workflow
    assert "mkdocs build --strict" in workflow and "lstoolkit publish" in workflow
    assert lstoolkit("check", "--strict", "agency.yml", cwd=project).returncode == 0
    build = mkdocs_build(project)
    assert build.returncode == 0, build.stderr
    assert (project / "site" / "mechanisms" / "steering-body" / "index.html").exists()
    home = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert '<p class="lstoolkit-banner">' in home and "Draft, not yet adopted · version 1.0" in home
    dashboard = project / "site" / "districts" / "index.html"
    assert dashboard.exists() == (level == "state")  # a state's site rolls up its districts
    if level == "state":
        assert "No district is in the roll-up yet" in dashboard.read_text(encoding="utf-8")


def test_new_refuses_existing_files_and_writes_nothing(tmp_path: Path) -> None:
    project = tmp_path / "toolkit"
    project.mkdir()
    (project / "mkdocs.yml").write_text("site_name: Mine\n")
    result = lstoolkit("new", "toolkit", "--level", "district", "--name", "X", cwd=tmp_path)
    assert result.returncode == 1
    assert "already has mkdocs.yml: nothing was written" in result.stderr
    assert [p.name for p in project.iterdir()] == ["mkdocs.yml"]
    assert (project / "mkdocs.yml").read_text() == "site_name: Mine\n"


def test_state_then_district_in_sibling_checkouts(tmp_path: Path) -> None:
    assert (
        lstoolkit(
            "new", "state", "--level", "state", "--name", "Lincoln State", cwd=tmp_path
        ).returncode
        == 0
    )
    result = lstoolkit(
        "new",
        "district",
        "--level",
        "district",
        "--name",
        "Springfield",
        "--extends",
        "state/agency.yml",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    district = tmp_path / "district"
    assert "extends: ../state/agency.yml" in (district / "agency.yml").read_text()
    assert "root: .." in (district / "mkdocs.yml").read_text()
    assert "--root .." in (district / "README.md").read_text()
    check = lstoolkit("check", "--strict", "--root", "..", "agency.yml", cwd=district)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "prototype -> ../state/agency.yml -> agency.yml" in check.stdout
    build = mkdocs_build(district)  # mkdocs.yml's root: .. is relative to mkdocs.yml
    assert build.returncode == 0, build.stderr
    assert "Version 1.0" in (district / "site" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("case_file", CASES, ids=[c.stem for c in CASES])
def test_upgrade_check(case_file: Path, tmp_path: Path) -> None:
    case = yaml.safe_load(case_file.read_text(encoding="utf-8"))
    for name, text in case["before"].items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    lock = lstoolkit("lock", "agency.yml", cwd=tmp_path)
    assert lock.returncode == 0, lock.stderr
    assert (
        lock.stdout == f"wrote {tmp_path / 'agency.lock'}\n" or lock.stdout == "wrote agency.lock\n"
    )
    for name, text in case["after"].items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = lstoolkit("upgrade-check", "--strict", "agency.yml", cwd=tmp_path)
    assert result.stdout == case["expect"]["output"]
    assert result.returncode == case["expect"]["exit"], result.stderr
    assert lstoolkit("upgrade-check", "agency.yml", cwd=tmp_path).returncode == case["expect"].get(
        "exit_without_strict", 0
    )


def test_upgrade_check_without_lock_says_what_to_do(tmp_path: Path) -> None:
    (tmp_path / "agency.yml").write_text("agency: {name: X, level: district}\nversion: '1'\n")
    result = lstoolkit("upgrade-check", "agency.yml", cwd=tmp_path)
    assert result.returncode == 1
    assert (
        "agency.lock does not exist" in result.stderr
        and "Run 'lstoolkit lock' first" in result.stderr
    )


# -- the generated project works as generated ---------------------------------------------------

LAYOUTS = ["prototype", "submodule", "sibling", "sibling-of-sibling"]


def git(*args: str, cwd: Path) -> None:
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=Coach",
            "-c",
            "user.email=coach@example.org",
            "-c",
            "protocol.file.allow=always",
            *args,
        ],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def committed(project: Path) -> Path:
    git("init", "-q", "-b", "main", cwd=project)
    git("add", "-A", cwd=project)
    git("commit", "-q", "-m", "first", cwd=project)
    return project


def new(where: Path, directory: str, level: str, *extends: str) -> Path:
    result = lstoolkit(
        "new",
        directory,
        "--level",
        level,
        "--name",
        f"A {level}",
        *(("--extends", *extends) if extends else ()),
        cwd=where,
    )
    assert result.returncode == 0, result.stderr
    return where / directory


def make_layout(kind: str, workspace: Path) -> Path:
    """A project of this layout in ``workspace`` (as CI lays it out), each repository committed;
    returns the project's directory."""
    workspace.mkdir()
    if kind == "prototype":
        return committed(new(workspace, "lincoln-state", "state"))
    if kind == "submodule":
        state = committed(new(workspace / "..", "lincoln-state-upstream", "state"))
        project = workspace / "springfield"
        project.mkdir()
        git("init", "-q", "-b", "main", cwd=project)
        git("submodule", "add", "-q", str(state), "state", cwd=project)
        new(project, ".", "district", "state/agency.yml")
        git("add", "-A", cwd=project)
        git("commit", "-q", "-m", "first", cwd=project)
        return project
    committed(new(workspace, "lincoln-state", "state"))
    district = committed(new(workspace, "springfield", "district", "lincoln-state/agency.yml"))
    if kind == "sibling":
        return district
    return committed(new(workspace, "lincoln-elementary", "school", "springfield/agency.yml"))


def workflow_of(project: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(
        (project / ".github" / "workflows" / "site.yml").read_text(encoding="utf-8")
    )
    return loaded


def actionlint(workflow: Path) -> subprocess.CompletedProcess[str]:
    """actionlint (from the test extra) on one workflow file; without ShellCheck or pyflakes, so
    that the result does not depend on what else the machine has installed."""
    executable = Path(sys.executable).with_name("actionlint")
    assert executable.exists(), "actionlint is not installed: pip install -e '.[test]'"
    return subprocess.run(
        [str(executable), "-no-color", "-shellcheck=", "-pyflakes=", str(workflow)],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("kind", LAYOUTS)
def test_the_workflow_passes_actionlint(kind: str, tmp_path: Path) -> None:
    project = make_layout(kind, tmp_path / "workspace")
    result = actionlint(project / ".github" / "workflows" / "site.yml")
    assert (result.returncode, result.stdout) == (0, ""), result.stdout + result.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    """The check above can fail: an unknown context, a missing key and a deprecated action."""
    project = new(tmp_path, "toolkit", "state")
    workflow = project / ".github" / "workflows" / "site.yml"
    text = workflow.read_text(encoding="utf-8")
    for broken, expected in [
        (
            text.replace("github.base_ref", "github.base_reff"),
            'property "base_reff" is not defined',
        ),
        (text.replace("    runs-on: ubuntu-latest\n", ""), '"runs-on" section is missing'),
        (
            text.replace("actions/checkout@v5", "actions/checkout@v4"),
            'runtime "node20" is deprecated',
        ),
    ]:
        workflow.write_text(broken, encoding="utf-8")
        result = actionlint(workflow)
        assert result.returncode == 1 and expected in result.stdout, result.stdout


@pytest.mark.parametrize("kind", LAYOUTS)
def test_the_workflow_checks_out_every_parent_beside_the_project(kind: str, tmp_path: Path) -> None:
    project = make_layout(kind, tmp_path / "workspace")
    workflow = workflow_of(project)
    job = workflow["jobs"]["build"]
    checkouts = [
        step["with"]
        for step in job["steps"]
        if step.get("uses", "").startswith("actions/checkout@")
    ]
    runs = " ".join(step.get("run", "") for step in job["steps"])
    siblings = {
        "prototype": [],
        "submodule": [],
        "sibling": ["lincoln-state"],
        "sibling-of-sibling": ["springfield", "lincoln-state"],
    }[kind]
    assert (
        checkouts[0]["fetch-depth"] == 0 and checkouts[0]["submodules"] is True
    )  # origin/<base> for the diff
    assert [c["path"] for c in checkouts[1:]] == siblings
    if siblings:
        names = ["PARENT_REPOSITORY", "PARENT_REPOSITORY_2"][: len(siblings)]
        assert workflow["env"] == {
            name: f"owner/{sibling}" for name, sibling in zip(names, siblings, strict=True)
        }
        assert [c["repository"] for c in checkouts[1:]] == [
            f"${{{{ env.{name} }}}}" for name in names
        ]
        assert checkouts[0]["path"] == job["defaults"]["run"]["working-directory"] == project.name
        assert runs.count(" --root .. ") == 3  # diff, check, publish
        assert "PARENT_REPOSITORY" in (project / "README.md").read_text(encoding="utf-8")
    else:
        assert "env" not in workflow and "defaults" not in job and "path" not in checkouts[0]
        assert "--root" not in runs
    diff = next(step for step in job["steps"] if "lstoolkit diff" in step.get("run", ""))
    assert diff["if"] == "github.event_name == 'pull_request'" and diff["env"] == {
        "BASE_REF": "${{ github.base_ref }}"
    }
    assert diff["run"].endswith('--format markdown >> "$GITHUB_STEP_SUMMARY"')
    publish = next(step for step in job["steps"] if "lstoolkit publish" in step.get("run", ""))
    assert publish["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"


@pytest.mark.parametrize("kind", LAYOUTS)
def test_the_workflows_lstoolkit_steps_run_in_the_checkout_it_describes(
    kind: str, tmp_path: Path
) -> None:
    """The check and pull-request steps, run as CI would: in the working directory the workflow
    names, with a change to review against origin/main."""
    workspace = tmp_path / "workspace"
    project = make_layout(kind, workspace)
    git("update-ref", "refs/remotes/origin/main", "HEAD", cwd=project)
    agency = project / "agency.yml"
    agency.write_text(
        agency.read_text(encoding="utf-8") + "values: {facilitator_positions: 14}\n",
        encoding="utf-8",
    )
    job = workflow_of(project)["jobs"]["build"]
    cwd = workspace / job["defaults"]["run"]["working-directory"] if "defaults" in job else project
    summary = tmp_path / "summary.md"
    env = {
        **os.environ,
        "GITHUB_STEP_SUMMARY": str(summary),
        "BASE_REF": "main",
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]),
    }
    steps = [
        step["run"]
        for step in job["steps"]
        if step.get("run", "").startswith(("lstoolkit diff", "lstoolkit check"))
    ]
    assert len(steps) == 2
    for run in steps:
        result = subprocess.run(
            ["bash", "-e", "-c", run], cwd=cwd, env=env, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, f"{run}\n{result.stdout}{result.stderr}"
    review = summary.read_text(encoding="utf-8")
    assert "origin/main" in review and "facilitator" in review and "14" in review, review


def test_requirements_pin_the_lstoolkit_that_made_the_project(tmp_path: Path) -> None:
    """pip finds the pinned version in wheels/ beside requirements.txt, from any directory."""
    from lstoolkit import __version__

    project = new(tmp_path, "toolkit", "state")
    requirements = (project / "requirements.txt").read_text(encoding="utf-8")
    assert f"\nlstoolkit=={__version__}\n" in requirements and "python -m build" in requirements
    (project / "wheels").mkdir()
    fake_wheel(project / "wheels", __version__)
    fake_wheel(project / "wheels", "99.0")  # a newer release is not taken
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--dry-run",
            "--no-index",
            "--no-deps",
            "--ignore-installed",
            "--quiet",
            "--report",
            "-",
            "-r",
            str(project / "requirements.txt"),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    [chosen] = json.loads(result.stdout)["install"]
    assert (chosen["metadata"]["name"], chosen["metadata"]["version"]) == ("lstoolkit", __version__)
    assert (
        chosen["download_info"]["url"]
        == (project / "wheels" / f"lstoolkit-{__version__}-py3-none-any.whl").as_uri()
    )


def fake_wheel(directory: Path, version: str) -> None:
    """An empty wheel named and versioned as lstoolkit's release wheel is."""
    info = f"lstoolkit-{version}.dist-info"
    files = {
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: lstoolkit\nVersion: {version}\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    with zipfile.ZipFile(directory / f"lstoolkit-{version}-py3-none-any.whl", "w") as wheel:
        for name, text in files.items():
            wheel.writestr(name, text)
        record = [f"{name},sha256={_digest(text)},{len(text)}" for name, text in files.items()]
        wheel.writestr(f"{info}/RECORD", "\n".join([*record, f"{info}/RECORD,,"]) + "\n")


def _digest(text: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()


@pytest.mark.parametrize(
    ("extends", "root_flag"),
    [
        ("prototype", ""),
        ("springfield/state/agency.yml", ""),
        ("lincoln-state/agency.yml", " --root .."),
    ],
)
def test_next_steps_use_the_root_of_a_sibling_checkout(
    extends: str, root_flag: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lstoolkit.scaffold import next_steps

    monkeypatch.chdir(tmp_path)
    assert (
        next_steps(Path("springfield"), extends)
        == f"Next: cd springfield && lstoolkit check{root_flag} agency.yml && mkdocs build --strict"
    )
    assert next_steps(Path("my district")).startswith(
        "Next: cd 'my district' && lstoolkit check agency.yml"
    )


def readme_commands(project: Path) -> list[str]:
    """The lines of the generated README's first code block, as a person would paste them."""
    readme = (project / "README.md").read_text(encoding="utf-8")
    found = re.search(r"^```sh\n(.*?)^```$", readme, re.MULTILINE | re.DOTALL)
    assert found, readme
    return [line for line in found.group(1).splitlines() if line.strip()]


def fresh_shell(cache: Path) -> dict[str, str]:
    """The environment of a shell that has no virtual environment active (``python3`` is the
    machine's), with lstoolkit's render cache in ``cache``."""
    venv = str(Path(sys.executable).parent)
    drop = {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "SOURCE_DATE_EPOCH"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["PATH"] = os.pathsep.join(d for d in env["PATH"].split(os.pathsep) if d != venv)
    return {**env, "LSTOOLKIT_CACHE_DIR": str(cache)}


@pytest.mark.slow
def test_the_readme_commands_pass_in_a_fresh_directory_with_lstoolkit_from_its_wheel(
    tmp_path: Path,
) -> None:
    """A district in a sibling checkout, lstoolkit's release wheel in its wheels/, then the README's
    commands as they stand: they make a fresh virtual environment, install requirements.txt (the
    wheel, and its dependencies from the package index), check, and build the site and handouts."""
    from lstoolkit import __version__

    built = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path / "dist"), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    wheel = tmp_path / "dist" / f"lstoolkit-{__version__}-py3-none-any.whl"
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    new(workspace, "lincoln-state", "state")
    project = new(workspace, "springfield", "district", "lincoln-state/agency.yml")
    (project / "wheels").mkdir()
    shutil.copy2(wheel, project / "wheels")
    commands = readme_commands(project)
    assert commands[0].startswith(
        "python3 -m venv .venv && .venv/bin/pip install -r requirements.txt && "
    )
    assert "--root .." in commands[0] and commands[1].startswith(".venv/bin/mkdocs build --strict")
    env = fresh_shell(tmp_path / "cache")
    for command in commands:
        result = subprocess.run(
            ["bash", "-e", "-c", command],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, f"{command}\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
    assert "Version 1.0" in (project / "site" / "index.html").read_text(encoding="utf-8")
    handouts = {p.name for p in (project / "site" / "handouts").glob("*.pdf")}
    assert {"design-document.pdf", "mechanism-sheets.pdf", "fidelity-report.pdf"} <= handouts
    installed = subprocess.run(  # the lstoolkit that ran is the wheel's, installed in the new .venv
        [
            str(project / ".venv" / "bin" / "python"),
            "-c",
            "import importlib.metadata as m, lstoolkit; print(lstoolkit.__file__); print(m.distribution('lstoolkit').read_text('RECORD'), end='')",
        ],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n", 1)
    assert Path(installed[0]).is_relative_to(project / ".venv")
    with zipfile.ZipFile(wheel) as archive:  # each file of the wheel, with its hash
        shipped = set(
            archive.read(f"lstoolkit-{__version__}.dist-info/RECORD").decode().splitlines()
        )
    assert any(line.startswith("lstoolkit/diff.py,sha256=") for line in shipped)
    assert shipped <= set(installed[1].splitlines())


def test_the_release_wheel_carries_the_version_lstoolkit_reports() -> None:
    """The wheel 'python -m build' makes is named after pyproject's version; projects pin __version__."""
    import tomllib

    from lstoolkit import __version__

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["version"] == __version__
    assert (
        project["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]["templates"]
        == "lstoolkit/data/templates"
    )
    assert (ROOT / "templates" / "theme" / "partials" / "lstoolkit-banner.html").is_file()
