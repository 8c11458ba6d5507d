"""In-force dates from relative rules, counted as the Civil Code counts terms."""

from __future__ import annotations

from datetime import date

from tracker.model import Amendment, AmendmentKind
from tracker.timeline import RelativeRule, in_force, relative_rule


def test_relative_rules_in_three_languages() -> None:
    ru = "вводится в действие по истечении шести месяцев после дня его первого официального опубликования"
    kk = "алғашқы ресми жарияланған күнінен кейін күнтізбелік он күн өткен соң қолданысқа енгізіледі"
    assert relative_rule(ru) == RelativeRule(6, "months")
    assert relative_rule(kk) == RelativeRule(10, "days")
    assert relative_rule(
        "ten calendar days after the date of its first official publication"
    ) == RelativeRule(10, "days")
    assert relative_rule("вводится в действие с 01.01.2027") is None


def test_a_period_ends_the_day_after_it_runs_out() -> None:
    assert RelativeRule(10, "days").date_from(date(2026, 1, 1)) == date(2026, 1, 12)
    assert RelativeRule(6, "months").date_from(date(2026, 8, 31)) == date(2027, 3, 1)


def test_unknown_until_the_publication_is_known_and_says_why() -> None:
    rule = "по истечении десяти календарных дней после дня его первого официального опубликования"
    a = Amendment(AmendmentKind.AMENDED, "…", act_id="Z2600000350", in_force=rule, scheduled=True)
    assert in_force(a, None).effective is None and in_force(a, None).reason
    assert in_force(a, date(2026, 11, 24)).effective == date(2026, 12, 5)
    unlinked = Amendment(AmendmentKind.AMENDED, "…", in_force=rule, scheduled=True)
    assert "does not link" in in_force(unlinked, None).reason
