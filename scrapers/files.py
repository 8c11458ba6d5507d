"""Local files experts receive by e-mail (HTML, plain text, DOCX) → the same ParsedPage as a fetched page."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import lxml.html
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn

from scrapers.adilet import body_blocks, decode_body, parse_page
from tracker.errors import InputError, ParseError
from tracker.model import Block, DocumentStatus, ParsedPage

SUPPORTED = (".html", ".htm", ".txt", ".docx")


def _html(body: bytes, language: str) -> ParsedPage:
    """An adilet page (saved from the site) keeps its title and badge; any other HTML gives its visible
    paragraphs."""
    if b"<article" in body:
        return parse_page(body, language)
    try:
        doc = lxml.html.document_fromstring(decode_body(body))
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ParseError(f"not an HTML document ({exc})") from None
    return ParsedPage(
        title=" ".join((doc.findtext(".//title") or "").split()),
        status=DocumentStatus.UNKNOWN,
        requisites="",
        language=language,
        blocks=body_blocks(doc.body),
    )


def _text(body: bytes) -> list[Block]:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = body.decode("cp1251")
    return [Block(line.strip()) for line in text.splitlines() if line.strip()]


def _docx(path: Path, body: bytes) -> tuple[str, list[Block]]:
    """Paragraphs in document order, table cells included (drafts often come as comparison tables)."""
    try:
        document = docx.Document(io.BytesIO(body))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise InputError(f"{path}: not a valid DOCX file ({exc})") from None
    blocks = []
    for paragraph in document.element.body.iter(qn("w:p")):
        text = "".join(node.text or "" for node in paragraph.iter(qn("w:t"))).strip()
        if text:
            blocks.append(Block(text))
    return document.core_properties.title or "", blocks


def read_file(path: str | Path, language: str) -> ParsedPage:
    """Read a local .html/.htm, .txt or .docx; anything else, or an unreadable file, is an InputError."""
    path = Path(path)
    if path.suffix.lower() not in SUPPORTED:
        raise InputError(
            f"{path}: unsupported file type {path.suffix.lower() or '(none)'!r}; use {', '.join(SUPPORTED)}"
        )
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    return parse_body(body, path, language)


def parse_body(body: bytes, path: Path, language: str) -> ParsedPage:
    """The bytes of a file named `path` (its suffix picks the format): also how stored imports are re-read."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        title, blocks = _docx(path, body)
        return ParsedPage(
            title=title or path.stem,
            status=DocumentStatus.UNKNOWN,
            requisites="",
            language=language,
            blocks=blocks,
        )
    if suffix == ".txt":
        return ParsedPage(
            title=path.stem,
            status=DocumentStatus.UNKNOWN,
            requisites="",
            language=language,
            blocks=_text(body),
        )
    return _html(body, language)
