"""Plain data shared by every layer.

Scrapers produce `ParsedPage`; `tracker.structure` turns it into a `Document`; `tracker.diff` compares two
documents into `Change`s; `tracker.rules` attaches `Flag`s. Nothing here knows about HTTP or SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal

LANGUAGES = ("rus", "kaz", "eng")
CHANGE_KINDS = ("inserted", "repealed", "substituted", "renumbered")
SEVERITIES = ("info", "low", "medium", "high", "critical")
Direction = Literal["restricts", "relaxes", "neutral"]
DIRECTIONS: tuple[Direction, ...] = ("restricts", "relaxes", "neutral")
"""Whether a flagged change shrinks civic space, widens it (good news), or cannot be told."""


class Stage(StrEnum):
    """Where a draft is on its way to law. Parliament is the Mazhilis then the Senate until 1 July 2026,
    the unicameral Kurultai after; a constitution goes to a referendum instead."""

    CONCEPT = "concept"
    PUBLIC_DISCUSSION = "public_discussion"
    GOVERNMENT = "government"
    MAZHILIS = "mazhilis"
    SENATE = "senate"
    KURULTAI = "kurultai"
    REFERENDUM = "referendum"
    ADOPTED = "adopted"
    SIGNED = "signed"
    IN_FORCE = "in_force"
    WITHDRAWN = "withdrawn"
    REJECTED = "rejected"

    @property
    def final(self) -> bool:
        """A draft at a final stage no longer moves, so it is never stale."""
        return self in (Stage.IN_FORCE, Stage.WITHDRAWN, Stage.REJECTED)

    @property
    def order(self) -> int:
        """Position on the way to law: a source may move a draft forward, only the source that set its
        stage may move it back."""
        return list(Stage).index(self)

    @property
    def phase(self) -> str:
        """The stage, with the chambers grouped as "parliament" (`drafts list --stage parliament`)."""
        return "parliament" if self in (Stage.MAZHILIS, Stage.SENATE, Stage.KURULTAI) else self.value


def stage_of(status: str, stems: tuple[tuple[str, Stage], ...], default: Stage) -> Stage:
    """A source's own status words mapped onto a stage: the first stem found in them wins."""
    words = status.casefold()
    return next((stage for stem, stage in stems if stem in words), default)


class DocumentStatus(StrEnum):
    """Where an act stands, whatever words its site uses (those go to `status_label`)."""

    IN_FORCE = "in_force"
    UPDATED = "updated"
    NOT_YET_IN_FORCE = "not_yet_in_force"
    REPEALED = "repealed"
    UNKNOWN = ""


class AmendmentKind(StrEnum):
    """What an amending act did, read from the verb of its footnote or notice."""

    AMENDED = "amended"
    NEW_WORDING = "new_wording"
    REPEALED = "repealed"
    SUPPLEMENTED = "supplemented"
    WORDS_REPLACED = "words_replaced"
    ACT_REPEALED = "act_repealed"
    """The whole act loses force («Закон утрачивает силу …», «… признать утратившим силу»)."""


@dataclass(frozen=True)
class Watch:
    """A document on the watch list."""

    key: str
    title: str = ""
    languages: tuple[str, ...] = ("rus",)
    tags: tuple[str, ...] = ()
    enabled: bool = True


@dataclass(frozen=True)
class EditionInfo:
    """A stored edition without its provisions: what `history` lists."""

    id: int
    key: str
    language: str
    seq: int
    edition_date: date | None
    fetched_at: datetime
    title: str
    status: str
    origin: str
    acts: tuple[str, ...] = ()
    changes: int = 0


@dataclass(frozen=True)
class Block:
    """One piece of a page body in document order, before legal structure is known.

    kind: "text" (heading or paragraph), "note" (a «Сноска»/«Ескерту»/«Footnote» footnote),
    "pending" (a «Примечание ИЗПИ!» notice, editorial or announcing a change not yet in force).
    """

    text: str
    kind: str = "text"
    anchor: str | None = None
    links: tuple[str, ...] = ()


@dataclass
class ParsedPage:
    """What a scraper saw on one page: no legal structure yet."""

    title: str
    status: DocumentStatus
    requisites: str
    language: str
    blocks: list[Block]
    status_label: str = ""
    """The status as the site words it («Обновленный», «Жаңартылған»)."""


@dataclass(frozen=True)
class Amendment:
    """A footnote or notice attributing a change to the act that made it.

    `scheduled`: announced by a notice, adopted but not yet in force. `effective`: the fixed date the change
    bites, when its in-force text gives one («вводится в действие с 01.07.2026»); None for relative rules.
    """

    kind: AmendmentKind
    text: str
    act_id: str | None = None
    act_number: str | None = None
    act_date: date | None = None
    in_force: str = ""
    effective: date | None = None
    scheduled: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape used in output, events and storage (dates as ISO strings)."""
        return {
            "kind": str(self.kind),
            "scheduled": self.scheduled,
            "text": self.text,
            "act_id": self.act_id,
            "act_number": self.act_number,
            "act_date": self.act_date.isoformat() if self.act_date else None,
            "in_force": self.in_force,
            "effective": self.effective.isoformat() if self.effective else None,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Amendment:
        return cls(
            kind=AmendmentKind(d["kind"]),
            scheduled=bool(d.get("scheduled")),
            text=d["text"],
            act_id=d.get("act_id"),
            act_number=d.get("act_number"),
            act_date=date.fromisoformat(d["act_date"]) if d.get("act_date") else None,
            in_force=d.get("in_force", ""),
            effective=date.fromisoformat(d["effective"]) if d.get("effective") else None,
        )


@dataclass
class Provision:
    """An addressable unit of a law: an article (the diff unit), or a container such as a chapter.

    eid follows Akoma Ntoso (`art_10-1`, `chp_3`); path lists the eids of the containers above it.
    """

    eid: str
    kind: str
    num: str
    heading: str
    text: str
    path: tuple[str, ...] = ()
    amendments: list[Amendment] = field(default_factory=list)
    repealed: bool = False


@dataclass
class Document:
    """One language expression of an act, structured."""

    title: str
    status: DocumentStatus
    requisites: str
    language: str
    provisions: list[Provision]
    scheduled: list[Amendment] = field(default_factory=list)
    """Every change announced but not yet in force, wherever it is attached."""
    amendments: list[Amendment] = field(default_factory=list)
    """Amendments of the whole document, not one provision: its title, whole-text word replacements
    («По всему тексту …»), the whole act losing force."""
    status_label: str = ""

    def articles(self) -> list[Provision]:
        """The diff units: articles, or numbered points for acts without articles."""
        return [p for p in self.provisions if p.kind in ("article", "point", "preamble")]


Op = tuple[str, str]
"""A redline operation: ("=", text) kept, ("+", text) inserted, ("-", text) deleted."""


@dataclass(frozen=True)
class Description:
    """A rule's one line on why an expert should look: English, and the pack's translations of it."""

    eng: str = ""
    rus: str = ""
    kaz: str = ""

    def text(self, language: str) -> str:
        """The line in the reader's language, or in English where the pack gives none."""
        return self._lines().get(language) or self.eng

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages the pack gives the line in."""
        return tuple(lang for lang, line in self._lines().items() if line)

    def _lines(self) -> dict[str, str]:
        return {"rus": self.rus, "kaz": self.kaz, "eng": self.eng}


@dataclass(frozen=True)
class Flag:
    """A rule's verdict that a change touches civic freedoms, and which way.

    A quantity flag also carries the number before and after, in `unit` (e.g. "mci", "days", "persons").
    """

    rule_id: str
    theme: str
    severity: str
    side: str
    matched: tuple[str, ...]
    eid: str
    snippet: str
    description: Description = Description()
    direction: Direction = "neutral"
    old_value: float | None = None
    new_value: float | None = None
    unit: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "theme": self.theme,
            "severity": self.severity,
            "side": self.side,
            "matched": list(self.matched),
            "eid": self.eid,
            "snippet": self.snippet,
            "direction": self.direction,
            "old_value": self.old_value,
            "new_value": self.new_value,
            "unit": self.unit,
        }


@dataclass
class Change:
    """One aligned pair of provisions that differ, or an unpaired one."""

    kind: str
    old: Provision | None
    new: Provision | None
    similarity: float = 0.0
    ops: list[Op] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    pairs: list[tuple[Provision, Provision]] = field(default_factory=list)
    """For a run of unchanged articles renumbered alike (10–16 → 11–17): every pair, first to last.
    `old` and `new` are then the first pair, and there are no ops: no word changed."""

    @property
    def eid(self) -> str:
        return (self.new or self.old).eid  # type: ignore[union-attr]

    @property
    def heading(self) -> str:
        return (self.new or self.old).heading  # type: ignore[union-attr]

    @property
    def amendments(self) -> list[Amendment]:
        """The footnotes that explain this change: those on the new side not already on the old."""
        if self.new is None:
            return []
        before = set(self.old.amendments) if self.old else set()
        return [a for a in self.new.amendments if a not in before]

    def inserted_text(self) -> str:
        return " ".join(text for op, text in self.ops if op == "+")

    def deleted_text(self) -> str:
        return " ".join(text for op, text in self.ops if op == "-")


@dataclass(frozen=True)
class ActRequisites:
    """What adilet's requisites card (`/info`) of an act says; `note` explains a missing publication date."""

    published: date | None
    adopted: date | None = None
    title: str = ""
    note: str = ""


@dataclass(frozen=True)
class ActTarget:
    """What an amending act does to one provision of a watched document (eid "" = the whole document)."""

    document_key: str
    eid: str
    kind: str
    state: str
    text: str
    in_force: str
    effective: date | None
    effective_note: str
    announced_on: date | None
    in_force_on: date | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": self.document_key,
            "eid": self.eid or None,
            "kind": self.kind,
            "state": self.state,
            "text": self.text,
            "in_force": self.in_force,
            "effective": self.effective.isoformat() if self.effective else None,
            "effective_note": self.effective_note or None,
            "announced_on": self.announced_on.isoformat() if self.announced_on else None,
            "in_force_on": self.in_force_on.isoformat() if self.in_force_on else None,
        }


@dataclass(frozen=True)
class Act:
    """An amending act, stored once, with every watched document and provision it touches."""

    id: int
    key: str
    source_id: str | None
    number: str | None
    adopted: date | None
    title: str
    url: str | None
    published: date | None
    targets: tuple[ActTarget, ...] = ()

    @property
    def state(self) -> str:
        """announced while any of its changes is pending, in_force once all have landed, else superseded."""
        states = {t.state for t in self.targets}
        return next((s for s in ("announced", "in_force") if s in states), "superseded")

    @property
    def label(self) -> str:
        when = f" of {self.adopted:%d.%m.%Y}" if self.adopted else ""
        return f"№ {self.number}{when}" if self.number else self.source_id or self.key

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source_id": self.source_id,
            "number": self.number,
            "adopted": self.adopted.isoformat() if self.adopted else None,
            "title": self.title,
            "url": self.url,
            "published": self.published.isoformat() if self.published else None,
            "state": self.state,
            "documents": sorted({t.document_key for t in self.targets}),
            "targets": [t.to_dict() for t in self.targets],
        }


@dataclass(frozen=True)
class Sighting:
    """What one source says about a draft today, in its own words and mapped onto a stage."""

    key: str
    title: str
    status: str
    stage: Stage
    url: str
    developer: str = ""
    deadline: date | None = None


@dataclass(frozen=True)
class StageEntry:
    """One step of a draft's timeline."""

    day: date
    stage: Stage
    source_status: str
    source_key: str


@dataclass(frozen=True)
class DraftInfo:
    """A followed draft as `drafts list` shows it; `sources` are its keys (`legalacts:…`, `mazhilis:…`)."""

    id: int
    title: str
    stage: Stage
    stage_key: str
    source_status: str
    developer: str
    deadline: date | None
    moved_on: date
    stale_noted_on: date | None
    act_key: str | None
    sources: tuple[Sighting, ...] = ()

    @property
    def key(self) -> str:
        """The source that speaks for the draft in events: the one that set its stage."""
        return self.stage_key or (self.sources[0].key if self.sources else "")

    @property
    def url(self) -> str:
        return next((s.url for s in self.sources if s.key == self.key), "")


@dataclass(frozen=True)
class Initiative:
    """An announced initiative with no text yet."""

    id: int
    title: str
    url: str | None
    tags: tuple[str, ...]
    note: str
    created_on: date
    draft_id: int | None
    reminded_on: date | None
