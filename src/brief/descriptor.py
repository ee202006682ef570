"""Reading ``data/datapackage.json``: the one schema, checked for shape before anything trusts it.

The descriptor comes from contributors, so before any table is opened it must be a JSON object
of bounded size and depth whose resources each have a name, a relative ``path`` that resolves
(symlinks included) to a regular file inside ``data/``, and a schema whose fields, keys and
custom ``"brief"`` objects have the expected types. Every table the tool reads is listed here:
nothing enumerates ``data/`` by globbing.

A problem is reported as ``data/datapackage.json:<line>:<where>: <what> (<fix>)`` and never
quotes the content of a file the descriptor points to.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .problems import Problem
from .project import display_path
from .text import has_control_character, shown

DESCRIPTOR = "datapackage.json"
MAX_DESCRIPTOR_BYTES = 1024 * 1024
NAME = re.compile(r"^[a-z0-9_][a-z0-9_.-]*$")
FIELD_TYPES = {"string", "number", "integer", "boolean", "object", "array", "list", "date", "time", "datetime",
               "year", "yearmonth", "duration", "geopoint", "geojson", "any"}
SCHEMA_FIX = f"correct data/{DESCRIPTOR}; see the Frictionless Table Schema"


@dataclass(frozen=True)
class Resource:
    """One table declared in the descriptor, with its path checked to lie inside ``data/``."""

    name: str
    rel: str  # the path as declared, relative to data/ (posix)
    path: Path  # resolved
    display: str  # as shown in messages, e.g. data/meetings.csv
    schema: dict
    brief: dict = field(default_factory=dict)  # the resource's custom "brief" object

    def fields(self) -> dict[str, dict]:
        return {f["name"]: f for f in self.schema["fields"]}


@dataclass(frozen=True)
class Descriptor:
    path: Path
    display: str
    raw: dict
    resources: tuple[Resource, ...]
    text: str = ""  # as read, for line numbers

    def get(self, name: str) -> Resource | None:
        return next((r for r in self.resources if r.name == name), None)

    def line_of(self, needle: str) -> int:
        """The line of the first occurrence of ``needle`` (1 when absent)."""
        return _line_of(self.text, needle)


class DescriptorProblems(Exception):
    """The descriptor cannot be trusted; ``problems`` says why (one Problem per line)."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


def read_descriptor(data_dir: Path | str) -> Descriptor:
    """Read and shape-check the descriptor in ``data_dir``; raise DescriptorProblems if it is unusable."""
    data_dir = Path(data_dir)
    path = data_dir / DESCRIPTOR
    display = display_path(path)
    if not Path(os.path.realpath(data_dir)).is_relative_to(os.path.realpath(data_dir.parent)):
        raise DescriptorProblems([Problem(display, 1, "-", f"{display_path(data_dir)} lies outside the project",
                                          "keep the data inside the project; do not link it in from elsewhere")])
    raw, text = _load_json(path, display)
    problems: list[Problem] = []

    def problem(where: str, what: str, fix: str = SCHEMA_FIX, needle: str | None = None) -> None:
        problems.append(Problem(display, _line_of(text, needle), where, what, fix))

    resources = raw.get("resources") if isinstance(raw, dict) else None
    if not isinstance(raw, dict):
        problem("-", "the descriptor is not a JSON object")
    elif not isinstance(resources, list) or not resources:
        problem("resources", "'resources' must be a non-empty list of tables")
    else:
        parsed = [_resource(data_dir, i, res, problem) for i, res in enumerate(resources)]
        names = [r.name for r in parsed if r is not None]
        for name in sorted({n for n in names if names.count(n) > 1}):
            problem(f"resources[{names.index(name)}].name", f"resource name '{name}' is declared twice",
                    needle=f'"{name}"')
        if not problems:
            _check_references(parsed, problem)
    if problems:
        raise DescriptorProblems(problems)
    return Descriptor(path, display, raw, tuple(parsed), text)


def _load_json(path: Path, display: str) -> tuple[object, str]:
    def fail(what: str, fix: str = f"restore it with `git checkout -- data/{DESCRIPTOR}`"):
        raise DescriptorProblems([Problem(display, 1, "-", what, fix)])

    try:
        if not path.is_file():
            fail("the schema is missing" if not path.exists() else "the schema is not a regular file")
        if path.stat().st_size > MAX_DESCRIPTOR_BYTES:
            fail(f"the schema is larger than {MAX_DESCRIPTOR_BYTES // 1024} KiB", SCHEMA_FIX)
        raw_bytes = path.read_bytes()
    except OSError as err:
        fail(f"cannot read the schema: {err.strerror}", "check the file's permissions")
    try:
        text = raw_bytes.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        fail(f"not valid UTF-8 (byte 0x{raw_bytes[err.start]:02x} at offset {err.start})", "save it as UTF-8")
    try:
        return json.loads(text), text
    except json.JSONDecodeError as err:
        raise DescriptorProblems([Problem(display, err.lineno, "-", f"not valid JSON: {err.msg}",
                                          SCHEMA_FIX)]) from None
    except RecursionError:
        fail("the schema is nested too deeply", SCHEMA_FIX)


def _line_of(text: str, needle: str | None) -> int:
    if not needle or needle not in text:
        return 1
    return text[: text.index(needle)].count("\n") + 1


def _resource(data_dir: Path, i: int, res, problem) -> Resource | None:
    where = f"resources[{i}]"
    if not isinstance(res, dict):
        problem(where, "a resource must be a JSON object")
        return None
    name = res.get("name")
    if not isinstance(name, str) or not NAME.match(name):
        problem(f"{where}.name", f"'{shown(name, 40)}' is not a resource name",
                "use lowercase letters, digits, '_', '.' and '-'")
        return None
    needle = f'"{name}"'
    where = f"resources.{name}"
    rel = res.get("path")
    if not isinstance(rel, str) or not rel.strip() or has_control_character(rel) or "\0" in rel:
        problem(f"{where}.path", "'path' must be one file name relative to data/", needle=needle)
        return None
    candidate = data_dir / rel
    real, real_data = Path(os.path.realpath(candidate)), Path(os.path.realpath(data_dir))
    if os.path.isabs(rel) or "\\" in rel or not real.is_relative_to(real_data) or real == real_data:
        problem(f"{where}.path", f"path '{shown(rel, 60)}' lies outside data/",
                "tables live in data/ or its subfolders: give a path relative to data/", needle=needle)
        return None
    schema = res.get("schema")
    if not _schema_ok(schema, f"{where}.schema", problem, needle):
        return None
    brief = res.get("brief", {})
    if not isinstance(brief, dict):
        problem(f"{where}.brief", "the custom 'brief' object must be a JSON object", needle=needle)
        return None
    return Resource(name, Path(rel).as_posix(), real, display_path(candidate), schema, brief)


def _schema_ok(schema, where: str, problem, needle: str) -> bool:
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list) or not schema["fields"]:
        problem(where, "'schema' must be an object with a non-empty 'fields' list", needle=needle)
        return False
    names = []
    for j, fld in enumerate(schema["fields"]):
        ok = (isinstance(fld, dict) and isinstance(fld.get("name"), str) and fld["name"]
              and fld.get("type", "string") in FIELD_TYPES and isinstance(fld.get("constraints", {}), dict)
              and isinstance(fld.get("brief", {}), dict))
        if not ok:
            problem(f"{where}.fields[{j}]", "a field needs a 'name', a known 'type' and object-valued "
                    "'constraints'/'brief'", needle=needle)
            return False
        pattern = fld.get("constraints", {}).get("pattern")
        if pattern is not None and not _pattern_ok(pattern):
            problem(f"{where}.fields.{fld['name']}.constraints.pattern", "the pattern cannot be checked in bounded "
                    "time: a repeated group holds a repetition or an alternation, as in (a+)+, or it is invalid or "
                    "over 200 characters", "simplify the pattern", needle=needle)
            return False
        names.append(fld["name"])
    if len(set(names)) != len(names):
        problem(f"{where}.fields", "a field name is declared twice", needle=needle)
        return False
    key = schema.get("primaryKey", [])
    keys = [key] if isinstance(key, str) else key
    if not isinstance(keys, list) or any(k not in names for k in keys):
        problem(f"{where}.primaryKey", "'primaryKey' must name fields of this table", needle=needle)
        return False
    fks = schema.get("foreignKeys", [])
    if not isinstance(fks, list) or not all(_foreign_key_ok(fk, names) for fk in fks):
        problem(f"{where}.foreignKeys", "each foreign key needs 'fields' of this table and a 'reference' "
                "with 'resource' and 'fields'", needle=needle)
        return False
    return True


def _nested_repetition(pattern: str) -> bool:
    """A group that contains a repetition or an alternation and is itself repeated — (a+)+, ((ab)*)+,
    (a|a)*: the shapes that make a backtracking matcher take exponential time on a crafted cell."""
    stack = [False]  # per open group: does it contain a repetition?
    starts = []  # where each open group's content starts
    i, in_class = 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            stack.append(False)
            starts.append(i + 1)
        elif char == ")" and len(stack) > 1:
            inner = stack.pop()
            content = pattern[starts.pop(): i].removeprefix("?:")
            repeated = pattern[i + 1: i + 2] in ("+", "*", "{")
            if inner and repeated and not _delimited(content):
                return True
            stack[-1] = stack[-1] or inner
        elif char in "+*{|":  # a repetition, or an alternation ((a|a)* is exponential too)
            stack[-1] = True
        i += 1
    return False


def _delimited(content: str) -> bool:
    """Each repetition of the group starts with a literal character found nowhere else in it (e.g. the
    ';' of (;[0-9]+)+), so where one repetition ends is never ambiguous."""
    first = content[:1]
    return (bool(first) and first not in ".^$*+?{}[]\\|()" and content[1:2] not in ("+", "*", "?", "{")
            and first not in content[1:])


def _pattern_ok(pattern) -> bool:
    if not isinstance(pattern, str) or len(pattern) > 200 or _nested_repetition(pattern):
        return False
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


def _foreign_key_ok(fk, names: list[str]) -> bool:
    if not isinstance(fk, dict) or not isinstance(fk.get("reference"), dict):
        return False
    ref = fk["reference"]
    fields, target = fk.get("fields"), ref.get("fields")
    fields = [fields] if isinstance(fields, str) else fields
    target = [target] if isinstance(target, str) else target
    return (isinstance(fields, list) and isinstance(target, list) and len(fields) == len(target) > 0
            and all(isinstance(f, str) and f in names for f in fields) and all(isinstance(t, str) for t in target)
            and isinstance(ref.get("resource", ""), str))


def _check_references(resources: list[Resource], problem) -> None:
    """Foreign keys and list-field references must point at declared resources and fields."""
    by_name = {r.name: r for r in resources}
    for res in resources:
        targets = [(fk["reference"].get("resource") or res.name, fk["reference"]["fields"])
                   for fk in res.schema.get("foreignKeys", [])]
        for fld in res.schema["fields"]:
            ref = fld.get("brief", {}).get("references")
            if ref is not None:
                if not isinstance(ref, dict) or not isinstance(ref.get("resource"), str) \
                        or not isinstance(ref.get("field"), str):
                    problem(f"resources.{res.name}.{fld['name']}.brief.references", "'references' needs 'resource' and "
                            "'field'", needle=f'"{fld["name"]}"')
                    continue
                targets.append((ref["resource"], ref["field"]))
        for target, fields in targets:
            fields = [fields] if isinstance(fields, str) else fields
            if target not in by_name:
                problem(f"resources.{res.name}", f"a reference names the unknown resource '{shown(target, 40)}'",
                        needle=f'"{res.name}"')
            elif any(f not in by_name[target].fields() for f in fields):
                problem(f"resources.{res.name}", f"a reference names a field that {target} does not declare",
                        needle=f'"{res.name}"')
