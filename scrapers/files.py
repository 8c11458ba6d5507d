"""Local files experts receive by e-mail (HTML, plain text, DOCX) → the same ParsedPage as a fetched page."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import lxml.html
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn

from scrapers.adilet import body_blocks, decode_body, parse_page, suspect_reason
from tracker.errors import InputError, ParseError
from tracker.model import Block, DocumentStatus, ParsedPage

SUPPORTED = (".html", ".htm", ".txt", ".docx")
MAX_UNPACKED = 256 * 1024 * 1024
"""A DOCX whose parts would unpack to more than this is refused before anything is unzipped."""
MAX_RATIO = 200
"""Text XML compresses about 10:1; a part packed far tighter than this is a bomb."""
MAX_BAD_BYTES = 16
"""UTF-8 text with at most this many stray bytes keeps its UTF-8 reading (they become U+FFFD)."""


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
    """UTF-8, unless the bytes are not UTF-8 at all: Windows-1251 then (a few stray bytes in a UTF-8 file
    never re-decode all of it as 1251, which would garble every Cyrillic letter)."""
    text = body.decode("utf-8-sig", errors="replace")
    if text.count("\ufffd") > MAX_BAD_BYTES:
        text = body.decode("cp1251", errors="replace")
    return [Block(line.strip()) for line in text.splitlines() if line.strip()]


def _docx(path: Path, body: bytes) -> tuple[str, list[Block]]:
    """Paragraphs in document order, table cells included (drafts often come as comparison tables)."""
    try:
        _refuse_bomb(path, zipfile.ZipFile(io.BytesIO(body)).infolist())
        document = docx.Document(io.BytesIO(body))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise InputError(f"{path}: not a valid DOCX file ({exc})") from None
    blocks = []
    for paragraph in document.element.body.iter(qn("w:p")):
        text = "".join(node.text or "" for node in paragraph.iter(qn("w:t"))).strip()
        if text:
            blocks.append(Block(text))
    return document.core_properties.title or "", blocks


def _refuse_bomb(path: Path, parts: list[zipfile.ZipInfo]) -> None:
    """Judged on the sizes the archive declares (zipfile never inflates a part past its declared size)."""
    unpacked = sum(part.file_size for part in parts)
    packed = sum(part.compress_size for part in parts)
    if unpacked > MAX_UNPACKED or unpacked > MAX_RATIO * max(packed, 1) + 1024 * 1024:
        raise InputError(
            f"{path}: refused, the DOCX would unpack to {unpacked // (1024 * 1024)} MiB from "
            f"{max(packed, 1) // 1024} KiB (a zip bomb or a damaged file)"
        )


def _suspect(body: bytes) -> str | None:
    """A saved adilet page meets every check a fetched one does; other HTML the CAPTCHA and shell ones."""
    reason = suspect_reason(body)
    return reason if b"<article" in body or reason in _ANY_HTML else None


_ANY_HTML = ("CAPTCHA page", "JavaScript shell without the text")


def read_file(path: str | Path, language: str, *, accept_suspect: bool = False) -> ParsedPage:
    """Read a local .html/.htm, .txt or .docx; anything else, or an unreadable file, is an InputError.
    A saved page that a fetch would refuse (a CAPTCHA, a JavaScript shell) is a ParseError here too,
    unless `accept_suspect` (`import --force`)."""
    path = Path(path)
    if path.suffix.lower() not in SUPPORTED:
        raise InputError(
            f"{path}: unsupported file type {path.suffix.lower() or '(none)'!r}; use {', '.join(SUPPORTED)}"
        )
    try:
        if path.exists() and not path.is_file():  # a FIFO or a device would block or never end
            raise InputError(f"{path}: not a regular file")
        body = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    reason = _suspect(body) if path.suffix.lower() in (".html", ".htm") else None
    if reason and not accept_suspect:
        raise ParseError(f"{path}: suspect page ({reason}); not used")
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
