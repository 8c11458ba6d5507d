"""A chapter renumbered wholesale (articles 10–16 → 11–17, text unchanged) is one change: in the
terminal, HTML, Markdown and JSON renderings, and as one stored change and one event."""

from __future__ import annotations

import json
import re
from pathlib import Path

from sqlmodel import select

from storage import events
from storage import models as m
from storage.db import Database
from tracker import config
from tracker.model import Document, Provision
from tracker.pipeline import Recorder

KEY = "adilet:Z960000003_"


def _text(k: int) -> str:
    return (
        f"Статья {k}. Предмет {k}\n\nТекст статьи о предмете номер {k}: права, обязанности и порядок {k}.\n\n"
    )


def _law(numbers: list[int], texts: list[int]) -> str:
    """Articles numbered `numbers` carrying the texts of original articles `texts`."""
    body = "".join(
        _text(t).replace(f"Статья {t}.", f"Статья {n}.", 1) for n, t in zip(numbers, texts, strict=True)
    )
    return "Закон Республики Казахстан «Об общественных объединениях»\n\n" + body


OLD = _law(list(range(1, 21)), list(range(1, 21)))
# A new article 10 comes in, 10–16 move to 11–17 unchanged, old 17 is repealed, 18–20 stay.
NEW = _law(list(range(1, 21)), [*range(1, 10), 0, *range(10, 17), 18, 19, 20]).replace(
    "Предмет 0\n\nТекст статьи о предмете номер 0: права, обязанности и порядок 0.",
    "Новая статья\n\nОбщественные объединения вправе проводить мирные собрания.",
)


def _files(tmp_path: Path) -> tuple[str, str]:
    (tmp_path / "old.txt").write_text(OLD, encoding="utf-8")
    (tmp_path / "new.txt").write_text(NEW, encoding="utf-8")
    return str(tmp_path / "old.txt"), str(tmp_path / "new.txt")


def test_compare_json_lists_the_run_as_one_entry_with_the_pairs_inside(cli, tmp_path: Path) -> None:
    old, new = _files(tmp_path)
    changes = json.loads(cli("compare", old, new, "--format", "json").out)["changes"]
    assert [(c["kind"], c["old_num"], c["new_num"]) for c in changes] == [
        ("inserted", None, "10"),
        ("renumbered", "10", "11"),
        ("repealed", "17", None),
    ]
    run = changes[1]
    assert [(p["old_num"], p["new_num"]) for p in run["pairs"]] == [
        (str(k), str(k + 1)) for k in range(10, 17)
    ]
    assert run["ops"] == [] and run["flags"] == []


def test_every_rendering_shows_one_change_for_the_run(cli, tmp_path: Path) -> None:
    old, new = _files(tmp_path)
    term = cli("compare", old, new).out
    assert "3 changed provision(s)" in term and term.count("Статьи 10–16 → 11–17") == 1
    assert "7 articles renumbered alike, text unchanged" in term
    for fmt in ("html", "md"):
        out = cli("compare", old, new, "--format", fmt).out
        assert re.search(r"Изменено статей.{0,80}?>?3 \\?\(", out), fmt
        assert out.count("Статьи 10–16 → 11–17") == 1, fmt
        assert "7 статей перенумерованы одинаково, текст не изменился" in out, fmt
        assert "Статья 12" not in out, fmt


def test_the_run_is_one_stored_change_and_one_event(db: Database, tmp_path: Path) -> None:
    from scrapers.files import read_file
    from tracker import structure

    def doc(text: str) -> Document:
        path = tmp_path / "law.txt"
        path.write_text(text, encoding="utf-8")
        return structure.build(read_file(path, "rus"))

    recorder = Recorder(config.load())
    with db.transaction() as session:
        recorder.record(session, KEY, "rus", doc(OLD), origin="test")
        result = recorder.record(session, KEY, "rus", doc(NEW), origin="test")
    assert result.changes == 3
    with db.transaction() as session:
        changed = [e.payload["change"] for e in events.after(session, 0, types=["provision.changed"])]
        stored = session.exec(select(m.Change).where(m.Change.kind == "renumbered")).all()
    assert [c["kind"] for c in changed] == ["inserted", "renumbered", "repealed"]
    assert len(changed[1]["pairs"]) == 7
    [row] = stored
    assert len(json.loads(row.pairs)) == 7


def test_a_run_needs_the_same_shift_and_unchanged_text() -> None:
    from tracker.diff import diff_documents

    def law(nums_texts: list[tuple[str, str]]) -> Document:
        return Document(
            "", "", "", "rus", [Provision(f"art_{n}", "article", n, "", t) for n, t in nums_texts]
        )

    old = law([("1", "альфа бета гамма"), ("2", "дельта эпсилон дзета"), ("3", "эта тета йота")])
    swapped = law([("1", "дельта эпсилон дзета"), ("2", "альфа бета гамма"), ("4", "эта тета йота")])
    assert [len(c.pairs) for c in diff_documents(old, swapped)] == [0, 0, 0]
