"""Reading rendered PDFs back with poppler-utils, as a clerk's viewer would."""

from __future__ import annotations

import re
import subprocess
from html import unescape


def text(pdf: bytes, *, layout: bool = True) -> str:
    """The PDF's text (pdftotext -layout keeps table rows on one line); pages end in form feeds."""
    mode = ["-layout"] if layout else []
    return subprocess.run(
        ["pdftotext", *mode, "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def pages(pdf: bytes) -> list[str]:
    return text(pdf).split("\f")[:-1]


def flat(pdf: bytes) -> str:
    """The text in reading order with whitespace collapsed, for phrases that wrap across lines.

    Reading order, not layout: side-by-side blocks (the caption's two columns, the signature
    beside its date) come out one after the other instead of interleaved line by line.
    """
    return " ".join(text(pdf, layout=False).split())


def outline(pdf: bytes) -> list[tuple[int, str]]:
    """Top-level bookmarks as (page, title), read from the PDF's /Outlines by pdftohtml."""
    xml = subprocess.run(
        ["pdftohtml", "-i", "-xml", "-stdout", "-q", "-", "out"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    block = re.search(r"<outline>(.*?)</outline>", xml, re.S)
    if block is None:
        return []
    # Only the first level: nested <outline> blocks would be children.
    return [
        (int(page), unescape(title)) for page, title in re.findall(r'<item page="(\d+)">([^<]*)</item>', block.group(1))
    ]


def info(pdf: bytes) -> dict[str, str]:
    """pdfinfo's fields; dates in ISO 8601 (-isodates), not in the machine's time zone."""
    lines = (
        subprocess.run(["pdfinfo", "-isodates", "-"], input=pdf, capture_output=True, check=True)
        .stdout.decode()
        .splitlines()
    )
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in lines)}
