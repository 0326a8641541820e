"""The Jinja environment for page and handout templates: plain data in, text out.

An agency may override any template (``<custom_dir>/lstoolkit/``), and its templates come from
pull requests built with the repository's credentials. So every template renders in an
immutable sandbox that goes further than Jinja's own:

- attributes may be read only on plain data (strings, numbers, lists, mappings, and the frozen
  records of lstoolkit's models) and on Jinja's own loop, macro and namespace objects, and only
  when what they hold is plain data too: a path, a module, a class or a file is never reached,
  whatever the context holds by mistake;
- nothing can be changed (no ``append``, no ``update``), numbers and repeated strings are bounded;
- templates are read only from their directories, never through a link out of them;
- any failure, whatever its kind, is a located LS305 error, never a traceback.

Templates are compiled in memory: no bytecode is ever written or read, inside the project or out.
"""

from __future__ import annotations

import dataclasses
import inspect
import os
import types
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateNotFound
from jinja2 import Environment as JinjaEnvironment
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from lstoolkit.codes import FindingCode
from lstoolkit.errors import Location, LstoolkitError

#: The longest string or list a template may make by repetition, and the largest power.
MAX_REPEAT = 1_000_000
MAX_EXPONENT = 64

_PLAIN = (str, int, float, bool, type(None), tuple, list, dict, frozenset, Markup)
_JINJA_MODULES = ("jinja2.runtime", "jinja2.utils", "jinja2.environment")


def is_plain(value: Any) -> bool:
    """Plain data: builtin values, or a frozen record of lstoolkit's with no behaviour of its own."""
    if isinstance(value, _PLAIN):
        return True
    cls = type(value)
    return (
        dataclasses.is_dataclass(value)
        and not isinstance(value, type)
        and cls.__module__.startswith("lstoolkit.")
        and cls.__dataclass_params__.frozen
    )


def _is_jinja_object(value: Any) -> bool:
    return type(value).__module__ in _JINJA_MODULES


def _is_safe_value(value: Any) -> bool:
    if is_plain(value) or _is_jinja_object(value):
        return True
    if isinstance(value, types.MethodType | types.BuiltinMethodType):  # str.upper, Toolkit.items
        owner = value.__self__
        return is_plain(owner) or _is_jinja_object(owner)
    return False


class TemplateSandbox(ImmutableSandboxedEnvironment):
    """An immutable sandbox that reads attributes of plain data only (see the module docstring)."""

    intercepted_binops = frozenset({"*", "**"})

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        return (is_plain(obj) or _is_jinja_object(obj)) and _is_safe_value(value)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int) and right > MAX_EXPONENT:
            raise SecurityError(f"the power {right} is larger than {MAX_EXPONENT}")
        if operator == "*":
            sequence, times = (left, right) if isinstance(right, int) else (right, left)
            if isinstance(sequence, str | list | tuple) and isinstance(times, int):
                if len(sequence) * times > MAX_REPEAT:
                    raise SecurityError(f"repeating makes more than {MAX_REPEAT:,} items")
        return super().call_binop(context, operator, left, right)


class ConfinedLoader(FileSystemLoader):
    """Loads templates from one directory, refusing a file that links out of it."""

    def __init__(self, directory: Path, *, shown: str | None = None) -> None:
        super().__init__(str(directory))
        self.directory = directory.resolve()
        self.shown = shown or str(directory)

    def get_source(
        self, environment: JinjaEnvironment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        if not Path(os.path.realpath(filename)).is_relative_to(self.directory):
            raise LstoolkitError(
                "the override template is a link to a file outside its directory",
                Location(f"{self.shown}/{template}"),
                hint="Copy the template into the directory instead of linking to it.",
                code=FindingCode.UNSAFE_FILE,
            )
        return source, filename, uptodate


def template_environment(
    directories: Sequence[tuple[Path, str]],
    *,
    filters: Mapping[str, Callable[..., Any]] = {},
    **options: Any,
) -> TemplateSandbox:
    """A sandbox reading templates from ``directories`` (path, shown name), first match wins."""
    loaders: list[BaseLoader] = [
        ConfinedLoader(path, shown=shown) for path, shown in directories if path.is_dir()
    ]
    env = TemplateSandbox(
        loader=ChoiceLoader(loaders),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        **options,
    )
    env.filters.update(filters)
    return env


def render_template(env: JinjaEnvironment, name: str, context: Mapping[str, Any]) -> str:
    """Render ``name``; any failure becomes an LS305 error located in the template."""
    try:
        return env.get_template(name).render(context)
    except LstoolkitError:
        raise
    except TemplateNotFound as error:
        raise LstoolkitError(
            f"template error: no template '{error.name}'",
            Location(name),
            hint="Check the name in the 'include', 'import' or 'extends'.",
            code=FindingCode.TEMPLATE_ERROR,
        ) from None
    except RecursionError as error:
        raise _template_error("a macro or include calls itself without end", name, error) from None
    except Exception as error:  # an agency's template may fail in any way: never a traceback
        raise _template_error(str(error) or type(error).__name__, name, error) from None


def _template_error(message: str, name: str, error: BaseException | None) -> LstoolkitError:
    filename, line = _template_frame(error, name)
    return LstoolkitError(
        f"template error: {message}",
        Location(filename, line),
        hint="Fix the template (an override in overrides/lstoolkit/ wins over the bundled one).",
        code=FindingCode.TEMPLATE_ERROR,
    )


def _template_frame(error: BaseException | None, name: str) -> tuple[str, int]:
    """The template file and line where ``error`` happened (Jinja rewrites tracebacks so that
    template frames carry the template's own file name and line)."""
    filename = getattr(error, "filename", None) or getattr(error, "name", None)
    line = getattr(error, "lineno", None) or 0
    if filename:
        return shown_path(str(filename)), int(line)
    frames = (
        inspect.getinnerframes(error.__traceback__, context=0)
        if error and error.__traceback__
        else []
    )
    for frame in frames:
        if frame.filename.endswith(".j2"):
            filename, line = frame.filename, frame.lineno
    return (shown_path(filename), line) if filename else (name, 0)


def shown_path(path: Path | str) -> str:
    """A template file or directory as the user names it: relative to the current directory when
    it is inside it, else as it is."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def templates_dir() -> Path:
    """The bundled templates: inside the wheel, or the source tree when run from it."""
    package = Path(__file__).resolve().parent
    installed = package / "data" / "templates"
    return installed if installed.is_dir() else package.parent / "templates"
