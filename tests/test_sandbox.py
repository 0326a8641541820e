"""Agency override templates are untrusted code: they render harmlessly or fail with LS305.

Overrides (``overrides/lstoolkit/<name>.md.j2`` and ``overrides/lstoolkit/handouts/<name>.html.j2``)
come from pull requests and are built in CI with credentials. Whatever such a template does, it
must not read, write, fetch or run anything, nor change the data the rest of the build shares, nor
stop the build with a traceback: it either renders text that holds no secret, or raises an
:class:`LstoolkitError` with code LS305 located in the template file.

Each hostile template renders in a forked child with a time and memory limit. ``signal.alarm``
alone cannot stop a render stuck in C code (Jinja folds ``10**(10**10)`` or ``'x' * 10**10`` at
compile time, in one C call), so the parent kills a child that overruns, and a template that hangs
or exhausts memory fails its own test instead of the whole run. The parent then checks the files
the child could have touched: a marker path that must never exist, and a canary file outside the
project whose random token must never show up in an output or an error message.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import hashlib
import io
import itertools
import json
import os
import pickle
import resource
import secrets
import select
import signal
import time
import types
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path, PurePath
from typing import Any

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

import lstoolkit.render
from lstoolkit.adapt import Adapted, adapt
from lstoolkit.check import check_adapted
from lstoolkit.diff import SemanticDiff, diff_adapted
from lstoolkit.errors import LstoolkitError
from lstoolkit.findings import CODES, Finding
from lstoolkit.handouts import (
    HandoutRenderer,
    RenderedHandout,
    handout_environment,
    plan_handouts,
)
from lstoolkit.layers import read_chain
from lstoolkit.load import load_content
from lstoolkit.render import Page, SiteRenderer, page_environment

ROOT = Path(__file__).parent.parent
PAGE_TEMPLATE = "home.md.j2"
HANDOUT_TEMPLATE = "design-document.html.j2"
TIMEOUT = 20  # seconds a render may take: signal.alarm in the child
HARD_TIMEOUT = TIMEOUT + 20  # then the parent kills a child stuck in C code
MEMORY = 2 * 1024**3  # bytes of address space a render may add
COUNTER = itertools.count()

#: Never in an output or an error message: proof that a file was read or a command run. The
#: canary's token is added per run; YAML comments never reach the model, only the raw file.
SECRETS = ("yaml-language-server", "uid=")
#: Never in the output of a hostile template: Python internals, system files, Path objects, and
#: the build machine's absolute project path.
SUSPICIOUS = ("<class", "<module", "subprocess", "/etc", "root:", "PosixPath(", str(ROOT.resolve()))

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the isolation forks a child")


# -- running a render in a child process ---------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What a render did: its output, or its error, and any trace it left."""

    output: str | None = None  # the rendered text (first 20,000 characters)
    code: str = ""  # of the LstoolkitError raised
    error_path: str = ""  # the path of its location
    error_text: str = ""
    crash: str = ""  # any other exception, a timeout, or a killed child
    leaked: tuple[str, ...] = ()  # secrets in the output or the error message
    suspicious: tuple[str, ...] = ()  # suspicious strings in the output
    state_changed: bool = False
    marker_created: bool = False
    canary_intact: bool = True


class _Alarm(BaseException):
    """Raised by SIGALRM: a BaseException, so that no ``except Exception`` swallows it."""


def _on_alarm(signum: int, frame: Any) -> None:
    raise _Alarm


def _limit_memory() -> None:
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return
    used = int(status.split("VmSize:")[1].split()[0]) * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (used + MEMORY, hard))


def _read_all(fd: int, deadline: float) -> bytes | None:
    """Everything the child writes, or None when it does not finish by ``deadline``."""
    chunks: list[bytes] = []
    with os.fdopen(fd, "rb", buffering=0) as pipe:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([pipe], [], [], left)[0]:
                return None
            chunk = pipe.read(1 << 16)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


def in_child(job: Callable[[], Outcome]) -> Outcome:
    """Run ``job`` in a forked child with a memory limit and a timeout."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.close(read_end)
            _limit_memory()
            try:
                outcome = job()
            except BaseException as error:
                outcome = Outcome(crash=f"the test harness failed: {error!r}")
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(pickle.dumps(outcome))
        finally:
            os._exit(0)
    os.close(write_end)
    data = _read_all(read_end, time.monotonic() + HARD_TIMEOUT)
    if data is None:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    if data is None:
        return Outcome(crash=f"no result within {HARD_TIMEOUT} s: stuck in C code, killed")
    if not data:
        return Outcome(crash=f"the render killed its process (wait status {status})")
    outcome = pickle.loads(data)
    assert isinstance(outcome, Outcome), outcome
    return outcome


def classify(
    render: Callable[[], str], state: Callable[[], str], secrets_: tuple[str, ...]
) -> Outcome:
    """Run ``render`` under ``signal.alarm`` and describe what happened (in the child)."""
    before = state()
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(TIMEOUT)
    try:
        text = render()
    except LstoolkitError as error:
        path = error.location.path if error.location else ""
        outcome = Outcome(
            code=error.code or "",
            error_path=path,
            error_text=str(error)[:2000],
            leaked=tuple(s for s in secrets_ if s in str(error)),
        )
    except _Alarm:
        outcome = Outcome(crash=f"no result within {TIMEOUT} s")
    except BaseException as error:
        outcome = Outcome(crash=f"{type(error).__name__}: {str(error)[:300]}")
    else:
        outcome = Outcome(
            output=text[:20_000],
            leaked=tuple(s for s in secrets_ if s in text),
            suspicious=tuple(s for s in SUSPICIOUS if s in text),
        )
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    return dataclasses.replace(outcome, state_changed=state() != before)


# -- the toolkit, the canary and the two ways to render an override --------------------------------


class Sandbox:
    """The adapted example toolkit, and a directory outside the project holding the canary."""

    def __init__(
        self,
        adapted: Adapted,
        findings: tuple[Finding, ...],
        changes: SemanticDiff,
        outside: Path,
        token: str,
    ) -> None:
        self.adapted, self.findings, self.changes = adapted, findings, changes
        self.outside, self.token = outside, token

    def __repr__(self) -> str:  # short, for Hypothesis' report of a failing example
        return f"Sandbox(examples/district, outside={str(self.outside)!r})"

    @property
    def canary(self) -> Path:
        return self.outside / "canary.txt"

    @property
    def secrets(self) -> tuple[str, ...]:
        return (self.token, *SECRETS)

    def fill(self, body: str, marker: Path) -> str:
        """The template with the canary's and the marker's paths as Jinja string literals."""
        return body.replace("@CANARY@", json.dumps(str(self.canary))).replace(
            "@MARKER@", json.dumps(str(marker))
        )

    def page(self, overrides: Path) -> str:
        renderer = SiteRenderer(self.adapted, self.findings, page_environment([overrides]))
        renderer.changes = self.changes  # as with compare_with
        renderer.handouts = self.rendered_handouts()  # as after rendering the handouts
        return renderer.render(Page("index.md", PAGE_TEMPLATE, {}))

    def rendered_handouts(self) -> dict[str, RenderedHandout]:
        """What a build with handouts gives the page renderer, whatever fields it has today."""
        made = {}
        for h in plan_handouts(self.adapted):
            known: dict[str, Any] = {
                "handout": h,
                "path": self.outside / h.filename,
                "size": 1024,
                "data": b"%PDF-1.7",
                "cached": True,
                "seconds": 0.0,
            }
            made[h.name] = RenderedHandout(
                **{
                    f.name: known[f.name]
                    for f in dataclasses.fields(RenderedHandout)
                    if f.name in known
                }
            )
        return made

    def handout(self, overrides: Path) -> str:
        handout = next(h for h in plan_handouts(self.adapted) if h.name == "design-document")
        return HandoutRenderer(self.adapted, self.findings, handout_environment([overrides])).html(
            handout
        )

    def state(self) -> str:
        """A digest of the data a render shares with the rest of the build."""
        a = self.adapted
        shared = (a.raw, a.prototype.raw, a.layers, a.changes, a.toolkit, self.findings, CODES)
        return hashlib.sha256(repr(shared).encode("utf-8")).hexdigest()

    def attempt(self, kind: str, body: str) -> Outcome:
        """Render ``body`` as the page (``kind`` "page") or handout override, in a child."""
        n = next(COUNTER)
        overrides, marker = self.outside / f"overrides-{n}", self.outside / f"marker-{n}"
        template = (
            overrides / PAGE_TEMPLATE
            if kind == "page"
            else overrides / "handouts" / HANDOUT_TEMPLATE
        )
        template.parent.mkdir(parents=True)
        template.write_text(self.fill(body, marker), encoding="utf-8")
        render = self.page if kind == "page" else self.handout
        outcome = in_child(lambda: classify(lambda: render(overrides), self.state, self.secrets))
        intact = self.canary.read_text(encoding="utf-8") == self.token
        return dataclasses.replace(outcome, marker_created=marker.exists(), canary_intact=intact)


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Sandbox:
    tree = load_content()
    state = adapt(tree, read_chain(ROOT / "examples/state/agency.yml", root=ROOT))
    adapted = adapt(tree, read_chain(ROOT / "examples/district/agency.yml", root=ROOT))
    findings = check_adapted(adapted)
    changes = diff_adapted(
        state, adapted, check_adapted(state), findings, old_label="state", new_label="district"
    )
    outside = tmp_path_factory.mktemp("outside")
    assert not outside.resolve().is_relative_to(ROOT.resolve())
    token = "canary-" + secrets.token_hex(16)
    (outside / "canary.txt").write_text(token, encoding="utf-8")
    return Sandbox(adapted, findings, changes, outside, token)


def assert_harmless(outcome: Outcome, template: str, *, strict: bool = True) -> None:
    """Rendered text without secrets, or LS305 in ``template``; never a trace, never a crash."""
    assert not outcome.marker_created, "the template created a file"
    assert outcome.canary_intact, "the template changed a file outside the project"
    assert not outcome.state_changed, "the template changed the data the build shares"
    assert not outcome.leaked, f"secret in the output or error message: {outcome.leaked}"
    assert not outcome.crash, f"not an LstoolkitError: {outcome.crash}"
    if outcome.output is None:
        assert outcome.code == "LS305", outcome.error_text
        assert Path(outcome.error_path).name == template, (
            f"located in {outcome.error_path!r}: {outcome.error_text}"
        )
    elif strict:
        assert not outcome.suspicious, (
            f"{outcome.suspicious} in the output: {outcome.output[:500]!r}"
        )


# -- 1. hostile templates, each as a page override and as a handout override -------------------------

#: Every name a page or handout template receives today, and Jinja's own globals.
CONTEXT_NAMES = (
    "page_uri",
    "toolkit",
    "agency",
    "layers",
    "log",
    "findings",
    "codes",
    "link",
    "url",
    "prototype_title",
    "cautions_about",
    "citation",
    "title_of",
    "exists",
    "addresses",
    "codes_reference",
    "summarize",
    "diagram_description",
    "handouts",
    "changes",
    "diff_sections",
    "handout_link",
    "handout",
    "values",
    "level_wording",
    "paragraphs",
    "logo",
    "diagram",
    "stylesheet",
    "created",
    "banner",
    "range",
    "dict",
    "lipsum",
    "cycler",
    "joiner",
    "namespace",
    "self",
)
POPEN = ".os.popen('id').read()"
READ_CANARY = ".joinpath(@CANARY@).read_text()"

HOSTILE = [
    # Harmless controls: the harness itself must let these through.
    pytest.param("{{ toolkit.items('elements')|length }} {{ 7 * 7 }}", id="control-harmless"),
    pytest.param("{{ layers|length }} {{ log|length }}", id="control-lengths"),
    # Classic server-side template injection.
    pytest.param("{{ ''.__class__.__mro__[1].__subclasses__() }}", id="str-mro-subclasses"),
    pytest.param("{{ ().__class__.__bases__[0].__subclasses__() }}", id="tuple-bases-subclasses"),
    pytest.param("{{ ''['__class__']['__mro__'] }}", id="subscript-dunder"),
    pytest.param("{{ cycler.__init__.__globals__" + POPEN + " }}", id="cycler-globals-popen"),
    pytest.param("{{ joiner.__init__.__globals__" + POPEN + " }}", id="joiner-globals-popen"),
    pytest.param("{{ namespace.__init__.__globals__" + POPEN + " }}", id="namespace-globals-popen"),
    pytest.param("{{ lipsum.__globals__['os'].popen('id').read() }}", id="lipsum-globals-popen"),
    pytest.param(
        "{{ lipsum.__globals__.__builtins__.open(@CANARY@).read() }}", id="lipsum-builtins-open"
    ),
    pytest.param(
        "{{ lipsum.__globals__.__builtins__.__import__('urllib.request').request.urlopen('http://127.0.0.1:9/') }}",
        id="lipsum-import-urlopen",
    ),
    pytest.param("{{ range.__self__ }}", id="range-self"),
    pytest.param(
        "{{ self.__init__.__globals__.__builtins__.open(@CANARY@).read() }}", id="self-init-globals"
    ),
    pytest.param(
        "{{ self._TemplateReference__context.cycler.__init__.__globals__" + POPEN + " }}",
        id="self-context",
    ),
    pytest.param("{{ self.__dict__ }}", id="self-dict"),
    pytest.param(
        "{% for x in [1] %}{{ loop.__class__.__init__.__globals__ }}{% endfor %}", id="loop-globals"
    ),
    pytest.param(
        "{{ request.application.__globals__.__builtins__.__import__('os').popen('id').read() }}",
        id="request-globals",
    ),
    pytest.param(
        "{{ config.items() }}{{ config.__class__.__init__.__globals__['os'] }}", id="config-globals"
    ),
    pytest.param("{{ ''|attr('__class__')|attr('__mro__') }}", id="attr-filter-class"),
    pytest.param(r"{{ lipsum|attr('\x5f\x5fglobals\x5f\x5f') }}", id="attr-filter-escaped-dunder"),
    pytest.param("{{ cycler|attr('__init__')|attr('__globals__') }}", id="attr-filter-globals"),
    pytest.param("{{ '{0.__class__}'.format(toolkit) }}", id="str-format-class"),
    pytest.param("{{ '{0.__init__.__globals__}'.format(cycler) }}", id="str-format-globals"),
    pytest.param("{{ '{x.__globals__}'.format_map({'x': lipsum}) }}", id="str-format-map-globals"),
    pytest.param("{{ '%s'|format(layers[0].path" + READ_CANARY + ") }}", id="format-filter-read"),
    pytest.param("{{ '{0.path}'.format(layers[0]) }}", id="str-format-path"),
    pytest.param("{{ dict.__subclasses__() }}", id="dict-subclasses"),
    pytest.param("{{ dict.mro()[1].__subclasses__() }}", id="dict-mro-subclasses"),
    pytest.param("{{ (toolkit|attr('__class__')).__init__.__globals__ }}", id="toolkit-attr-class"),
    pytest.param("{{ toolkit.items.__func__.__globals__ }}", id="toolkit-method-func"),
    pytest.param(
        "{{ toolkit.__class__.__init__.__globals__['os'].popen('id').read() }}",
        id="toolkit-class-globals",
    ),
    pytest.param("{{ agency.__class__ }}", id="agency-class"),
    pytest.param("{{ summarize.__globals__ }}", id="function-globals"),
    pytest.param(
        "{{ exists.__self__.adapted.layers[0].path" + READ_CANARY + " }}", id="bound-method-self"
    ),
    # Files reached through the objects in the context.
    pytest.param("{{ layers[0].path.read_text() }}", id="layer-path-read"),
    pytest.param("{{ layers[0].path" + READ_CANARY + " }}", id="layer-path-read-canary"),
    pytest.param(
        "{{ layers[0].path.joinpath(@CANARY@).read_bytes() }}", id="layer-path-read-bytes"
    ),
    pytest.param("{{ layers[0].path.joinpath(@CANARY@).open().read() }}", id="layer-path-open"),
    pytest.param(
        "{{ layers[0].path.parent.joinpath(@MARKER@).write_text('x') }}", id="layer-path-write"
    ),
    pytest.param("{{ layers[0].path.joinpath(@MARKER@).touch() }}", id="layer-path-touch"),
    pytest.param("{{ layers[0].path.joinpath(@MARKER@).mkdir() }}", id="layer-path-mkdir"),
    pytest.param("{{ layers[0].path.parent.parent.iterdir()|list }}", id="layer-path-listdir"),
    pytest.param("{{ layers[0].path.cwd() }}", id="layer-path-cwd"),
    pytest.param("{{ layers[0] }}", id="layer-repr"),
    pytest.param("{{ layers[0].document.path" + READ_CANARY + " }}", id="document-path-read"),
    pytest.param("{{ layers[-1].document.path.read_text() }}", id="document-path-read-own"),
    pytest.param("{{ handout.context }}", id="handout-context"),
    pytest.param(
        "{{ handouts['design-document'].path" + READ_CANARY + " }}", id="rendered-handout-path"
    ),
    pytest.param("{{ log[0].applied.location }}", id="log-location"),
    pytest.param(
        "{{ (layers|map(attribute='path')|first)" + READ_CANARY + " }}", id="map-attribute-path"
    ),
    pytest.param("{{ (layers|first|attr('path'))" + READ_CANARY + " }}", id="attr-filter-path"),
    pytest.param("{{ layers|map(attribute='path')|list }}", id="map-attribute-path-list"),
    pytest.param("{% include layers[0].path" + READ_CANARY + " %}", id="include-read-into-error"),
    # Mutation.
    pytest.param(
        "{% set x = namespace(a=1) %}{% set x.__class__ = 1 %}{{ x.a }}", id="namespace-set-dunder"
    ),
    pytest.param("{% set l = [1] %}{{ l.append(2) }}{{ l|length }}", id="list-append"),
    pytest.param("{% set d = {} %}{{ d.update(a=1) }}{{ d|length }}", id="dict-update"),
    pytest.param("{{ codes.clear() }}", id="shared-codes-clear"),
    pytest.param("{{ layers[0].document.data.clear() }}", id="shared-layer-data-clear"),
    pytest.param("{{ layers[0].document.values.clear() }}", id="shared-layer-locations-clear"),
    # Resource exhaustion.
    pytest.param("{% for i in range(10**9) %}{% endfor %}", id="range-huge-loop"),
    pytest.param("{{ 'x' * 10**10 }}", id="str-repeat-huge"),
    pytest.param("{{ 10**10**10 }}", id="pow-left-associative"),  # Jinja reads (10**10)**10
    pytest.param("{{ 10**(10**10) }}", id="pow-huge"),
    pytest.param("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", id="macro-recursion"),
    pytest.param("{% include ['design-document.html.j2', 'home.md.j2'] %}", id="include-itself"),
    # Loading templates from elsewhere.
    pytest.param("{% include '/etc/passwd' %}", id="include-absolute"),
    pytest.param("{% include '../../../../etc/hostname' %}", id="include-dotdot"),
    pytest.param("{% extends @CANARY@ %}", id="extends-canary"),
    pytest.param("{% include @CANARY@ %}", id="include-canary"),
    pytest.param("{% import 'x' as y %}{{ y }}", id="import-missing"),
    *(pytest.param("{{ " + name + ".__class__ }}", id=f"{name}-class") for name in CONTEXT_NAMES),
]


@pytest.mark.parametrize("body", HOSTILE)
def test_hostile_page_override(sandbox: Sandbox, body: str) -> None:
    assert_harmless(sandbox.attempt("page", body), PAGE_TEMPLATE)


@pytest.mark.parametrize("body", HOSTILE)
def test_hostile_handout_override(sandbox: Sandbox, body: str) -> None:
    assert_harmless(sandbox.attempt("handout", body), HANDOUT_TEMPLATE)


# -- 2. everything a template receives is plain data ------------------------------------------------

MAX_DEPTH = 6
LEAVES = (
    str,
    bytes,
    int,
    float,
    complex,
    bool,
    type(None),
    enum.Enum,
    datetime.date,
    datetime.time,
    datetime.timedelta,
)
FORBIDDEN_TYPES = (PurePath, types.ModuleType, io.IOBase, os.DirEntry, type)
FORBIDDEN_CLASSES = {"lstoolkit.layers.Layer", "lstoolkit.yamlfile.YamlDocument"}


def _qualified(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _plain_callable(value: Any) -> bool:
    """A function, a lambda, or a method bound to an object (not a builtin such as ``open``)."""
    if isinstance(value, types.FunctionType | types.MethodType):
        return True
    return isinstance(value, types.BuiltinMethodType) and not isinstance(
        value.__self__, types.ModuleType
    )


def _children(value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield f"<key {key!r}>", key
            yield f"[{key!r}]", item
    elif isinstance(value, list | tuple | set | frozenset):
        yield from ((f"[{i}]", item) for i, item in enumerate(value))
    else:
        names = (
            [f.name for f in dataclasses.fields(value)] if dataclasses.is_dataclass(value) else []
        )
        names += [n for n in dir(value) if not n.startswith("_") and n not in names]
        for name in names:
            try:
                yield f".{name}", getattr(value, name)
            except Exception:  # a property that fails is not reachable either
                continue


def walk(
    value: Any, where: str, problems: list[str], callables: set[str], seen: set[int], depth: int = 0
) -> None:
    """Record in ``problems`` every non-data object reachable from ``value``."""
    if isinstance(value, LEAVES):
        return
    if isinstance(value, FORBIDDEN_TYPES) or _qualified(type(value)) in FORBIDDEN_CLASSES:
        problems.append(f"{where}: {_qualified(type(value))}")
        return
    if callable(value):
        if _plain_callable(value):
            callables.add(f"{where} ({type(value).__name__})")
        else:
            problems.append(f"{where}: callable {_qualified(type(value))}")
        return
    if depth >= MAX_DEPTH or id(value) in seen:
        return
    seen.add(id(value))
    for step, child in _children(value):
        walk(child, where + step, problems, callables, seen, depth + 1)


def assert_plain_data(contexts: dict[str, Mapping[str, Any]]) -> None:
    """Walk each context (by page or handout); print the callables found, fail on non-data."""
    problems: set[str] = set()
    callables: set[str] = set()
    for label, context in contexts.items():
        found: list[str] = []
        for name, value in context.items():
            walk(value, name, found, callables, set())
        problems.update(f"{label}: {problem}" for problem in found)
    print("callables offered to templates:", *sorted(callables), sep="\n  ")
    assert not problems, "\n".join(sorted(problems)[:60])


def test_page_context_is_plain_data(sandbox: Sandbox) -> None:
    page_context = getattr(lstoolkit.render, "page_context", None)
    if page_context is None:
        pytest.skip("lstoolkit.render.page_context does not exist yet")
    renderer = SiteRenderer(sandbox.adapted, sandbox.findings, page_environment())
    renderer.changes = sandbox.changes
    renderer.handouts = sandbox.rendered_handouts()
    assert_plain_data(
        {p.uri: {**page_context(renderer, p.uri), **p.context} for p in renderer.pages()}
    )


def test_handout_context_is_plain_data(sandbox: Sandbox) -> None:
    renderer = HandoutRenderer(sandbox.adapted, sandbox.findings, handout_environment())
    if not callable(getattr(renderer, "context", None)):
        pytest.skip("HandoutRenderer.context does not exist yet")
    assert_plain_data({h.name: renderer.context(h) for h in plan_handouts(sandbox.adapted)})


# -- 3. random expressions over the context ------------------------------------------------------

START_NAMES = [
    "toolkit",
    "agency",
    "layers",
    "log",
    "findings",
    "codes",
    "handout",
    "values",
    "banner",
    "cycler",
    "joiner",
    "namespace",
    "range",
    "lipsum",
    "dict",
    "self",
    "loop",
]
ATTRIBUTES = [
    "items",
    "title",
    "file",
    "path",
    "agency",
    "name",
    "changes",
    "location",
    "parent",
    "read_text",
    "write_text",
    "joinpath",
    "document",
    "applied",
    "data",
    "__class__",
    "__globals__",
    "__init__",
    "__dict__",
    "__subclasses__",
    "__mro__",
    "__builtins__",
    "__self__",
    "__func__",
    "__code__",
    "__reduce__",
]
SUFFIXES = ["[0]", "['x']", "()", "('/etc/hostname')", "(@CANARY@)"]
FILTERS = ["attr('__class__')", "list", "first", "string", "format(1)"]

step = st.one_of(
    st.sampled_from(ATTRIBUTES).map(lambda name: lambda e: f"{e}.{name}"),
    st.sampled_from(SUFFIXES).map(lambda suffix: lambda e: e + suffix),
    st.sampled_from(FILTERS).map(lambda f: lambda e: f"({e}|{f})"),
)


def _compose(start: str, steps: list[Callable[[str], str]]) -> str:
    expression = start
    for apply in steps:
        expression = apply(expression)
    return expression


expressions = st.builds(_compose, st.sampled_from(START_NAMES), st.lists(step, max_size=4))


def check_expression(sandbox: Sandbox, expression: str) -> None:
    for body in (
        f"{{{{ {expression} }}}}",
        f"{{% for x in {expression} %}}{{{{ x }}}}{{% endfor %}}",
    ):
        note(f"template: {body}")
        assert_harmless(sandbox.attempt("page", body), PAGE_TEMPLATE, strict=False)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expressions)
def test_random_expressions_are_harmless(sandbox: Sandbox, expression: str) -> None:
    check_expression(sandbox, expression)


@pytest.mark.slow
@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expressions)
def test_fuzz_3000_expressions(sandbox: Sandbox, expression: str) -> None:
    check_expression(sandbox, expression)
