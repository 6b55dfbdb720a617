"""The one place that turns a document template into PDF bytes with WeasyPrint.

Court paperwork must look the same on every worker and must never reach the network: a
filing is rendered from the fonts in `static/fonts` and nothing else. WeasyPrint swallows
fetch errors (it logs them and carries on without the resource), so the fetcher records what
it refused and rendering raises afterwards: a template that references an outside URL fails
loudly instead of producing a PDF with a missing font or image.

Bytes are reproducible: WeasyPrint writes no clock time unless the HTML carries
`dcterms.created` (our base template sets it from the filing date), font subsets are named
by an md5 of their content, and the file identifier is an md5 of the file itself.
"""

from __future__ import annotations

import copy
import mimetypes
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple, cast
from urllib.parse import urlsplit
from urllib.request import url2pathname

import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from weasyprint.text.fonts import FontConfiguration

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
    fetcher = GuardedFetcher()
    font_config = FontConfiguration()
    documents = []
    for template_name, context in items:
        html = render_to_string(template_name, dict(context))
        page = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
        documents.append(page.render(font_config=font_config, **_PDF_OPTIONS))
        # Stop at the first offending document rather than rendering the rest.
        fetcher.check()
    return documents


def write_single(document: weasyprint.Document) -> bytes:
    """The PDF of one rendered document."""
    return cast(bytes, document.write_pdf(**_PDF_OPTIONS))


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
