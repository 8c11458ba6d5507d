"""The rule engine: which side a match is on, what an untouched article does, and broken packs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.errors import InputError, RuleError
from tracker.model import Change, Provision
from tracker.rules import RuleSet, load_rules

TREATY_CLAUSE = "Международные договоры, ратифицированные Республикой, имеют приоритет перед ее законами"


@pytest.fixture(scope="module")
def civic() -> RuleSet:
    return load_rules(["civic"])


def article(text: str, eid: str = "art_4", heading: str = "") -> Provision:
    return Provision(eid=eid, kind="article", num=eid.removeprefix("art_"), heading=heading, text=text)


def by_rule(flags: list) -> dict:
    return {flag.rule_id: flag for flag in flags}


def test_deleting_treaty_priority_is_flagged_on_the_deleted_side(civic: RuleSet) -> None:
    old = f"3. {TREATY_CLAUSE} и применяются непосредственно."
    new = "3. Порядок и условия действия международных договоров определяются законом."
    change = Change(
        "substituted",
        article(old),
        article(new),
        ops=[
            ("=", "3. "),
            ("-", f"{TREATY_CLAUSE} и применяются непосредственно."),
            ("+", "Порядок и условия действия международных договоров определяются законом."),
        ],
    )
    flags = by_rule(civic.evaluate(change, document_key="adilet:K950001000_"))
    removed = flags["treaty-priority-removed"]
    assert (removed.theme, removed.side, removed.severity) == ("international_law", "deleted", "critical")
    assert removed.eid == "art_4"
    assert "имеют приоритет" in removed.snippet
    assert flags["treaty-application-by-law"].side == "inserted"


def test_a_repealed_article_is_read_on_the_deleted_side(civic: RuleSet) -> None:
    change = Change("repealed", article(TREATY_CLAUSE + "."), None)
    [flag] = [f for f in civic.evaluate(change) if f.theme == "international_law"]
    assert flag.side == "deleted"


def test_inserting_the_treaty_clause_is_not_a_removal(civic: RuleSet) -> None:
    change = Change("inserted", None, article(TREATY_CLAUSE + "."))
    assert "treaty-priority-removed" not in by_rule(civic.evaluate(change))


def test_inserting_a_foreign_funds_disclosure_duty_is_flagged_on_the_inserted_side(civic: RuleSet) -> None:
    text = "Некоммерческие организации раскрывают сведения о деньгах, полученных из иностранных источников."
    change = Change("inserted", None, article(text, eid="art_41-1", heading="Статья 41-1. Прозрачность"))
    flag = by_rule(civic.evaluate(change))["foreign-funds"]
    assert (flag.theme, flag.side, flag.eid) == ("foreign_funding", "inserted", "art_41-1")
    assert flag.matched == ("иностранных источников",)
    assert flag.description


def test_an_untouched_sensitive_article_raises_no_flag(civic: RuleSet) -> None:
    text = "Иностранные агенты ежегодно представляют отчет о деньгах, полученных от иностранных государств."
    unchanged = Change("renumbered", article(text, "art_5"), article(text, "art_6"), ops=[("=", text)])
    assert civic.evaluate(unchanged) == []


def test_a_change_elsewhere_in_a_sensitive_article_raises_no_flag(civic: RuleSet) -> None:
    ops = [
        ("=", "Иностранные агенты отчитываются о деньгах, полученных от иностранных государств, в течение "),
        ("-", "десяти"),
        ("+", "пятнадцати"),
        ("=", " рабочих дней."),
    ]
    change = Change("substituted", article("old"), article("new"), ops=ops)
    assert civic.evaluate(change) == []


def test_a_phrase_that_loses_one_word_is_caught(civic: RuleSet) -> None:
    ops = [("=", "Международные договоры, ратифицированные Республикой, "), ("-", "имеют приоритет"),
           ("+", "применяются в порядке, определяемом законом")]  # fmt: skip
    change = Change("substituted", article("old"), article("new"), ops=ops)
    flag = by_rule(civic.evaluate(change))["treaty-priority-removed"]
    assert flag.matched == ("Международные договоры, ратифицированные Республикой, имеют приоритет",)


def test_kazakh_inflected_forms_match(civic: RuleSet) -> None:
    text = "Шетелдік қаржыландырудың көздері туралы ақпарат ашық және қолжетімді болуға тиіс."
    change = Change("inserted", None, article(text))
    flag = by_rule(civic.evaluate(change, language="kaz"))["foreign-funds"]
    assert flag.matched == ("Шетелдік қаржыландырудың",)


def test_kazakh_text_typed_with_latin_i_still_matches(civic: RuleSet) -> None:
    text = "Республика бекiткен халықаралық шарттардың республика заңдарынан басымдығы болады."
    change = Change("repealed", article(text), None)
    assert by_rule(civic.evaluate(change, language="kaz"))["treaty-priority-removed"].side == "deleted"


def test_rules_only_read_their_own_language(civic: RuleSet) -> None:
    change = Change("inserted", None, article("Цензура запрещается."))
    assert civic.evaluate(change, language="eng") == []


def test_snippet_is_about_120_characters_around_the_match(civic: RuleSet) -> None:
    filler = "Настоящая статья регулирует отношения в области связи и информатизации. " * 5
    change = Change("inserted", None, article(filler + "Цензура запрещается. " + filler))
    snippet = by_rule(civic.evaluate(change))["censorship"].snippet
    assert "Цензура" in snippet
    assert snippet.startswith("…") and snippet.endswith("…")
    assert len(snippet) <= 125


def test_apply_sets_flags_on_every_change(civic: RuleSet) -> None:
    flagged = Change("inserted", None, article("Цензура запрещается."))
    plain = Change("inserted", None, article("Государственный флаг имеет форму прямоугольника.", "art_2"))
    civic.apply([flagged, plain], document_key="adilet:Z070000258_", language="rus")
    assert [f.rule_id for f in flagged.flags] == ["censorship"]
    assert plain.flags == []


def test_explain_names_the_pattern_and_the_words(civic: RuleSet) -> None:
    [hit] = civic.explain("foreign-agent", "реестр иностранных агентов ведется уполномоченным органом")
    assert hit.pattern == r"иностранн\w* агент\w*"
    assert hit.text == "иностранных агентов"
    with pytest.raises(InputError, match="unknown rule 'nope'"):
        civic.explain("nope", "text")
    with pytest.raises(InputError, match="no kaz patterns"):
        civic.explain("charter-limits", "жарғы", "kaz")


FILTERED = """
[themes]
international_law = "Treaties"

[[rule]]
id = "constitution-only"
theme = "international_law"
severity = "high"
side = "any"
description = "Only in the Constitution or documents tagged constitution."
documents = ["adilet:K950001000_"]
tags = ["constitution"]
patterns.rus = ['суверенитет\\w*']
[[rule.example]]
lang = "rus"
text = "Суверенитет распространяется на всю территорию."
match = true
[[rule.example]]
lang = "rus"
text = "Территория едина."
match = false
"""


def test_document_filters_limit_a_rule_to_keys_or_tags(tmp_path: Path) -> None:
    pack = tmp_path / "filtered.toml"
    pack.write_text(FILTERED, encoding="utf-8")
    rules = load_rules([str(pack)])
    change = Change("inserted", None, article("Суверенитет Республики распространяется на всю территорию."))
    assert rules.evaluate(change, document_key="adilet:Z070000258_") == []
    assert rules.evaluate(change, document_key="adilet:K950001000_")
    assert rules.evaluate(change, document_key="adilet:K2600000001", tags=["constitution"])


BROKEN = {
    "bad regex": ("patterns.rus = ['иностранн(\\w*']", "bad regex"),
    "unknown theme": ('theme = "weather"', "unknown theme 'weather'"),
    "unknown severity": ('severity = "severe"', "unknown severity 'severe'"),
    "unknown side": ('side = "both"', "unknown side 'both'"),
    "no description": ('description = " "', "missing description"),
    "empty-matching regex": ("patterns.rus = ['\\w*']", "matches empty text"),
    "unknown key": ('sevrity = "high"', "unknown key 'sevrity'"),
    "invalid tag": ('tags = ["Sports!"]', "invalid tag 'Sports!'"),
    "kazakh without examples": ("patterns.kaz = ['шетелдік агент\\w*']", "no positive kaz example"),
    "description in an unknown language": (
        'description = { eng = "Foreign agents.", ru = "Иностранные агенты." }',
        "description: unknown language 'ru' (known: rus, kaz, eng)",
    ),
    "description not text": ('description = ["Foreign agents."]', "description must be a line of text"),
    "description line not text": (
        'description = { eng = "Foreign agents.", kaz = 1 }',
        "description.kaz must be a line of text",
    ),
    "description without english": (
        'description = { rus = "Иностранные агенты." }',
        "description.eng is missing",
    ),
}
GOOD_RULE = {
    "id": 'id = "broken-rule"',
    "theme": 'theme = "foreign_funding"',
    "severity": 'severity = "high"',
    "side": 'side = "inserted"',
    "description": 'description = "Foreign agents."',
    "patterns.rus": "patterns.rus = ['иностранн\\w* агент\\w*']",
}
EXAMPLES = """
[[rule.example]]
lang = "rus"
text = "реестр иностранных агентов"
match = true
[[rule.example]]
lang = "rus"
text = "агент по договору"
match = false
"""


def broken_pack(tmp_path: Path, line: str, examples: str = EXAMPLES) -> str:
    key = line.split("=")[0].strip()
    lines = {**GOOD_RULE, key: line}
    path = tmp_path / "broken.toml"
    text = '[themes]\nforeign_funding = "Money"\n[[rule]]\n' + "\n".join(lines.values()) + "\n" + examples
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("line, message", BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_rule_fails_with_one_line_naming_pack_rule_and_problem(
    tmp_path: Path, line: str, message: str
) -> None:
    pack = broken_pack(tmp_path, line)
    with pytest.raises(RuleError) as error:
        load_rules([pack])
    text = str(error.value)
    assert "\n" not in text
    assert pack in text and "'broken-rule'" in text and message in text


def test_a_description_per_language_reaches_the_flag_with_english_as_the_fallback(tmp_path: Path) -> None:
    lines = 'description.eng = "Foreign agents."\ndescription.rus = "Иностранные агенты."'
    pack = Path(broken_pack(tmp_path, GOOD_RULE["id"]))
    text = pack.read_text(encoding="utf-8")
    pack.write_text(text.replace(GOOD_RULE["description"], lines), encoding="utf-8")
    (flag,) = load_rules([str(pack)]).evaluate(
        Change("inserted", None, article("Ведется реестр иностранных агентов."))
    )
    assert flag.description.text("rus") == "Иностранные агенты."
    assert flag.description.text("kaz") == flag.description.text("eng") == "Foreign agents."


def test_a_rule_without_examples_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="'broken-rule': no positive rus example"):
        load_rules([broken_pack(tmp_path, GOOD_RULE["id"], examples="")])


def test_a_rule_without_a_negative_example_is_rejected(tmp_path: Path) -> None:
    positive_only = EXAMPLES.split("[[rule.example]]")[1]
    with pytest.raises(RuleError, match="no negative rus example"):
        load_rules([broken_pack(tmp_path, GOOD_RULE["id"], examples="[[rule.example]]" + positive_only)])


def test_pack_level_errors_name_the_pack(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="rule pack 'nosuch': no bundled pack of that name \\(bundled: civic"):
        load_rules(["nosuch"])
    bad_toml = tmp_path / "bad.toml"
    bad_toml.write_text("[[rule]\n", encoding="utf-8")
    with pytest.raises(RuleError, match="not valid TOML"):
        load_rules([str(bad_toml)])
    with pytest.raises(RuleError, match="rule 'unregistered-association' is also defined in 'civic'"):
        load_rules(["civic", "civic"])
