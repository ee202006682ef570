"""The one YAML reader: bounded size, no aliases, bounded nesting, plain keys, no control characters,
nothing outside the project — each refusal one line naming the file (and line) and the fix."""

from __future__ import annotations

import os

import pytest

from brief.exceptions import EditionError, ParameterError
from brief.safe_yaml import MAX_BYTES, load_yaml_file

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
    for i in range(9))


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # messages name files relative to the working directory


def load(root, text: str | bytes, **kwargs):
    path = root / "p.yml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return load_yaml_file(path, root=root, error=ParameterError, what="parameters file", **kwargs)


def refusal(root, text, **kwargs) -> str:
    with pytest.raises(ParameterError) as info:
        load(root, text, **kwargs)
    message = str(info.value)
    assert "\n" not in message and info.value.fix
    return message


def test_plain_mappings_load_with_and_without_typing(tmp_path):
    assert load(tmp_path, "as_of: 2024-06-30\nmediators: [russia]\n")["mediators"] == ["russia"]
    assert load(tmp_path, "as_of: 2024-06-30\n", strings=True) == {"as_of": "2024-06-30"}
    assert load(tmp_path, "") is None


def test_an_alias_bomb_is_refused_before_it_expands(tmp_path):
    assert refusal(tmp_path, BOMB).startswith("p.yml:2: aliases (*name) are not allowed")
    assert refusal(tmp_path, BOMB, strings=True).startswith("p.yml:2: aliases")


def test_size_is_checked_before_parsing(tmp_path):
    big = tmp_path / "p.yml"
    with open(big, "wb") as f:  # sparse: 200 MB that cost nothing to make or to refuse
        f.truncate(200 * 1024 * 1024)
    with pytest.raises(ParameterError, match=r"larger than the 64 KiB allowed"):
        load_yaml_file(big, root=tmp_path, error=ParameterError)
    assert refusal(tmp_path, "a: " + "x" * MAX_BYTES).startswith("p.yml: ")


@pytest.mark.parametrize("make", ["directory", "fifo", "dev-zero"])
def test_only_regular_files_are_read(tmp_path, make):
    path = tmp_path / "p.yml"
    if make == "directory":
        path.mkdir()
    elif make == "fifo":
        os.mkfifo(path)  # opening it would block forever
    else:
        (tmp_path / "dev").symlink_to("/dev")
        path = tmp_path / "dev" / "zero"
    with pytest.raises(ParameterError) as info:
        load_yaml_file(path, root=tmp_path if make != "dev-zero" else "/", error=ParameterError)
    assert "not a regular file" in str(info.value)


def test_deep_nesting_is_refused(tmp_path):
    assert "nested more than" in refusal(tmp_path, "a: " + "[" * 5000 + "]" * 5000)


@pytest.mark.parametrize(("text", "expected"), [
    ("on: 1\n", "p.yml:1: the key 'on' is not a plain name"),
    ("as_of: 1\n2024: x\n", "p.yml:2: the key '2024' is not a plain name"),
    ("? [a, b]\n: 1\n", "p.yml:1: the key '…' is not a plain name"),
])
def test_keys_must_be_names(tmp_path, text, expected):
    assert refusal(tmp_path, text).startswith(expected)


def test_control_characters_are_refused_raw_or_escaped(tmp_path):
    assert refusal(tmp_path, b"title: a\x00b\n").startswith("p.yml:1: character #x0000 is not allowed")
    assert refusal(tmp_path, 'title: "a\\0b"\n').startswith("p.yml: a value contains a control character")
    assert refusal(tmp_path, 'title: "a\\eb"\n', strings=True).startswith("p.yml: a value contains")


def test_not_utf8_names_the_line(tmp_path):
    assert refusal(tmp_path, b"a: 1\ntitle: caf\xe9\n").startswith("p.yml:2: not valid UTF-8 (byte 0xe9)")


def test_syntax_error_is_one_line_with_the_line_number(tmp_path):
    assert refusal(tmp_path, "a: [1, 2\nb: c\n").startswith("p.yml:2: not valid YAML (")


def test_files_outside_the_project_are_refused_without_reading_them(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    secret = tmp_path / "secret.yml"
    secret.write_text("password: hunter2\n", encoding="utf-8")
    (root / "link.yml").symlink_to(secret)
    for path in (secret, root / "link.yml", root / ".." / "secret.yml"):
        with pytest.raises(EditionError) as info:
            load_yaml_file(path, root=root, error=EditionError)
        assert "lies outside the project" in str(info.value) and "hunter2" not in str(info.value)


def test_missing_file_and_dangling_symlink(tmp_path):
    (tmp_path / "dangling.yml").symlink_to(tmp_path / "gone.yml")
    for name in ("missing.yml", "dangling.yml"):
        with pytest.raises(EditionError, match=rf"cannot read edition file {name}: No such file"):
            load_yaml_file(tmp_path / name, root=tmp_path, error=EditionError, what="edition file")
