"""Two-file compares that say which way a change goes: repealed sanctions relax, deleted guarantees
restrict, and the renderings show good news as good news."""

from __future__ import annotations

import json
from pathlib import Path

HEAD = "Уголовный кодекс Республики Казахстан\n\n"
DEFAMATION = (
    "Статья 130. Клевета\n\n1. Клевета, то есть распространение заведомо ложных сведений, порочащих честь и "
    "достоинство другого лица, наказывается штрафом.\n\n"
)
INSULT = "Статья 131. Оскорбление\n\n1. Оскорбление наказывается штрафом.\n\n"
TREATY = (
    "Международные договоры, ратифицированные Республикой, имеют приоритет перед ее законами и "
    "применяются непосредственно."
)


def _files(tmp_path: Path, old: str, new: str) -> tuple[str, str]:
    (tmp_path / "old.txt").write_text(old, encoding="utf-8")
    (tmp_path / "new.txt").write_text(new, encoding="utf-8")
    return str(tmp_path / "old.txt"), str(tmp_path / "new.txt")


def _flags(cli, old: str, new: str, *extra: str) -> list[dict]:
    result = cli("compare", old, new, "--format", "json", *extra)
    assert result.code == 0, result.err
    return [flag for change in json.loads(result.out)["changes"] for flag in change["flags"]]


def test_repealing_the_defamation_article_relaxes(cli, tmp_path: Path) -> None:
    old, new = _files(tmp_path, HEAD + DEFAMATION + INSULT, HEAD + "Статья 130. Исключена\n\n" + INSULT)
    flags = {f["rule_id"]: f for f in _flags(cli, old, new)}
    assert flags["defamation"]["direction"] == "relaxes"
    assert {f["direction"] for f in flags.values()} == {"relaxes"}


def test_deleting_the_treaty_priority_sentence_restricts(cli, tmp_path: Path) -> None:
    head = "Конституция Республики Казахстан\n\nСтатья 4. Действующее право\n\n"
    rest = "1. Действующим правом являются нормы Конституции и законов.\n\n"
    old, new = _files(tmp_path, f"{head}{rest}3. {TREATY}\n", f"{head}{rest}")
    [flag] = [f for f in _flags(cli, old, new) if f["theme"] == "international_law"]
    assert (flag["rule_id"], flag["side"]) == ("treaty-priority-removed", "deleted")
    assert flag["direction"] == "restricts"


def test_good_news_is_shown_as_good_news_in_every_format(cli, tmp_path: Path) -> None:
    old, new = _files(tmp_path, HEAD + DEFAMATION + INSULT, HEAD + "Статья 130. Исключена\n\n" + INSULT)
    term = cli("compare", old, new)
    assert "✓ high relaxes (good news) defamation" in term.out
    html = cli("compare", old, new, "--format", "html").out
    item = next(line for line in html.splitlines() if "<code>defamation</code>" in line)
    assert "смягчает" in item and "#116329" in item and "#cf222e" not in item  # the report is in Russian
    md = cli("compare", old, new, "--format", "md").out
    assert "- ✓ **высокая важность · смягчает** свобода выражения" in md and "(`defamation`)" in md


PA_LAW = "Закон Республики Казахстан «Об общественных объединениях»\n\n"
COAO = "Кодекс Республики Казахстан об административных правонарушениях\n\n"


def test_founders_minimum_cut_from_ten_to_three_relaxes_with_both_values(cli, tmp_path: Path) -> None:
    article = (
        "Статья 10. Создание общественного объединения\n\n1. Общественное объединение создается по "
        "инициативе не менее {} граждан Республики Казахстан.\n"
    )
    old, new = _files(tmp_path, PA_LAW + article.format("десяти"), PA_LAW + article.format("трех"))
    [flag] = [f for f in _flags(cli, old, new) if f["rule_id"] == "founders-minimum"]
    assert (flag["direction"], flag["old_value"], flag["new_value"], flag["unit"]) == (
        "relaxes",
        10,
        3,
        "persons",
    )


def test_a_fine_written_in_words_raised_from_50_to_250_mci_restricts(cli, tmp_path: Path) -> None:
    article = (
        "Статья 489. Нарушение законодательства об общественных объединениях\n\n1. Руководство "
        "незарегистрированным объединением влечет штраф в размере {} месячных расчетных показателей.\n"
    )
    old, new = _files(
        tmp_path, COAO + article.format("пятидесяти"), COAO + article.format("двухсот пятидесяти")
    )
    [flag] = [f for f in _flags(cli, old, new) if f["rule_id"] == "fine-amount"]
    assert (flag["direction"], flag["old_value"], flag["new_value"], flag["unit"]) == (
        "restricts",
        50,
        250,
        "mci",
    )
    assert flag["matched"] == [
        "пятидесяти месячных расчетных показателей",
        "двухсот пятидесяти месячных расчетных показателей",
    ]
    assert "restricts: 50 → 250 mci" in cli("compare", old, new).out


# Articles 19-21 of the 1995 Constitution as published; in the 2026 Constitution they are 22-24 and the
# speech article is rewritten (limits for honour, health, "social morality" and public order added) but
# still says «Цензура запрещается».
CONSTITUTION = "Конституция Республики Казахстан\n\n"
ART_19 = (
    "1. Каждый вправе определять и указывать или не указывать свою национальную, партийную и религиозную "
    "принадлежность.\n\n2. Каждый имеет право на пользование родным языком и культурой, на свободный выбор "
    "языка общения, воспитания, обучения и творчества.\n\n"
)
ART_21 = (
    "1. Каждый, кто законно находится на территории Республики Казахстан, имеет право свободно передвигаться "
    "по ее территории и свободно избирать место жительства, кроме случаев, оговоренных законом.\n\n2. Каждый "
    "имеет право выезжать за пределы Республики. Граждане Республики имеют право беспрепятственно "
    "возвращаться в Республику.\n\n"
)
SPEECH_1995 = (
    "1. Свобода слова и творчества гарантируется. Цензура запрещается.\n\n2. Каждый имеет право свободно "
    "получать и распространять информацию любым, не запрещенным законом способом. Перечень сведений, "
    "составляющих государственные секреты Республики Казахстан, определяется законом.\n\n3. Не допускаются "
    "пропаганда или агитация насильственного изменения конституционного строя, нарушения целостности "
    "Республики, подрыва безопасности государства, войны, социального, расового, национального, "
    "религиозного, сословного и родового превосходства, а также культа жестокости и насилия.\n\n"
)
SPEECH_2026 = (
    "1. Каждому гарантируется свобода слова и творчества. Цензура запрещается.\n\n2. Каждый вправе свободно "
    "получать и распространять информацию любым не запрещенным законом способом.\n\n3. Свобода слова может "
    "быть ограничена законом в целях защиты чести и достоинства человека, здоровья населения, общественной "
    "нравственности и общественного порядка.\n\n4. Запрещаются пропаганда и агитация насильственного "
    "изменения конституционного строя, войны, социального, расового, национального и религиозного "
    "превосходства.\n\n"
)


def test_the_rewritten_speech_article_pairs_and_keeps_its_censorship_ban(cli, tmp_path: Path) -> None:
    old = f"{CONSTITUTION}Статья 19\n\n{ART_19}Статья 20\n\n{SPEECH_1995}Статья 21\n\n{ART_21}"
    new = f"{CONSTITUTION}Статья 22\n\n{ART_19}Статья 23\n\n{SPEECH_2026}Статья 24\n\n{ART_21}"
    a, b = _files(tmp_path, old, new)
    result = cli("compare", a, b, "--format", "json")
    changes = json.loads(result.out)["changes"]
    speech = next(c for c in changes if c["old_num"] == "20")
    assert (speech["kind"], speech["new_num"]) == ("renumbered", "23")
    rules = {f["rule_id"]: f["direction"] for f in speech["flags"]}
    assert "censorship" not in rules
    assert rules["limitation-clauses"] == "restricts"


TAX = "Налоговый кодекс\n\nСтатья 56. Уведомление\n\n1. {}\n"
POLLS = (
    "Получатели иностранных денег сообщают о проведении опросов общественного мнения и оказании "
    "юридической помощи."
)
CONSTITUTION_ONLY = """
[themes]
international_law = "Treaties"

[[rule]]
id = "sovereignty"
theme = "international_law"
severity = "high"
effect = "safeguard"
description = "Only in the Constitution."
documents = ["adilet:K950001000_"]
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


def test_compare_applies_tag_and_document_scoped_rules_when_asked(cli, tmp_path: Path) -> None:
    old, new = _files(tmp_path, TAX.format("Порядок определяется законом."), TAX.format(POLLS))
    scoped = "reporting-activities"  # tagged ngo, tax, charity: polls are everyday words elsewhere
    assert scoped not in {f["rule_id"] for f in _flags(cli, old, new)}
    assert scoped in {f["rule_id"] for f in _flags(cli, old, new, "--tags", "tax,ngo")}
    assert scoped not in {f["rule_id"] for f in _flags(cli, old, new, "--tags", "media")}
    bad = cli("compare", old, new, "--tags", "Not A Tag!")  # tags are free labels, but labels
    assert bad.code == 2 and bad.err.count("\n") == 1 and "invalid tag 'Not A Tag!'" in bad.err
    assert cli("compare", old, new, "--document", "nonsense").code == 2


def test_compare_applies_document_scoped_rules_to_the_named_document(cli, tmp_path: Path) -> None:
    (tmp_path / "pack.toml").write_text(CONSTITUTION_ONLY, encoding="utf-8")
    (tmp_path / "config.toml").write_text(
        f'[rules]\npacks = ["{tmp_path / "pack.toml"}"]\n', encoding="utf-8"
    )
    head = "Конституция\n\nСтатья 2\n\n"
    old, new = _files(tmp_path, head + "1. Территория едина.\n", head + "1. Суверенитет Республики един.\n")
    config = ("--config", str(tmp_path / "config.toml"))
    plain = json.loads(cli(*config, "compare", old, new, "--format", "json").out)["changes"]
    assert plain[0]["flags"] == []
    scoped = cli(*config, "compare", old, new, "--format", "json", "--document", "adilet:K950001000_")
    [flag] = json.loads(scoped.out)["changes"][0]["flags"]
    assert (flag["rule_id"], flag["direction"]) == ("sovereignty", "relaxes")


def test_reporting_eased_from_quarterly_to_semi_annual_is_good_news_not_a_new_burden(
    cli, tmp_path: Path
) -> None:
    article = (
        "Налоговый кодекс\n\nСтатья 56. Отчетность\n\n1. Получатели иностранных денег {} представляют "
        "сведения об их расходовании.\n"
    )
    old, new = _files(tmp_path, article.format("ежеквартально"), article.format("раз в полугодие"))
    flags = _flags(cli, old, new)
    assert {f["direction"] for f in flags} == {"relaxes"}
    [frequency] = [f for f in flags if f["unit"] == "per_year"]
    assert (frequency["old_value"], frequency["new_value"]) == (4, 2)


def test_removing_the_identification_number_from_the_register_relaxes(cli, tmp_path: Path) -> None:
    article = (
        "Приказ\n\nПункт 5. Реестр\n\n5. В реестре указываются {}наименование получателя, донор и сумма.\n"
    )
    old, new = _files(tmp_path, article.format("ИИН, "), article.format(""))
    flags = {f["rule_id"]: f for f in _flags(cli, old, new)}
    assert flags["identifier-disclosure"]["direction"] == "relaxes"
