"""`zanwatch rules list|test|explain` and `zanwatch flags` from the terminal."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import tracker.rules
from storage.db import Database
from storage.models import Change, Edition, Flag

FAILING_PACK = """
[themes]
expression = "Speech"

[[rule]]
id = "wrong-example"
theme = "expression"
severity = "high"
side = "inserted"
description = "An example that contradicts its pattern."
patterns.rus = ['цензур\\w*']
[[rule.example]]
lang = "rus"
text = "Цензура запрещается."
match = false
[[rule.example]]
lang = "rus"
text = "Государственный флаг."
match = false
[[rule.example]]
lang = "rus"
text = "Цензура."
match = true
"""


def test_rules_list_json_has_the_civic_pack(cli) -> None:
    result = cli("rules", "list", "--format", "json")
    assert result.code == 0, result.err
    rules = json.loads(result.out)
    assert len(rules) >= 40
    treaty = next(rule for rule in rules if rule["id"] == "treaty-priority-removed")
    assert (treaty["theme"], treaty["side"]) == ("international_law", "deleted")
    assert treaty["languages"] == ["rus", "kaz", "eng"]


def test_rules_list_gives_the_reasons_in_the_language_asked(cli) -> None:
    reasons = {}
    for lang in ("rus", "kaz", "eng"):
        result = cli("rules", "list", "--format", "json", "--lang", lang)
        assert result.code == 0, result.err
        reasons[lang] = {rule["id"]: rule["description"] for rule in json.loads(result.out)}
    assert reasons["eng"]["foreign-agent"].isascii()
    assert not reasons["rus"]["foreign-agent"].isascii() and reasons["rus"] != reasons["kaz"]


def test_rules_list_table_names_the_rules(cli) -> None:
    result = cli("rules", "list")
    assert result.code == 0, result.err
    assert "foreign-agent" in result.out


def test_rules_test_passes_on_the_bundled_pack(cli) -> None:
    result = cli("rules", "test")
    assert result.code == 0, result.out
    assert "FAIL" not in result.out
    assert "examples passed" in result.out


def test_rules_test_fails_with_a_line_per_failing_example(cli, tmp_path: Path) -> None:
    pack = tmp_path / "failing.toml"
    pack.write_text(FAILING_PACK, encoding="utf-8")
    result = cli("rules", "test", str(pack))
    assert result.code == 1
    failures = [line for line in result.out.splitlines() if line.startswith("FAIL")]
    expected = f"FAIL {pack}: wrong-example [rus] expected no match, matched Цензура: Цензура запрещается."
    assert failures == [expected]
    assert "2 of 3 examples passed in 1 rules" in result.out


def test_a_rule_added_without_a_kazakh_description_fails_the_pack_check(cli, tmp_path: Path) -> None:
    civic = (Path(tracker.rules.__file__).parent / "packs" / "civic.toml").read_text(encoding="utf-8")
    first = next(line for line in civic.splitlines() if line.startswith("description.kaz = "))
    pack = tmp_path / "civic.toml"
    pack.write_text(civic.replace(first + "\n", "", 1), encoding="utf-8")
    result = cli("rules", "test", str(pack))
    assert result.code == 1
    gaps = [line for line in result.out.splitlines() if line.startswith("GAP")]
    assert gaps == ["GAP rule unregistered-association: no kaz description"]


def test_a_broken_configured_pack_is_one_line_on_stderr(cli, tmp_path: Path) -> None:
    pack = tmp_path / "broken.toml"
    pack.write_text(FAILING_PACK.replace('theme = "expression"', 'theme = "weather"'), encoding="utf-8")
    config = tmp_path / "config.toml"
    config.write_text(f'[rules]\npacks = ["{pack}"]\n', encoding="utf-8")
    result = cli("--config", str(config), "rules", "test")
    assert result.code != 0
    assert result.err.strip() == (
        f"zanwatch: error: rule pack '{pack}': rule 'wrong-example': unknown theme 'weather' "
        "(known: expression)"
    )


def test_rules_explain_shows_the_matched_words(cli) -> None:
    result = cli("rules", "explain", "foreign-agent", "Реестр иностранных агентов ведется.")
    assert result.code == 0, result.err
    assert "иностранных агентов" in result.out
    kazakh = cli("rules", "explain", "foreign-funds", "шетелдік қаржыландырудың көздері", "--lang", "kaz")
    assert "шетелдік қаржыландырудың" in kazakh.out
    unknown = cli("rules", "explain", "no-such-rule", "text")
    assert unknown.code != 0 and "unknown rule 'no-such-rule'" in unknown.err


NCO_LAW = "adilet:Z010000142_"


def at(month: int, day: int, hour: int = 0) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def _store_flags(db: Database) -> None:
    with db.transaction() as session:
        edition = Edition(document_key=NCO_LAW, language="rus", seq=2, content_hash="x", title="НКО")
        session.add(edition)
        session.flush()
        change = Change(
            document_key=NCO_LAW,
            language="rus",
            to_edition_id=edition.id,
            kind="substituted",
            old_num="41",
            new_num="41",
            heading="Статья 41. Отчетность",
        )
        session.add(change)
        session.flush()
        rows = [
            ("foreign-agent", "foreign_funding", "critical", "иностранных агентов", at(3, 2, 4)),
            ("reporting-frequency", "ngo_reporting", "medium", "ежеквартальный отчет", at(3, 2, 5)),
            ("foreign-funds", "foreign_funding", "high", "иностранных источников", at(1, 10)),
        ]
        for rule_id, theme, severity, word, created in rows:
            session.add(
                Flag(
                    change_id=change.id,
                    document_key=NCO_LAW,
                    rule_id=rule_id,
                    theme=theme,
                    severity=severity,
                    side="inserted",
                    matched=json.dumps([word], ensure_ascii=False),
                    eid="art_41",
                    snippet=f"… {word} …",
                    created_at=created,
                )
            )


def _flag_ids(cli, *args: str) -> list[str]:
    result = cli("flags", "--format", "json", *args)
    assert result.code == 0, result.err
    return [row["rule_id"] for row in json.loads(result.out)]


def test_flags_filter_by_theme_severity_date_and_document(cli, db: Database) -> None:
    _store_flags(db)
    assert _flag_ids(cli) == ["reporting-frequency", "foreign-agent", "foreign-funds"]
    assert _flag_ids(cli, "--theme", "foreign_funding") == ["foreign-agent", "foreign-funds"]
    assert _flag_ids(cli, "--theme", "foreign_funding", "--min-severity", "critical") == ["foreign-agent"]
    assert _flag_ids(cli, "--min-severity", "high") == ["foreign-agent", "foreign-funds"]
    assert _flag_ids(cli, "--since", "2026-02-01") == ["reporting-frequency", "foreign-agent"]
    assert _flag_ids(cli, "--document", "adilet:Z040000567_") == []


def test_flags_json_carries_the_article_and_matched_words(cli, db: Database) -> None:
    _store_flags(db)
    [row] = json.loads(cli("flags", "--format", "json", "--min-severity", "critical").out)
    assert row["article"] == "41" and row["heading"] == "Статья 41. Отчетность"
    assert row["matched"] == ["иностранных агентов"]
    assert row["side"] == "inserted" and row["eid"] == "art_41"


def test_flags_table_shows_the_flags(cli, db: Database) -> None:
    _store_flags(db)
    result = cli("flags", "--theme", "ngo_reporting")
    assert result.code == 0, result.err
    assert "ежеквартальный отчет" in result.out
    assert "иностранных агентов" not in result.out


def test_bad_input_is_refused_in_one_line(cli, db: Database) -> None:
    cases = [
        ("flags", "--theme", "weather"),
        ("flags", "--min-severity", "severe"),
        ("flags", "--since", "March"),
        ("flags", "--format", "xml"),
        ("rules", "list", "--format", "xml"),
        ("rules", "list", "--lang", "fr"),
        ("rules", "explain", "foreign-agent", "text", "--lang", "fr"),
    ]
    for args in cases:
        result = cli(*args)
        assert result.code == 2, args
        assert len(result.err.strip().splitlines()) == 1, result.err
        assert result.err.startswith("zanwatch: error: "), result.err
