"""The two readers of YAML: the located reader every checked file goes through, and the quicker
reader of the bundled content, which must give the same data or defer to the located one."""

from __future__ import annotations

from pathlib import Path

import pytest

from lstoolkit.errors import LstoolkitError
from lstoolkit.yamlfile import read_yaml, read_yaml_unlocated

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted([*(ROOT / "content").glob("*.yml"), *(ROOT / "examples").rglob("*.yml")])


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_both_readers_give_the_same_data(path: Path) -> None:
    assert read_yaml_unlocated(path, display=path.name).data == read_yaml(path).data


@pytest.mark.parametrize(
    "text",
    [
        "a: &x [1, 2]\nb: *x\n",  # an alias
        "when: 2026-11-25\n",  # a date
        "n: !!str 12\n",  # a tag
        "big: 10000000000000000000\n",  # over the integer limit
    ],
)
def test_anything_but_plain_data_is_read_by_the_located_reader(tmp_path: Path, text: str) -> None:
    path = tmp_path / "file.yml"
    path.write_text(text, encoding="utf-8")
    try:
        expected: object = read_yaml(path, display="file.yml").data
    except LstoolkitError as error:
        with pytest.raises(LstoolkitError) as raised:
            read_yaml_unlocated(path, display="file.yml")
        assert str(raised.value) == str(error)
        return
    assert read_yaml_unlocated(path, display="file.yml").data == expected


def test_a_repeated_key_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "file.yml"
    path.write_text("title: A\ntitle: B\n", encoding="utf-8")
    with pytest.raises(LstoolkitError) as raised:
        read_yaml_unlocated(path, display="file.yml")
    assert str(raised.value).startswith("file.yml:2:")
