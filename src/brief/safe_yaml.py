"""The one way brief reads a YAML file (edition files, ``--params`` files): bounded and plain.

Edition files come from contributors, so a YAML file is treated as untrusted input:

* it must be a regular file inside the project (symlinks resolved), at most ``MAX_BYTES`` long —
  the size is checked before anything is parsed, so ``/dev/zero`` or a 200 MB file costs nothing;
* it must be UTF-8;
* aliases (``*name``) are refused, so an alias bomb cannot expand, and nesting is bounded;
* no string may hold a control character (NUL, ESC, …: they break the PDF and leak into HTML);
* mapping keys must be strings (``on:``/``yes:`` — booleans to YAML — are refused with the fix).

Every refusal is one line ``<file>:<line>: <what> (<fix>)`` raised as the caller's error class.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import yaml

from .exceptions import BriefError
from .project import inside_project
from .text import has_control_character, shown

MAX_BYTES = 64 * 1024
MAX_DEPTH = 20
_STR_TAG = "tag:yaml.org,2002:str"


class _Refused(yaml.YAMLError):
    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.message, self.line = message, line


def _bounded(base: type) -> type:
    class Loader(base):
        depth = 0

        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                line = self.peek_event().start_mark.line + 1
                raise _Refused("aliases (*name) are not allowed", line)
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise _Refused(f"nested more than {MAX_DEPTH} levels deep", self.peek_event().start_mark.line + 1)
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

        def construct_mapping(self, node, deep=False):
            for key_node, _ in node.value:
                if not (isinstance(key_node, yaml.ScalarNode) and key_node.tag == _STR_TAG):
                    key = shown(key_node.value, 30) if isinstance(key_node, yaml.ScalarNode) else "…"
                    raise _Refused(f"the key '{key}' is not a plain name (YAML reads it as another type; "
                                   "put it in quotes or correct it)", key_node.start_mark.line + 1)
            return super().construct_mapping(node, deep=deep)

    return Loader


_SAFE = _bounded(yaml.SafeLoader)
_STRINGS = _bounded(yaml.BaseLoader)


def _read_bounded(path: Path, label: str, what: str, error: type[BriefError]) -> bytes:
    try:
        info = os.stat(path)
    except OSError as err:
        raise error(f"cannot read {what} {label}: {err.strerror}", "check the path") from None
    if not stat.S_ISREG(info.st_mode):
        raise error(f"{label}: not a regular file", "give the path of a .yml file") from None
    if info.st_size > MAX_BYTES:
        raise error(f"{label}: {info.st_size} bytes is larger than the {MAX_BYTES // 1024} KiB allowed",
                    "a parameters or edition file is a few lines of NAME: VALUE")
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_BYTES + 1)
    except OSError as err:
        raise error(f"{label}: cannot read it ({err.strerror})", "check the file's permissions") from None
    if len(raw) > MAX_BYTES:
        raise error(f"{label}: larger than the {MAX_BYTES // 1024} KiB allowed",
                    "a parameters or edition file is a few lines of NAME: VALUE")
    return raw


def load_yaml_file(path: Path | str, *, root: Path | str, error: type[BriefError], what: str = "file",
                   strings: bool = False):
    """Parse the YAML file ``path`` (which must lie inside ``root``) within the limits above.

    ``what`` names the file in messages ("parameters file"). ``strings=True`` keeps every scalar
    a string (YAML's base schema): dates and numbers are then checked by the caller, with its
    own messages. Raises ``error`` (a BriefError class) on refusal.
    """
    path, label = inside_project(Path(root), Path(path), what=what, error=error)
    raw = _read_bounded(path, label, what, error)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise error(f"{label}:{line}: not valid UTF-8 (byte 0x{raw[err.start]:02x})",
                    "save the file as UTF-8") from None
    try:
        loaded = yaml.load(text, Loader=_STRINGS if strings else _SAFE)
    except _Refused as err:
        raise error(f"{label}:{err.line}: {err.message}", "write plain 'key: value' lines") from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = f":{mark.line + 1}" if mark else ""
        raise error(f"{label}{line}: not valid YAML ({err.problem or err.context})",
                    "write one 'key: value' per line") from None
    except yaml.reader.ReaderError as err:
        line = text[: err.position].count("\n") + 1
        raise error(f"{label}:{line}: character #x{err.character:04x} is not allowed in YAML",
                    "remove the control character") from None
    except (yaml.YAMLError, RecursionError) as err:
        raise error(f"{label}: not valid YAML ({type(err).__name__})", "write one 'key: value' per line") from None
    _check_strings(loaded, label, error)
    return loaded


def _check_strings(value, label: str, error: type[BriefError]) -> None:
    """Refuse control characters in any key or value, nested lists and mappings included."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str) and has_control_character(item):
            raise error(f"{label}: a value contains a control character (such as NUL or ESC)",
                        "remove it; use plain text")
