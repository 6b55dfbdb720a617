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


class _IsoDates(dict[dt.date | None, str]):
    """A date → 'YYYY-MM-DD', None → NULL; computed once per distinct date (files repeat dates a lot)."""

    def __missing__(self, key: dt.date | None) -> str:
        value = self[key] = "\\N" if key is None else key.isoformat()
        return value


#: A date or None as a COPY value: ISO_OR_NULL[value].
ISO_OR_NULL = _IsoDates()


def pg_array(items: Iterable[str]) -> str:
    """A text[] literal, as one COPY value (copy_line escapes it again as a whole)."""
    quoted = ('"' + item.replace("\\", "\\\\").replace('"', '\\"') + '"' for item in items)
    return "{" + ",".join(quoted) + "}"
