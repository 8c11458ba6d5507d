"""A draft's way to law: one draft per text across sources, its stage moves, stale drafts, the law it became.

Sources (the portal, the Mazhilis, later the Kurultai) report *sightings*: a key, a title and their own
status words mapped onto a `Stage`. A sighting of a source seen for the first time joins the draft of the
same text (`same_text`: nearly equal titles with the same numbers) or starts a new one. A draft moves when a
source reports a later stage, or when the source that set its stage reports another one (a bill sent back
to the Mazhilis); a portal still saying «Архив» while the bill is in parliament moves nothing. Each move is
one `draft.stage_changed`; `draft.stale` is sent once per stall, when a draft has not moved for the days
configured for its stage.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date
from difflib import SequenceMatcher
from typing import Any

from sqlmodel import Session

from storage import drafts as store
from storage import editions
from tracker.config import Drafts
from tracker.errors import Conflict, InputError
from tracker.keys import parse_key
from tracker.model import DraftInfo, EditionInfo, Initiative, Sighting, Stage, StageEntry
from tracker.normalize import normalize
from tracker.notify import events

SIMILAR_TITLES = 0.9
"""`SequenceMatcher` ratio above which two titles (prefixes and punctuation removed) name the same text."""
_PREFIX = re.compile(
    r"^(?:о\s+)?проект[а-я]*\s+(?:конституционного\s+)?закона(?:\s+республики\s+казахстан)?\s*"
)
_SUFFIX = re.compile(r"\s*(?:конституциялық\s+)?заң(?:ының|ы)?\s+жобасы$")
_NUMBER = re.compile(r"\d+")
_LAW_NUMBER = re.compile(r"№\s*(\d+(?:-[IVXLC]+)?)")
UNLINKED = ""
"""`act_key` of a draft whose linked act was unlinked by hand: it is not looked for again."""
_WORD = re.compile(r"\w+")


def _words(title: str) -> str:
    text = normalize(title).casefold()
    text = " ".join(_WORD.findall(text))
    return _SUFFIX.sub("", _PREFIX.sub("", text))


def same_text(a: str, b: str) -> bool:
    """Do two titles (a portal card's, a bill's) name the same text? The numbers in them (dates, law
    numbers) must be equal and the words nearly so, once «Проект Закона Республики Казахстан» is gone."""
    if sorted(_NUMBER.findall(a)) != sorted(_NUMBER.findall(b)):
        return False
    first, second = sorted((_words(a), _words(b)))  # the ratio depends on the order: fix it
    return SequenceMatcher(None, first, second).ratio() >= SIMILAR_TITLES


def site(key: str) -> str:
    return key.partition(":")[0]


@dataclass(frozen=True)
class Observed:
    draft: DraftInfo
    new: bool
    announced: tuple[str, ...]


def observe(session: Session, sighting: Sighting, today: date) -> Observed:
    """Record what a source says about a draft now; publish `draft.stage_changed` if the draft moved."""
    draft = store.by_source(session, sighting.key)
    if draft is None:
        found = _same_draft(session, sighting)
        if found is None:
            return Observed(store.create(session, sighting, today), True, ())
        draft = found
    store.save_source(session, draft.id, sighting)
    changes: dict[str, object] = {}
    if sighting.deadline is not None and sighting.deadline != draft.deadline:
        changes["deadline"] = sighting.deadline
    if sighting.developer and not draft.developer:
        changes["developer"] = sighting.developer
    if changes:
        store.update(session, draft.id, **changes)
    announced = _move(session, store.get(session, draft.id), sighting, today)
    return Observed(store.get(session, draft.id), False, announced)


def _same_draft(session: Session, sighting: Sighting) -> DraftInfo | None:
    """The draft of the same text from another site, if exactly one fits."""
    fits = [
        d
        for d in store.all_drafts(session)
        if not any(site(s.key) == site(sighting.key) for s in d.sources)
        and any(same_text(title, sighting.title) for title in (d.title, *(s.title for s in d.sources)))
    ]
    return fits[0] if len(fits) == 1 else None


def _move(session: Session, draft: DraftInfo, sighting: Sighting, today: date) -> tuple[str, ...]:
    forward = sighting.stage.order > draft.stage.order
    own = sighting.key == draft.stage_key
    if not (forward or own) or (sighting.stage, sighting.status) == (draft.stage, draft.source_status):
        return ()
    return step(session, draft, StageEntry(today, sighting.stage, sighting.status, sighting.key))


def step(session: Session, draft: DraftInfo, entry: StageEntry) -> tuple[str, ...]:
    """Put a step on the draft's timeline; a new stage is announced once."""
    store.add_step(session, draft.id, entry)
    store.update(
        session,
        draft.id,
        stage=entry.stage,
        stage_key=entry.source_key,
        source_status=entry.source_status,
        moved_on=max(entry.day, draft.moved_on),
    )
    if entry.stage == draft.stage:
        return ()
    moved = store.get(session, draft.id)
    document, payload = describe(moved)
    events.publish(session, events.draft_stage_changed(document, payload, draft.stage, entry.stage))
    return ("draft.stage_changed",)


def moved(session: Session, key: str, today: date) -> None:
    """A new version of the text is movement too: the stall clock starts again."""
    draft = store.by_source(session, key)
    if draft is not None:
        store.update(session, draft.id, moved_on=today)


def stale_days(config: Drafts, stage: Stage) -> int | None:
    return next((days for name, days in config.stale_days.items() if name == stage.value), None)


def note_stale(session: Session, config: Drafts, today: date) -> list[DraftInfo]:
    """Publish `draft.stale` for each draft that has not moved for its stage's days, once per stall."""
    noted = []
    for draft in store.all_drafts(session):
        limit = stale_days(config, draft.stage)
        idle = (today - draft.moved_on).days
        if limit is None or idle < limit or draft.stale_noted_on == draft.moved_on:
            continue
        document, payload = describe(draft)
        events.publish(session, events.draft_stale(document, payload, draft.moved_on, idle))
        store.update(session, draft.id, stale_noted_on=draft.moved_on)
        noted.append(draft)
    return noted


def note_waiting(session: Session, config: Drafts, today: date) -> list[Initiative]:
    """Publish `initiative.waiting` for each initiative still without a draft, every reminder period."""
    every = config.initiative_reminder_days
    noted = []
    for item in store.initiatives(session):
        last = item.reminded_on or item.created_on
        if item.draft_id is not None or (today - last).days < every:
            continue
        initiative = {**asdict(item), "tags": list(item.tags)}
        events.publish(session, events.initiative_waiting(initiative, (today - item.created_on).days))
        noted.append(store.update_initiative(session, item.id, reminded_on=today))
    return noted


def is_stale(config: Drafts, draft: DraftInfo, today: date) -> bool:
    limit = stale_days(config, draft.stage)
    return limit is not None and (today - draft.moved_on).days >= limit


def link(session: Session, draft_id: int, key: str, today: date) -> DraftInfo:
    """By hand: join a source (`legalacts:…`, `mazhilis:…`) to a draft, or record the adilet act it became.

    A source taken from another draft brings its timeline steps; a draft left empty is forgotten.
    """
    source, _ = parse_key(key)
    draft = store.get(session, draft_id)
    if source == "adilet":
        return link_act(session, draft, key, today)
    other = store.by_source(session, key)
    if other is None:
        raise InputError(f"{key} is not a source of any followed draft: see `zanwatch drafts list`")
    if other.id == draft.id:
        raise Conflict(f"{key} is already part of draft {draft.id}")
    sighting = next(s for s in other.sources if s.key == key)
    store.save_source(session, draft.id, sighting)
    store.move_steps(session, other.id, draft.id, key)
    store.delete_if_empty(session, other.id)
    observe(session, sighting, today)
    return store.get(session, draft.id)


def unlink(session: Session, draft_id: int, key: str, today: date) -> DraftInfo:
    """By hand: a source that is not the same text after all becomes a draft of its own (title matching
    joins only sources seen for the first time, so it stays apart); for an adilet key, forget the act the
    draft was linked to. Returns the draft the source now forms."""
    source, _ = parse_key(key)
    draft = store.get(session, draft_id)
    if source == "adilet":
        if draft.act_key != key:
            raise InputError(f"draft {draft_id} is not linked to {key}")
        store.update(session, draft_id, act_key=UNLINKED)
        return store.get(session, draft_id)
    sighting = next((s for s in draft.sources if s.key == key), None)
    if sighting is None:
        raise InputError(f"{key} is not a source of draft {draft_id}: see `zanwatch drafts show {draft_id}`")
    if len(draft.sources) == 1:
        raise InputError(f"{key} is draft {draft_id}'s only source: there is nothing to unlink it from")
    alone = store.create(session, sighting, today)
    if draft.stage_key == key:
        rest = max((s for s in draft.sources if s.key != key), key=lambda s: s.stage.order)
        store.update(session, draft_id, stage=rest.stage, stage_key=rest.key, source_status=rest.status)
    return alone


def link_act(session: Session, draft: DraftInfo, key: str, today: date) -> DraftInfo:
    """The draft became the adilet act `key`: at least signed, since adilet publishes signed acts. The
    step is dated by the act's date where the footnotes of stored documents give it."""
    store.update(session, draft.id, act_key=key)
    draft = store.get(session, draft.id)
    if draft.stage.order < Stage.SIGNED.order:
        dates = [d for _, _, d in store.amending_acts(session, ident=key.partition(":")[2]) if d]
        signed = min(dates, default=today)
        step(session, draft, StageEntry(signed, Stage.SIGNED, f"опубликован на adilet: {key}", key))
    return store.get(session, draft.id)


def find_act(session: Session, draft: DraftInfo) -> str | None:
    """The adilet act a passed draft became: the law number in a source's words («Подписан Главой
    государства … № 305-VIII») known from the footnotes of stored laws, or else the one stored adilet
    document of the same title."""
    for status in (draft.source_status, *(s.status for s in draft.sources)):
        for number in _LAW_NUMBER.findall(status):
            acts = {ident for ident, _, _ in store.amending_acts(session, number=number)}
            if len(acts) == 1:
                return f"adilet:{acts.pop()}"
    fits = [key for key, title in store.adilet_titles(session) if same_text(title, draft.title)]
    return fits[0] if len(fits) == 1 else None


def follow_to_law(session: Session, today: date) -> list[DraftInfo]:
    """Link each passed draft to the adilet act it became, once that act is known, and mark it in force
    when the act's changes to the stored laws have taken effect. Returns the drafts that moved."""
    moved = []
    for draft in store.all_drafts(session):
        if draft.stage in (Stage.WITHDRAWN, Stage.REJECTED, Stage.IN_FORCE):
            continue
        if draft.act_key is None and draft.stage.order >= Stage.ADOPTED.order:
            key = find_act(session, draft)
            if key is not None:
                draft = link_act(session, draft, key, today)
                moved.append(draft)
        if draft.act_key:
            effective = [
                day
                for _, _, _, day, _, _ in store.amendments_by_act(session, draft.act_key.partition(":")[2])
                if day is not None and day <= today
            ]
            if effective:
                entry = StageEntry(min(effective), Stage.IN_FORCE, f"в силе: {draft.act_key}", draft.act_key)
                step(session, draft, entry)
                moved.append(store.get(session, draft.id))
    return moved


def describe(draft: DraftInfo) -> tuple[dict[str, Any], dict[str, Any]]:
    """The `document` and `draft` parts of a draft event, spoken for by the source that set its stage."""
    key = draft.key
    document = {"key": key, "title": draft.title, "language": "rus", "url": draft.url or None}
    payload = {
        "id": key.partition(":")[2],
        "title": draft.title,
        "status": draft.source_status,
        "developer": draft.developer,
        "deadline": draft.deadline,
        "url": draft.url or None,
        "stage": draft.stage.value,
        "draft_id": draft.id,
    }
    return document, payload


@dataclass(frozen=True)
class Moment:
    """One entry of a draft's whole timeline: a stage step, a version of its text, the law it became, or a
    change that law made in another act."""

    day: date | None
    what: str  # stage | version | law | amendment
    key: str
    text: str


def versions(session: Session, draft: DraftInfo, language: str = "rus") -> list[EditionInfo]:
    """The versions of the draft's text across its sources (portal versions, then the bill's), in order."""
    found = [e for s in draft.sources for e in editions.list_editions(session, s.key, language)]
    return sorted(found, key=lambda e: (e.edition_date or e.fetched_at.date(), e.fetched_at))


def timeline(session: Session, draft: DraftInfo) -> list[Moment]:
    """From the first word to the amendments in force: stages, versions, the act, what the act changed."""
    moments = [
        Moment(s.day, "stage", s.source_key, f"{s.stage.value}: {s.source_status}".rstrip(": "))
        for s in store.timeline(session, draft.id)
    ]
    moments += [
        Moment(e.edition_date or e.fetched_at.date(), "version", e.key, f"version {n}: {e.title}")
        for n, e in enumerate(versions(session, draft), 1)
    ]
    if draft.act_key:
        moments += [
            Moment(e.edition_date or e.fetched_at.date(), "law", e.key, f"edition {e.seq}: {e.title}")
            for e in editions.list_editions(session, draft.act_key, "rus")
        ]
        moments += [
            Moment(effective or day, "amendment", key, f"{eid or 'whole text'} {kind}: {text}")
            for key, eid, kind, effective, day, text in store.amendments_by_act(
                session, draft.act_key.partition(":")[2]
            )
        ]
    return sorted(moments, key=lambda m: (m.day is None, m.day or date.min))
