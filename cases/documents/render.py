"""The one place that turns a document template into PDF bytes with WeasyPrint.

Court paperwork must look the same on every worker and must never reach the network: a
filing is rendered from the fonts in `static/fonts` and nothing else. WeasyPrint swallows
fetch errors (it logs them and carries on without the resource), so the fetcher records what
it refused and rendering raises afterwards: a template that references an outside URL fails
loudly instead of producing a PDF with a missing font or image.

Bytes are reproducible: WeasyPrint writes no clock time unless the HTML carries
`dcterms.created` (our base template sets it from the filing date), font subsets are named
by an md5 of their content, and the file identifier is an md5 of the file itself.

Three ways to get many documents out cheaply:

- `render_html` + `PdfPages`: lay out many documents as one HTML (one stylesheet parse, one
  layout), write them as one PDF and cut it into one PDF per document (how per-case motions
  are batched);
- `merge_pdfs`: join PDF files written here, in order, without laying anything out again, so
  the parts of a huge exhibit can be rendered in separate processes and merged afterwards;
- `write_merged`: join rendered documents that are still in memory.
"""

from __future__ import annotations

import copy
import mimetypes
import re
import time
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO
from itertools import pairwise
from pathlib import Path
from typing import IO, Any, NamedTuple, TypeAlias, cast
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pydyf  # type: ignore[import-untyped]
import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from weasyprint.text.fonts import FontConfiguration

from clearance import collector

#: Fonts are the only files a document may load.
FONTS_DIR: Path = Path(settings.BASE_DIR) / "static" / "fonts"

#: Relative `url()`s in the print CSS resolve against the fonts folder.
BASE_URL: str = FONTS_DIR.as_uri() + "/"

# True asks pydyf to derive /ID from an md5 of the written file: present (some validators
# and PDF/A want it) yet reproducible, unlike a random identifier.
_PDF_OPTIONS: dict[str, Any] = {"pdf_identifier": True}


class ExternalResourceError(RuntimeError):
    """A document referenced something other than a bundled font or a data: URI."""


class DocumentSpec(NamedTuple):
    """A template and its context: what `render_documents` renders."""

    template_name: str
    context: Mapping[str, object]

    @property
    def title(self) -> str:
        """The document's bookmark title, as a merged PDF's outline shows it."""
        doc = self.context.get("doc")
        return str(doc["bookmark"]) if isinstance(doc, Mapping) and "bookmark" in doc else self.template_name


@lru_cache(maxsize=32)
def _read_font(path: Path) -> bytes:
    return path.read_bytes()


def _allowed_path(url: str) -> Path | None:
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost") or parts.query:
        return None
    # resolve() first so that "..", symlinks and %2e%2e cannot climb out of the fonts folder.
    path = Path(url2pathname(parts.path)).resolve()
    if not path.is_relative_to(FONTS_DIR.resolve()) or not path.is_file():
        return None
    return path


class GuardedFetcher:
    """A WeasyPrint `url_fetcher` that serves bundled fonts and data: URIs only.

    Every refusal is kept in `refused`; `check()` raises if there was any.
    """

    def __init__(self) -> None:
        self.refused: list[str] = []

    def __call__(
        self, url: str, timeout: int = 10, ssl_context: object = None, http_headers: object = None
    ) -> dict[str, Any]:
        if url.startswith("data:"):
            # urllib decodes data: URIs in memory; no socket is opened.
            return cast(dict[str, Any], weasyprint.default_url_fetcher(url))
        path = _allowed_path(url)
        if path is None:
            self.refused.append(url)
            raise ExternalResourceError(f"documents may load only bundled fonts, not {url}")
        mime_type, _ = mimetypes.guess_type(path.name)
        return {
            "string": _read_font(path),
            "mime_type": mime_type or "application/octet-stream",
            "redirected_url": url,
            "path": str(path),
        }

    def check(self) -> None:
        if self.refused:
            raise ExternalResourceError("refused to load: " + ", ".join(sorted(set(self.refused))))


def render_documents(items: Iterable[tuple[str, Mapping[str, object]]]) -> list[weasyprint.Document]:
    """Lay out each (template, context) as its own document.

    Each document is laid out separately, so its "Page X of Y" counts its own pages even when
    the documents are later merged. One font configuration serves the whole batch (the fonts
    are parsed once).
    """
    font_config = FontConfiguration()
    return [
        render_html(render_to_string(template_name, dict(context)), font_config=font_config)
        for template_name, context in items
    ]


def render_html(html: str, *, font_config: FontConfiguration | None = None) -> weasyprint.Document:
    """Lay out one HTML string, loading nothing but the bundled fonts."""
    fetcher = GuardedFetcher()
    page = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    with fewer_collections():
        document = page.render(font_config=font_config or FontConfiguration(), **_PDF_OPTIONS)
    fetcher.check()
    return document


def write_single(document: weasyprint.Document) -> bytes:
    """The PDF of one rendered document."""
    with fewer_collections():
        return cast(bytes, document.write_pdf(**_PDF_OPTIONS))


#: Allocations between two collections of the youngest generation while WeasyPrint works.
#: WeasyPrint's layout keeps millions of small objects alive until the document is done: a
#: youngest-generation threshold of 10,000 rather than 700 made a per-case motion about 11 %
#: faster (29.4 against 25.8 ms) for a few MB more.
GC_YOUNG_THRESHOLD = 10_000


def fewer_collections() -> AbstractContextManager[None]:
    """The collector runs less often while WeasyPrint lays out or draws (`clearance.collector`)."""
    return collector.fewer_collections(GC_YOUNG_THRESHOLD)


def write_merged(documents: Sequence[weasyprint.Document], *, title: str = "") -> bytes:
    """One PDF of several rendered documents, in order, with one bookmark per document.

    Metadata (title, author, creation date) comes from the first document unless `title`
    is given. Pages keep the page numbers they were laid out with.
    """
    if not documents:
        raise ValueError("nothing to merge")
    merged = documents[0].copy([page for document in documents for page in document.pages])
    if title:
        # copy() shares the first document's metadata object; replace it, don't mutate it.
        merged.metadata = copy.copy(merged.metadata)
        merged.metadata.title = title
    return write_single(merged)


def render_pdf(template_name: str, context: Mapping[str, object]) -> bytes:
    """Render one template to PDF bytes."""
    (document,) = render_documents([(template_name, context)])
    return write_single(document)


#: The floor the benchmark compares against: one page, the same fonts, nothing to lay out.
_FLOOR_HTML = """<!doctype html><html lang="en"><head><meta charset="utf-8"><style>
@font-face { font-family: "Liberation Serif"; src: url("LiberationSerif-Regular.ttf"); }
@font-face { font-family: "Liberation Serif"; src: url("LiberationSerif-Bold.ttf"); font-weight: bold; }
@font-face { font-family: "Liberation Serif"; src: url("LiberationSerif-Italic.ttf"); font-style: italic; }
@font-face { font-family: "Liberation Serif"; src: url("LiberationSerif-BoldItalic.ttf"); font-weight: bold;
  font-style: italic; }
@page { size: letter; margin: 1in; }
html { font-family: "Liberation Serif", serif; font-size: 12pt; }
</style></head><body><p>Hello</p></body></html>"""


def one_page_floor(renders: int = 50) -> float:
    """Seconds per one-page PDF (layout and write) of `<p>Hello</p>` in the bundled serif.

    The least any document costs on this machine; one warm-up render is not counted. The
    font configuration is shared across the renders, as `render_documents` shares it.
    """
    if renders < 1:
        raise ValueError("renders must be positive")
    font_config = FontConfiguration()
    write_single(render_html(_FLOOR_HTML, font_config=font_config))
    started = time.perf_counter()
    for _ in range(renders):
        write_single(render_html(_FLOOR_HTML, font_config=font_config))
    return (time.perf_counter() - started) / renders


def font_subsetter() -> str:
    """Which library subsets the fonts WeasyPrint embeds: "HarfBuzz" or "fontTools".

    WeasyPrint uses HarfBuzz's C subsetter when the system has libharfbuzz-subset (4.1 or
    later; Debian's libharfbuzz-subset0) and falls back to fontTools' pure Python otherwise,
    which makes a small document about twice as slow. The bench prints it next to its figures.
    """
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return "HarfBuzz" if harfbuzz_subset and harfbuzz.hb_version_atleast(4, 1, 0) else "fontTools"


# ---------------------------------------------------------------- merging PDF files
#
# `merge_pdfs` joins PDF files this module wrote (pydyf's output: a catalog, one flat page
# tree, an outline, an info dictionary; objects either listed in an xref table or packed in
# object streams). It reads just enough PDF syntax to renumber each file's objects, hang all
# pages under one page tree and chain the outlines; content streams and fonts are copied as
# they are. Anything else in a catalog or a page tree (named destinations, forms, inherited
# page attributes) is refused rather than half-merged.


class UnsupportedPdfError(ValueError):
    """A PDF that `merge_pdfs` cannot merge (not one written by this module)."""


@dataclass(frozen=True)
class _Ref:
    number: int
    generation: int = 0


_Value: TypeAlias = "dict[bytes, _Value] | list[_Value] | _Ref | bytes"

_WHITESPACE = b" \t\r\n\x0c\x00"
_SPACE = rb"[ \t\r\n\x0c\x00]"
#: A byte that may be part of a number, keyword or name (not white space, not a delimiter).
_REGULAR = rb"[^ \t\r\n\x0c\x00()<>\[\]{}/%]"
_TOKEN = re.compile(_SPACE + rb"*(<<|>>|\[|\]|/" + _REGULAR + rb"*|\(|<[^<>]*>|" + _REGULAR + rb"+)")
_INTEGER = re.compile(rb"\d+")
#: An indirect reference, outside strings: "12 0 R" not glued to a name or another token.
_REFERENCE = re.compile(
    rb"(?<![^ \t\r\n\x0c\x00\[\]<>{}])(\d+)(" + _SPACE + rb"+)(\d+)(" + _SPACE + rb"+R)(?!" + _REGULAR + rb"|[()])"
)
#: What follows the object number of a reference: " 0 R".
_REFERENCE_TAIL = re.compile(_SPACE + rb"+(\d+)" + _SPACE + rb"+R(?!" + _REGULAR + rb")")
_OBJECT_HEADER = re.compile(rb"(\d+) (\d+) obj\s")
_STREAM_START = re.compile(rb"[ \t\r\n\x0c\x00]*stream\r?\n")


def _string_end(data: bytes, start: int) -> int:
    """The index after the literal string that opens at `start` (balanced parentheses)."""
    depth = 0
    index = start
    while index < len(data):
        char = data[index]
        if char == 0x5C:  # backslash: the next byte is escaped
            index += 2
            continue
        if char == 0x28:
            depth += 1
        elif char == 0x29:
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    raise UnsupportedPdfError("unterminated string")


def _parse(data: bytes, index: int = 0) -> tuple[_Value, int]:
    """One PDF object from `data` at `index`, and the index after it.

    Dictionaries and arrays become dicts (name keys without the slash) and lists; references
    become `_Ref`; every other token (number, name, string, keyword) stays as its bytes.
    """
    match = _TOKEN.match(data, index)
    if match is None:
        raise UnsupportedPdfError(f"unreadable object at {index}")
    token, index = match.group(1), match.end()
    if token == b"<<":
        result: dict[bytes, _Value] = {}
        while True:
            match = _TOKEN.match(data, index)
            if match is None:
                raise UnsupportedPdfError("unterminated dictionary")
            if match.group(1) == b">>":
                return result, match.end()
            key = match.group(1)
            if not key.startswith(b"/"):
                raise UnsupportedPdfError(f"dictionary key {key!r} is not a name")
            result[key[1:]], index = _parse(data, match.end())
    if token == b"[":
        items: list[_Value] = []
        while True:
            match = _TOKEN.match(data, index)
            if match is None:
                raise UnsupportedPdfError("unterminated array")
            if match.group(1) == b"]":
                return items, match.end()
            item, index = _parse(data, index)
            items.append(item)
    if token == b"(":
        end = _string_end(data, index - 1)
        return data[index - 1 : end], end
    if _INTEGER.fullmatch(token):
        ref_match = _REFERENCE_TAIL.match(data, index)
        if ref_match:
            return _Ref(int(token), int(ref_match.group(1))), ref_match.end()
    return token, index


def _serialize(value: _Value) -> bytes:
    if isinstance(value, dict):
        return b"<<" + b"".join(b"/" + key + b" " + _serialize(item) for key, item in value.items()) + b">>"
    if isinstance(value, list):
        return b"[" + b" ".join(_serialize(item) for item in value) + b"]"
    if isinstance(value, _Ref):
        return b"%d %d R" % (value.number, value.generation)
    return value


def _dictionary(data: bytes) -> dict[bytes, _Value]:
    value, _ = _parse(data)
    if not isinstance(value, dict):
        raise UnsupportedPdfError("expected a dictionary")
    return value


def _ref(value: _Value | None) -> int:
    if not isinstance(value, _Ref):
        raise UnsupportedPdfError(f"expected a reference, got {value!r}")
    return value.number


def _stream(body: bytes) -> tuple[dict[bytes, _Value], bytes]:
    """A stream object's dictionary and its decoded data."""
    header, end = _parse(body)
    match = _STREAM_START.match(body, end)
    if not isinstance(header, dict) or match is None:
        raise UnsupportedPdfError("expected a stream")
    length = header.get(b"Length")
    if not isinstance(length, bytes):
        raise UnsupportedPdfError("stream length is not a number")
    data = body[match.end() : match.end() + int(length)]
    filters = header.get(b"Filter")
    if filters == b"/FlateDecode":
        data = zlib.decompress(data)
    elif filters is not None or b"DecodeParms" in header:
        raise UnsupportedPdfError(f"unsupported stream filter {filters!r}")
    return header, data


@dataclass
class _PdfFile:
    version: bytes
    objects: dict[int, bytes]
    root: int
    info: int | None


def _read_pdf(data: bytes) -> _PdfFile:
    version = re.match(rb"%PDF-(\d\.\d)", data)
    tail = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", data[-256:])
    if version is None or tail is None:
        raise UnsupportedPdfError("not a PDF file")
    xref_at = int(tail.group(1))
    if data.startswith(b"xref", xref_at):
        offsets, packed, trailer = _xref_table(data, xref_at)
    else:
        offsets, packed, trailer = _xref_stream(data, xref_at)
    # An object ends where the next one (or the cross-reference section) starts.
    starts = sorted({*offsets.values(), xref_at, len(data)})
    following = dict(pairwise(starts))
    objects = {number: _object_body(data, offset, following[offset]) for number, offset in offsets.items()}
    for stream_number in sorted({stream for stream, _ in packed.values()}):
        header, content = _stream(objects.pop(stream_number))
        first = int(cast(bytes, header[b"First"]))
        pairs = [int(item) for item in content[:first].split()]
        positions = [*pairs[1::2], len(content) - first]
        for index, number in enumerate(pairs[::2]):
            objects[number] = content[first + positions[index] : first + positions[index + 1]].strip(_WHITESPACE)
    if set(packed) - set(objects):
        raise UnsupportedPdfError("an object stream lacks a listed object")
    info = trailer.get(b"Info")
    return _PdfFile(
        version=version.group(1),
        objects=objects,
        root=_ref(trailer.get(b"Root")),
        info=_ref(info) if info is not None else None,
    )


def _xref_table(data: bytes, xref_at: int) -> tuple[dict[int, int], dict[int, tuple[int, int]], dict[bytes, _Value]]:
    """A classic cross-reference table: object offsets and the trailer."""
    trailer_at = data.index(b"trailer", xref_at)
    offsets: dict[int, int] = {}
    number = 0
    for row in data[xref_at:trailer_at].split(b"\n")[1:]:
        fields = row.split()
        if len(fields) == 2:
            number = int(fields[0])
        elif len(fields) == 3:
            if fields[2] == b"n":
                offsets[number] = int(fields[0])
            number += 1
    return offsets, {}, _dictionary(data[trailer_at + len(b"trailer") :])


def _xref_stream(data: bytes, xref_at: int) -> tuple[dict[int, int], dict[int, tuple[int, int]], dict[bytes, _Value]]:
    """A cross-reference stream: offsets, objects packed in object streams, and the trailer."""
    header, table = _stream(_object_body(data, xref_at, data.rindex(b"startxref")))
    widths = [int(cast(bytes, width)) for width in cast(list[_Value], header[b"W"])]
    ranges = [int(cast(bytes, item)) for item in cast(list[_Value], header.get(b"Index", [b"0", header[b"Size"]]))]
    offsets: dict[int, int] = {}
    packed: dict[int, tuple[int, int]] = {}
    position = 0
    for first, count in zip(ranges[::2], ranges[1::2], strict=True):
        for number in range(first, first + count):
            fields = []
            for width in widths:
                fields.append(int.from_bytes(table[position : position + width], "big") if width else 1)
                position += width
            kind, second, third = fields
            if kind == 1 and second != xref_at:  # the cross-reference stream itself is not copied
                offsets[number] = second
            elif kind == 2:
                packed[number] = (second, third)
    return offsets, packed, header


def _object_body(data: bytes, offset: int, end: int) -> bytes:
    match = _OBJECT_HEADER.match(data, offset)
    if match is None:
        raise UnsupportedPdfError(f"no object at offset {offset}")
    body = data[match.end() : end].rstrip(_WHITESPACE)
    if not body.endswith(b"endobj"):
        raise UnsupportedPdfError(f"object {match.group(1).decode()} is not terminated")
    return body[: -len(b"endobj")].rstrip(_WHITESPACE)


def _renumber(body: bytes, numbers: Mapping[int, int]) -> bytes:
    """`body` with every reference renumbered (strings and stream data left alone)."""

    def replace(match: re.Match[bytes]) -> bytes:
        old = int(match.group(1))
        if old not in numbers:
            raise UnsupportedPdfError(f"reference to object {old}, which is not copied")
        return b"%d%s0%s" % (numbers[old], match.group(2), match.group(4))

    return _renumber_with(body, replace)


def _renumber_with(body: bytes, replace: Callable[[re.Match[bytes]], bytes]) -> bytes:
    """`body` with each reference outside strings and stream data passed through `replace`."""
    end = len(body)
    if body.endswith(b"endstream"):
        _, end = _parse(body)
    head, tail = body[:end], body[end:]
    parts = []
    index = 0
    while (start := head.find(b"(", index)) != -1:
        parts.append(_REFERENCE.sub(replace, head[index:start]))
        index = _string_end(head, start)
        parts.append(head[start:index])
    parts.append(_REFERENCE.sub(replace, head[index:]))
    return b"".join(parts) + tail


class _Raw(pydyf.Object):  # type: ignore[misc]
    """An object copied as bytes."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self._data = data
        self._stream = data.endswith(b"endstream")

    @property
    def data(self) -> bytes:
        return self._data

    @property
    def compressible(self) -> bool:
        return not self._stream


_CATALOG_KEYS = {b"Type", b"Pages", b"Outlines", b"Lang", b"PageMode"}


def merge_pdfs(pdfs: Iterable[bytes], *, title: str = "") -> bytes:
    """One PDF of several PDF files written by this module, in order, nothing laid out again.

    Each file keeps its pages as drawn (so its own "Page X of Y") and its bookmarks, one after
    the other in the outline. Metadata comes from the first file; `title` replaces its title.
    Equal inputs give equal bytes. The files are read one at a time: given a generator, only the
    merged objects are held, not every input besides.
    """
    output = BytesIO()
    write_merged_pdfs(pdfs, output, title=title)
    return output.getvalue()


def write_merged_pdfs(pdfs: Iterable[bytes], target: IO[bytes], *, title: str = "") -> None:
    """`merge_pdfs`, written to a file."""
    merged = pydyf.PDF()
    outline_root = _Raw(b"")
    merged.add_object(outline_root)
    # Each file's first and last top-level bookmark (often the same one), parsed once.
    ends: list[tuple[int, int]] = []
    items: dict[int, dict[bytes, _Value]] = {}
    outline_count = 0
    kids: list[bytes] = []
    first_catalog: dict[bytes, _Value] | None = None
    info: dict[bytes, _Value] = {}
    versions: list[bytes] = []
    for data in pdfs:
        file = _read_pdf(data)
        versions.append(file.version)
        catalog = _dictionary(file.objects[file.root])
        if first_catalog is None:
            first_catalog = catalog
            info = _dictionary(file.objects[file.info]) if file.info is not None else {}
        if set(catalog) - _CATALOG_KEYS:
            raise UnsupportedPdfError(f"cannot merge a catalog with {sorted(set(catalog) - _CATALOG_KEYS)}")
        pages_number = _ref(catalog.get(b"Pages"))
        pages = _dictionary(file.objects[pages_number])
        if set(pages) - {b"Type", b"Kids", b"Count"}:
            raise UnsupportedPdfError("cannot merge a page tree with inherited attributes")
        skipped = {file.root, pages_number} | ({file.info} if file.info is not None else set())
        outline_number = _ref(catalog[b"Outlines"]) if b"Outlines" in catalog else None
        numbers = {pages_number: merged.pages.number}
        if outline_number is not None:
            skipped.add(outline_number)
            numbers[outline_number] = outline_root.number
        kept = sorted(number for number in file.objects if number not in skipped)
        base = len(merged.objects)
        numbers.update({number: base + position for position, number in enumerate(kept)})
        for number in kept:
            merged.add_object(_Raw(_renumber(file.objects[number], numbers)))
        for kid in cast(list[_Value], pages[b"Kids"]):
            page = _dictionary(file.objects[_ref(kid)])
            if page.get(b"Type") != b"/Page":
                raise UnsupportedPdfError("cannot merge a nested page tree")
            kids.append(b"%d 0 R" % numbers[_ref(kid)])
        if outline_number is not None:
            outline = _dictionary(file.objects[outline_number])
            if b"First" in outline:
                first, last = numbers[_ref(outline[b"First"])], numbers[_ref(outline[b"Last"])]
                ends.append((first, last))
                for number in (first, last):
                    items[number] = _dictionary(merged.objects[number].data)
                outline_count += abs(int(cast(bytes, outline.get(b"Count", b"0"))))
    # Chain each file's top-level bookmarks to the next file's.
    for (_, last), (first, _) in pairwise(ends):
        if b"Next" in items[last] or b"Prev" in items[first]:
            raise UnsupportedPdfError("an outline's first or last item is linked outside its outline")
        items[last][b"Next"] = _Ref(first)
        items[first][b"Prev"] = _Ref(last)
    for number, item in items.items():
        merged.objects[number] = _raw_at(number, _serialize(item))
    if ends:
        outline_root._data = _serialize(
            {
                b"Type": b"/Outlines",
                b"First": _Ref(ends[0][0]),
                b"Last": _Ref(ends[-1][1]),
                b"Count": b"%d" % outline_count,
            }
        )
        merged.catalog["Outlines"] = outline_root.reference
    else:
        outline_root._data = b"<</Type /Outlines/Count 0>>"
    if first_catalog is None:
        raise ValueError("nothing to merge")
    for key in (b"Lang", b"PageMode"):
        if key in first_catalog:
            merged.catalog[key.decode()] = _serialize(first_catalog[key])
    merged.pages["Kids"] = pydyf.Array(kids)
    merged.pages["Count"] = len(kids)
    for key, value in info.items():
        merged.info[key.decode()] = _serialize(value)
    if title:
        merged.info["Title"] = pydyf.String(title)
    merged.write(target, version=max(versions), identifier=True, compress=True)


def _raw_at(number: int, data: bytes) -> _Raw:
    raw = _Raw(data)
    raw.number = number
    return raw


# ---------------------------------------------------------------- splitting a PDF file


class PdfPages:
    """A PDF file written by this module, read once, whose pages can be copied out as files.

    Writing one PDF costs WeasyPrint a fixed amount (its fonts subset and described, its
    structure assembled) on top of drawing the pages, so many small documents laid out together
    are written once and cut apart here: about a third cheaper for a two-page motion.
    """

    def __init__(self, data: bytes) -> None:
        self._file = file = _read_pdf(data)
        self._catalog = catalog = _dictionary(file.objects[file.root])
        if set(catalog) - _CATALOG_KEYS:
            raise UnsupportedPdfError(f"cannot split a catalog with {sorted(set(catalog) - _CATALOG_KEYS)}")
        self._pages_number = _ref(catalog.get(b"Pages"))
        tree = _dictionary(file.objects[self._pages_number])
        if set(tree) - {b"Type", b"Kids", b"Count"}:
            raise UnsupportedPdfError("cannot split a page tree with inherited attributes")
        self._kids = [_ref(kid) for kid in cast(list[_Value], tree[b"Kids"])]
        self._bookmarks = _top_level_bookmarks(file, catalog)
        self._info = _dictionary(file.objects[file.info]) if file.info is not None else {}
        # Never followed: the page tree (a page's /Parent) would lead to every other page.
        self._structure = {file.root, self._pages_number} | ({file.info} if file.info is not None else set())

    def __len__(self) -> int:
        return len(self._kids)

    def extract(self, pages: Iterable[int], *, title: str, description: str | None = None) -> bytes:
        """The pages at these indexes, in this order, as a PDF file of their own.

        It holds those pages and only what they draw with (content, resources, fonts: the
        fonts are the whole file's subsets), and the top-level bookmarks that point into them;
        nothing of the other pages. Metadata is the file's, with this title and description
        (/Subject, as WeasyPrint writes it).
        """
        own_pages = [self._kids[index] for index in pages]
        file = self._file
        kept: set[int] = set()
        waiting = list(own_pages)
        while waiting:
            number = waiting.pop()
            if number in kept or number in self._structure:
                continue
            if number not in file.objects:
                raise UnsupportedPdfError(f"reference to object {number}, which the file lacks")
            kept.add(number)
            waiting.extend(_referenced(file.objects[number]))
        out = pydyf.PDF()
        numbers = {self._pages_number: out.pages.number}
        base = len(out.objects)
        order = sorted(kept)
        numbers.update({number: base + position for position, number in enumerate(order)})
        for number in order:
            out.add_object(_Raw(_renumber(file.objects[number], numbers)))
        out.pages["Kids"] = pydyf.Array([b"%d 0 R" % numbers[page] for page in own_pages])
        out.pages["Count"] = len(own_pages)
        position_of = {page: position for position, page in enumerate(own_pages)}
        # Bookmarks follow their pages' new order (sorted is stable: a page's own stay in order).
        own = sorted(
            ((position_of[page], title, dest) for page, title, dest in self._bookmarks if page in position_of),
            key=lambda bookmark: bookmark[0],
        )
        if own:
            _add_outline(out, [(title, [_Ref(numbers[_ref(dest[0])]), *dest[1:]]) for _, title, dest in own])
        for key in (b"Lang", b"PageMode"):
            if key in self._catalog:
                out.catalog[key.decode()] = _serialize(self._catalog[key])
        for key, value in self._info.items():
            out.info[key.decode()] = _serialize(value)
        out.info["Title"] = pydyf.String(title)
        if description is not None:
            out.info["Subject"] = pydyf.String(description)
        output = BytesIO()
        out.write(output, version=file.version, identifier=True, compress=True)
        return output.getvalue()


def _add_outline(out: Any, entries: list[tuple[bytes, list[_Value]]]) -> None:
    """A flat outline of (title, destination) entries, in order."""
    outline_root = _Raw(b"")
    out.add_object(outline_root)
    items = [_Raw(b"") for _ in entries]
    for item in items:
        out.add_object(item)
    for position, (item, (title, destination)) in enumerate(zip(items, entries, strict=True)):
        entry: dict[bytes, _Value] = {
            b"Title": title,
            b"Dest": destination,
            b"Count": b"0",
            b"Parent": _Ref(outline_root.number),
        }
        if position:
            entry[b"Prev"] = _Ref(items[position - 1].number)
        if position + 1 < len(items):
            entry[b"Next"] = _Ref(items[position + 1].number)
        item._data = _serialize(entry)
    outline_root._data = _serialize(
        {b"Count": b"%d" % len(items), b"First": _Ref(items[0].number), b"Last": _Ref(items[-1].number)}
    )
    out.catalog["Outlines"] = outline_root.reference


def _top_level_bookmarks(file: _PdfFile, catalog: dict[bytes, _Value]) -> list[tuple[int, bytes, list[_Value]]]:
    """The outline's top-level items as (page object, title, destination); nested items refused."""
    if b"Outlines" not in catalog:
        return []
    outline = _dictionary(file.objects[_ref(catalog[b"Outlines"])])
    found = []
    number = _ref(outline[b"First"]) if b"First" in outline else None
    while number is not None:
        item = _dictionary(file.objects[number])
        if b"First" in item:
            raise UnsupportedPdfError("cannot split an outline with nested bookmarks")
        destination = item.get(b"Dest")
        if not isinstance(destination, list) or not destination:
            raise UnsupportedPdfError("a bookmark without a page destination")
        found.append((_ref(destination[0]), cast(bytes, item[b"Title"]), destination))
        number = _ref(item[b"Next"]) if b"Next" in item else None
    return found


def _referenced(body: bytes) -> set[int]:
    """The objects `body` refers to (strings and stream data skipped)."""
    found: set[int] = set()

    def note(match: re.Match[bytes]) -> bytes:
        found.add(int(match.group(1)))
        return match.group(0)

    _renumber_with(body, note)
    return found
