"""Local files experts receive by e-mail (HTML, plain text, DOCX) → the same ParsedPage as a fetched page."""

from __future__ import annotations

import codecs
import io
import zipfile
from pathlib import Path

import docx
import lxml.html
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from lxml import etree

from scrapers.adilet import body_blocks, decode_body, other_document, parse_page, suspect_reason
from tracker.errors import InputError, ParseError
from tracker.model import Block, DocumentStatus, ParsedPage

SUPPORTED = (".html", ".htm", ".txt", ".docx")
MAX_UNPACKED = 256 * 1024 * 1024
"""A DOCX whose parts would unpack to more than this is refused before anything is unzipped."""
MAX_RATIO = 200
"""Text XML compresses about 10:1; a part packed far tighter than this is a bomb."""
MAX_BAD_BYTES = 16
"""UTF-8 text with at most this many stray bytes keeps its UTF-8 reading (they become U+FFFD)."""
SIGNATURES = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"%PDF", "a PDF"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"PK\x03\x04", "a zip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Word or Excel file (.doc, .xls)"),
)
"""The first bytes of files that are often mistaken for (or misnamed as) a page or a text."""
CONTROL_BYTES = bytes(b for b in range(32) if chr(b) not in "\t\n\v\f\r")
MAX_CONTROL_SHARE = 0.05
"""Text has next to no control bytes; compressed or binary data has about one in ten."""
DOCX_ERRORS = (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError, etree.XMLSyntaxError)
"""What opening a file that is not a well-formed DOCX raises (a part that is not XML: XMLSyntaxError)."""
BINARY_SAMPLE = 1 << 20
ADILET_TITLE = 'ИПС "Әділет"'.encode()
"""adilet's page title: a saved page cut before its `<article>` still has it."""


def _as_utf8(body: bytes) -> bytes:
    """Text saved as UTF-16 with its byte-order mark (Windows' «Unicode») as UTF-8, which every reader here
    expects; any other bytes as they are."""
    if not body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return body
    return body.decode("utf-16", errors="replace").encode("utf-8")


def _not_text(body: bytes) -> str | None:
    """What a file is when it is not text (an image, an archive, binary data), else None."""
    kind = next((kind for magic, kind in SIGNATURES if body.startswith(magic)), None)
    if kind:
        return kind
    sample = body[:BINARY_SAMPLE]
    control = len(sample) - len(sample.translate(None, CONTROL_BYTES))
    if control > MAX_CONTROL_SHARE * len(sample):
        share = control * 100 // len(sample)
        return f"binary data ({share}% control bytes; UTF-16 without its byte-order mark?)"
    return None


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
        refuse_bomb(path, body)
        document = docx.Document(io.BytesIO(body))
    except DOCX_ERRORS as exc:
        raise InputError(f"{path}: not a valid DOCX file ({exc})") from None
    blocks = []
    for paragraph in document.element.body.iter(qn("w:p")):
        text = "".join(node.text or "" for node in paragraph.iter(qn("w:t"))).strip()
        if text:
            blocks.append(Block(text))
    return document.core_properties.title or "", blocks


def refuse_bomb(name: str | Path, body: bytes) -> None:
    """Refuse a DOCX that would unpack past the limits, before python-docx inflates it: judged on the sizes
    the archive declares (zipfile never inflates a part past its declared size)."""
    parts = zipfile.ZipFile(io.BytesIO(body)).infolist()
    unpacked = sum(part.file_size for part in parts)
    packed = sum(part.compress_size for part in parts)
    if unpacked > MAX_UNPACKED or unpacked > MAX_RATIO * max(packed, 1) + 1024 * 1024:
        raise InputError(
            f"{name}: refused, the DOCX would unpack to {unpacked // (1024 * 1024)} MiB from "
            f"{max(packed, 1) // 1024} KiB (a zip bomb or a damaged file)"
        )


def _suspect(body: bytes, ident: str | None) -> str | None:
    """A saved adilet page (of document `ident`, if given) meets every check a fetched one does, even when
    cut before its `<article>`; other HTML the CAPTCHA and shell ones."""
    reason = suspect_reason(body, ident=ident)
    return reason if b"<article" in body or ADILET_TITLE in body or reason in _ANY_HTML else None


_ANY_HTML = ("CAPTCHA page", "JavaScript shell without the text")


def read_file(
    path: str | Path, language: str, *, accept_suspect: bool = False, ident: str | None = None
) -> ParsedPage:
    """Read a local .html/.htm, .txt or .docx; anything else, an unreadable file or one that is not text
    (an image, an archive) is an InputError. A saved page that a fetch would refuse (a CAPTCHA, a
    JavaScript shell, a cut page) is a ParseError here too, unless `accept_suspect` (`import --force`); the
    page of another adilet document than `ident` is an InputError even then."""
    return parse_body(read_checked(path, accept_suspect=accept_suspect, ident=ident), Path(path), language)


def read_checked(path: str | Path, *, accept_suspect: bool = False, ident: str | None = None) -> bytes:
    """The bytes of a file `read_file` would read, refused as it refuses them: what an import keeps."""
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
    if not body:
        raise InputError(f"{path}: the file is empty")
    if path.suffix.lower() == ".docx":
        return body
    text = _as_utf8(body)
    kind = _not_text(text)
    if kind:
        raise InputError(f"{path}: not {path.suffix.lower()} text but {kind}; is it the right file?")
    html = path.suffix.lower() in (".html", ".htm")
    if html and ident is not None and (other := other_document(text, ident)):
        raise InputError(f"{path}: {other}; not recorded, even with --force")
    reason = _suspect(text, ident) if html else None
    if reason and not accept_suspect:
        raise ParseError(f"{path}: suspect page ({reason}); not used")
    return body


def parse_body(body: bytes, path: Path, language: str) -> ParsedPage:
    """The bytes of a file named `path` (its suffix picks the format): also how stored imports are re-read."""
    suffix = path.suffix.lower()
    if suffix != ".docx":
        body = _as_utf8(body).replace(b"\0", b"")  # a stray NUL is no character of the text
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
