"""`zanwatch compare` on a real adilet page and edited copies of it: exactly the edits come back, a
renumbered article is one change, and civic-freedom wording is flagged on the side where it changed."""

from __future__ import annotations

import json
from pathlib import Path

FIXTURES = Path(__file__).parents[1] / "fixtures"
REAL = (FIXTURES / "adilet" / "Z950002592_.rus.html").read_text(encoding="utf-8")
ART_6 = '<p><b><a name="z7"></a>Статья 6.'
TREATY = (
    '<p id="z999">&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; Если международным договором, ратифицированным Республикой '
    "Казахстан, установлены иные правила, чем те, которые содержатся в настоящем Конституционном законе, то "
    "применяются правила международного договора.</p>\n"
)
FOREIGN_DUTY = (
    '<p><b><a name="z900"></a>Статья 5-1. Сведения о финансировании</b></p><p id="z901">'
    "&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; Общественные объединения, получающие денежные средства и иное "
    "имущество от иностранных источников, обязаны сообщать в уполномоченный орган о получении и "
    "расходовании таких средств.</p>\n"
)


def _write(tmp_path: Path, name: str, html: str) -> str:
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    return str(path)


def _compare(cli, old: str, new: str) -> list[dict]:
    result = cli("compare", old, new, "--format", "json")
    assert result.code == 0, result.err
    return json.loads(result.out)["changes"]


def test_compare_reports_exactly_the_edits(cli, tmp_path: Path) -> None:
    assert ART_6 in REAL
    edited = (
        REAL.replace(ART_6, FOREIGN_DUTY + ART_6)
        .replace("производятся исключительно за счет", "производятся за счет")
        .replace("Статья 37. Порядок вступления", "Статья 38. Порядок вступления")
    )
    changes = _compare(cli, _write(tmp_path, "old.html", REAL), _write(tmp_path, "new.html", edited))
    by_kind = {c["kind"]: c for c in changes}
    assert sorted(by_kind) == ["inserted", "renumbered", "substituted"] and len(changes) == 3

    moved = by_kind["renumbered"]
    assert (moved["old_num"], moved["new_num"], moved["similarity"]) == ("37", "38", moved["similarity"])
    assert moved["similarity"] > 0.9

    reworded = by_kind["substituted"]
    assert reworded["new_num"] == "8"
    assert [text.strip() for op, text in reworded["ops"] if op != "="] == ["исключительно"]

    added = by_kind["inserted"]
    assert added["new_eid"] == "art_5-1"
    assert {(f["theme"], f["side"]) for f in added["flags"]} >= {("foreign_funding", "inserted")}
    assert not reworded["flags"] and not moved["flags"]


def test_compare_flags_a_deleted_treaty_priority_clause(cli, tmp_path: Path) -> None:
    anchor = '<p id="z74">'
    assert anchor in REAL
    with_clause = REAL.replace(anchor, TREATY + anchor)
    changes = _compare(cli, _write(tmp_path, "old.html", with_clause), _write(tmp_path, "new.html", REAL))
    (change,) = changes
    assert change["kind"] == "substituted" and change["new_num"] == "9"
    assert ("international_law", "deleted") in {(f["theme"], f["side"]) for f in change["flags"]}


def test_compare_needs_real_inputs(cli, tmp_path: Path) -> None:
    result = cli("compare", str(tmp_path / "missing.html"), str(tmp_path / "other.html"))
    assert result.code != 0
    assert len(result.err.strip().splitlines()) == 1
