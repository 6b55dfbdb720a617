"""The renderer: merged packets, bookmarks, page numbers, no network, reproducible bytes."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request

import pytest
from django.conf import settings

from cases.documents import (
    ExternalResourceError,
    bulk_motion,
    bulk_packet,
    render_documents,
    render_pdf,
    write_merged,
    write_single,
)
from cases.documents.render import FONTS_DIR, GuardedFetcher
from cases.tests.documents import pdf, samples


@pytest.fixture(scope="module")
def packet_pdf():
    packet = bulk_packet(samples.INFO, samples.mixed_rows())
    return write_merged(render_documents(packet.public), title="Public packet")


def test_a_merged_packet_has_one_bookmark_per_document(packet_pdf):
    assert pdf.outline(packet_pdf) == [
        (1, "Cover sheet"),
        (2, "Motion to Dismiss and Seal, and to Redesignate, Cannabis Convictions"),
        (5, "Exhibit B: Counts to be redesignated as misdemeanors or infractions"),
        (6, "[Proposed] order"),
    ]


def test_a_merged_packet_numbers_each_document_from_page_1(packet_pdf):
    footers = [line.strip() for page in pdf.pages(packet_pdf) for line in page.splitlines() if "Page " in line]

    cover, motion, exhibit, order = (
        ["Page 1 of 1"],
        ["Page 1 of 3", "Page 2 of 3", "Page 3 of 3"],
        ["Page 1 of 1"],
        [
            "Page 1 of 2",
            "Page 2 of 2",
        ],
    )
    assert footers == [*cover, *motion, *exhibit, *order]


def test_a_spec_knows_its_bookmark_title():
    packet = bulk_packet(samples.INFO, samples.mixed_rows())

    assert [spec.title for spec in packet.public] == [
        "Cover sheet",
        "Motion to Dismiss and Seal, and to Redesignate, Cannabis Convictions",
        "Exhibit B: Counts to be redesignated as misdemeanors or infractions",
        "[Proposed] order",
    ]
    assert packet.sealed[0].title == "Exhibit A: Counts to be dismissed and sealed (under seal)"


def test_the_public_packet_leaves_the_sealed_exhibit_out(packet_pdf):
    text = pdf.text(packet_pdf)

    for name in samples.SEALED_NAMES:
        assert name not in text
    assert len(bulk_packet(samples.INFO, samples.mixed_rows()).sealed) == 1


def test_the_same_inputs_give_the_same_bytes():
    assert bulk_motion(samples.INFO, samples.mixed_rows()) == bulk_motion(samples.INFO, samples.mixed_rows())

    packet = bulk_packet(samples.INFO, samples.mixed_rows())
    assert write_merged(render_documents(packet.public)) == write_merged(render_documents(packet.public))


def test_row_order_given_does_not_change_the_bytes():
    rows = samples.mixed_rows()

    assert bulk_motion(samples.INFO, rows) == bulk_motion(samples.INFO, list(reversed(rows)))


def test_the_pdf_is_dated_the_filing_date_and_titled_by_its_document(rendered):
    from cases.documents import DocumentKind

    info = pdf.info(rendered(DocumentKind.BULK_MOTION))

    assert info["CreationDate"] == "2025-03-04T00:00:00Z"
    assert info["Title"].startswith("Notice of Motion and Motion to Dismiss and Seal")
    assert info["Author"] == samples.OFFICE.name
    assert info["Pages"] == "3"


def test_a_single_document_has_its_one_bookmark():
    (document,) = render_documents([("documents/cover_sheet.html", _cover_context())])

    assert pdf.outline(write_single(document)) == [(1, "Cover sheet")]


def _cover_context():
    from cases.documents import cover_sheet_spec

    return cover_sheet_spec(samples.INFO, samples.mixed_rows()).context


def test_only_the_bundled_serif_is_embedded(rendered):
    from cases.documents import DocumentKind

    listing = subprocess.run(
        ["pdffonts", "-"], input=rendered(DocumentKind.BULK_MOTION), capture_output=True, check=True
    ).stdout.decode()
    fonts = [line.split() for line in listing.splitlines()[2:]]

    assert {font[0].split("+")[1] for font in fonts} == {"Liberation-Serif", "Liberation-Serif-Bold"}
    assert all(font[-5:-3] == ["yes", "yes"] for font in fonts)  # embedded, subset
    assert (FONTS_DIR / "OFL.txt").is_file()


# ---- no network


@pytest.fixture
def no_urlopen(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("rendering tried to open a URL")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)


@pytest.fixture
def template_dir(settings, tmp_path):
    """A template folder of the test's own, searched before the project's templates."""
    engine = dict(settings.TEMPLATES[0])
    engine["DIRS"] = [tmp_path, *engine["DIRS"]]
    settings.TEMPLATES = [engine]
    return tmp_path


@pytest.mark.parametrize(
    "markup",
    [
        '<img src="http://example.com/seal.png">',
        '<link rel="stylesheet" href="https://example.com/court.css">',
        "<style>@import url(https://example.com/court.css);</style>",
        '<style>@font-face { font-family: X; src: url("http://example.com/x.ttf"); } p { font-family: X; }</style><p>x',
        '<img src="file:///etc/hostname">',
        '<img src="../../manage.py">',
        '<img src="//example.com/seal.png">',
    ],
)
def test_a_document_that_reaches_outside_the_fonts_folder_fails(template_dir, no_urlopen, markup):
    (template_dir / "outside.html").write_text(f"<!doctype html><html><body>{markup}<p>text</p></body></html>")

    with pytest.raises(ExternalResourceError):
        render_pdf("outside.html", {})


def test_a_data_uri_is_allowed(template_dir, no_urlopen):
    pixel = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    (template_dir / "inline.html").write_text(f'<!doctype html><img src="data:image/png;base64,{pixel}"><p>ok</p>')

    assert render_pdf("inline.html", {}).startswith(b"%PDF")


def test_the_fetcher_serves_only_bundled_files():
    fetcher = GuardedFetcher()

    font = fetcher((FONTS_DIR / "LiberationSerif-Regular.ttf").as_uri())
    assert font["string"][:4] == b"\x00\x01\x00\x00"
    for url in (
        "http://example.com/x.ttf",
        (FONTS_DIR / ".." / ".." / "manage.py").as_uri(),
        (FONTS_DIR / "missing.ttf").as_uri(),
        "ftp://example.com/x",
        "file://otherhost" + str(FONTS_DIR / "LiberationSerif-Regular.ttf"),
    ):
        with pytest.raises(ExternalResourceError):
            fetcher(url)
    with pytest.raises(ExternalResourceError, match="refused to load"):
        fetcher.check()


def test_another_process_renders_the_same_bytes(rendered):
    # A fresh interpreter has another hash seed: set or dict-of-set ordering would show here.
    from cases.documents import DocumentKind

    script = (
        "import sys, django; django.setup();"
        "from cases.documents import bulk_motion; from cases.tests.documents import samples;"
        "sys.stdout.buffer.write(bulk_motion(samples.INFO, samples.mixed_rows()))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "clearance.settings", "PYTHONHASHSEED": "random"}
    other = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, check=True, env=env, cwd=settings.BASE_DIR
    ).stdout

    assert other == rendered(DocumentKind.BULK_MOTION)
