"""Values in PostgreSQL's COPY text format: tab-separated, ``\\N`` for NULL, escaped.

Pure (no Django): the loader's parsing processes format rows with it before sending them back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(text: str) -> str:
    """A text value escaped for COPY."""
    return text.translate(_ESCAPES)


def _text(value: object) -> str:
    """One value in PostgreSQL's COPY text format (``\\N`` is NULL)."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).translate(_ESCAPES)


def copy_line(values: Iterable[object]) -> str:
    return "\t".join(map(_text, values)) + "\n"


class _IsoDates(dict[dt.date, str]):
    """date → 'YYYY-MM-DD', computed once per distinct date (files repeat dates a lot)."""

    def __missing__(self, key: dt.date) -> str:
        value = self[key] = key.isoformat()
        return value


_ISO = _IsoDates()
_DATE = dt.date
_BOOL = {True: "t", False: "f"}


def fast_copy_line(values: tuple[object, ...]) -> str:
    """copy_line for values known to hold no backslash, tab or line break (the usual case).

    Escaping every cell of every row would cost more than parsing it; the caller checks the
    raw line once, since every text value is a substring of it.
    """
    out = []
    for value in values:
        kind = value.__class__
        if kind is str:
            out.append(value)
        elif value is None:
            out.append("\\N")
        elif kind is _DATE:
            out.append(_ISO[value])  # type: ignore[index]
        elif kind is bool:
            out.append(_BOOL[value])  # type: ignore[index]
        else:
            out.append(str(value))
    return "\t".join(out) + "\n"  # type: ignore[arg-type]


def pg_array(items: Iterable[str]) -> str:
    """A text[] literal, as one COPY value (copy_line escapes it again as a whole)."""
    quoted = ('"' + item.replace("\\", "\\\\").replace('"', '\\"') + '"' for item in items)
    return "{" + ",".join(quoted) + "}"
