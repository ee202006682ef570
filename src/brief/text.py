"""Small text helpers for messages shown to the user."""

from __future__ import annotations

import difflib
import re

# C0 controls except tab, newline and carriage return; DEL; C1 controls; and the bidirectional
# embedding/override/isolate marks, which reorder what a reader sees ("Trojan Source").
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def did_you_mean(value: str, choices, *, cutoff: float = 0.5) -> str:
    """'did you mean 'x'?' for the closest choice, or '' when nothing is close."""
    close = difflib.get_close_matches(str(value), [str(c) for c in choices], n=1, cutoff=cutoff)
    return f"did you mean '{close[0]}'?" if close else ""


def has_control_character(text: str) -> bool:
    """True when ``text`` holds a character that breaks documents (NUL, ESC, DEL, C1 …)."""
    return _CONTROL.search(text) is not None


def printable(text: str) -> str:
    """``text`` with every control character written as an escape (\\x1b), so printing a message that
    quotes data can never drive the terminal; newlines are kept."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                        else f"\\u{ord(m.group()):04x}", text)


def shown(value, limit: int = 80) -> str:
    """``value`` made safe to print on one line: control characters escaped, long text cut."""
    text = printable(str(value)).replace("\n", "\\n").replace("\r", "\\r")
    return text if len(text) <= limit else text[: limit - 1] + "…"


_ORDINARY_WORD = re.compile(r"[A-Z][a-z]*")


def in_sentence(text: str, names) -> str:
    """``text`` (a label written to stand alone, "Amendment of …") as it reads inside a sentence: its first
    letter lowercased, unless its first word is a name — one of ``names`` or derived from one (Armenian), an
    acronym, or a word with an apostrophe or dash (Azerbaijan's, Armenia–Turkey)."""
    first = text.split(" ", 1)[0]
    if not _ORDINARY_WORD.fullmatch(first) or any(first.startswith(name) for name in names):
        return text
    return text[0].lower() + text[1:]


_SMALL_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def number_words(n: int) -> str:
    """House style: numbers under ten in words ("three"), larger ones in figures ("12")."""
    return _SMALL_NUMBERS[n] if 0 <= n < len(_SMALL_NUMBERS) else str(n)
