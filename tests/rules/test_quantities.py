"""The quantity reader: numbers in digits and in Russian, Kazakh and English words, with their units."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.quantities import read

RUS_UNITS = ["один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"]
RUS_UNITS_GEN = ["одного", "двух", "трех", "четырех", "пяти", "шести", "семи", "восьми", "девяти"]
RUS_TENS_GEN = ["", "десяти", "двадцати", "тридцати", "сорока", "пятидесяти", "шестидесяти", "семидесяти",
                "восьмидесяти", "девяноста"]  # fmt: skip
RUS_HUNDREDS_GEN = ["", "ста", "двухсот", "трехсот", "четырехсот", "пятисот", "шестисот", "семисот",
                    "восьмисот", "девятисот"]  # fmt: skip
KAZ_UNITS = ["", "бір", "екі", "үш", "төрт", "бес", "алты", "жеті", "сегіз", "тоғыз"]
KAZ_TENS = ["", "он", "жиырма", "отыз", "қырық", "елу", "алпыс", "жетпіс", "сексен", "тоқсан"]


def rus_genitive(n: int) -> str:
    """1..999 in the genitive, as fines are written («в размере двухсот пятидесяти …»)."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words = [RUS_HUNDREDS_GEN[hundreds]]
    if tens == 1:
        teens = ["десяти", "одиннадцати", "двенадцати", "тринадцати", "четырнадцати", "пятнадцати",
                 "шестнадцати", "семнадцати", "восемнадцати", "девятнадцати"]  # fmt: skip
        words.append(teens[units])
    else:
        words += [RUS_TENS_GEN[tens], RUS_UNITS_GEN[units - 1] if units else ""]
    return " ".join(w for w in words if w)


def kaz(n: int) -> str:
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words = [f"{KAZ_UNITS[hundreds]} жүз".strip() if hundreds > 1 else "жүз" if hundreds else ""]
    words += [KAZ_TENS[tens], KAZ_UNITS[units]]
    return " ".join(w for w in words if w)


@given(st.integers(1, 999))
def test_russian_number_words_in_the_genitive_read_back(n: int) -> None:
    text = f"влечет штраф в размере {rus_genitive(n)} месячных расчетных показателей."
    [q] = read(text, "rus")
    assert (q.value, q.unit) == (n, "mci")


@given(st.integers(1, 999))
def test_kazakh_number_words_read_back(n: int) -> None:
    [q] = read(f"{kaz(n)} айлық есептік көрсеткіш мөлшерінде айыппұл салуға әкеп соғады.", "kaz")
    assert (q.value, q.unit) == (n, "mci")


@given(st.integers(1, 10**6))
def test_digits_with_thin_spaces_read_back(n: int) -> None:
    grouped = f"{n:,}".replace(",", " ")
    [q] = read(f"платформы, имеющие более {grouped} пользователей", "rus")
    assert (q.value, q.unit) == (n, "users")


@given(st.integers(1, 999), st.integers(1, 999))
def test_thousands_multiply(a: int, b: int) -> None:
    [q] = read(f"более {rus_genitive(a)} тысяч {rus_genitive(b)} пользователей", "rus")
    assert q.value == a * 1000 + b


@given(st.text(alphabet="абвгдежзиклмнопрстуфхцчшщыэюя .,", max_size=80))
def test_text_without_numbers_reads_nothing_or_only_frequencies(text: str) -> None:
    assert all(q.unit == "per_year" for q in read(text, "rus"))


@pytest.mark.parametrize(
    "text, lang, expected",
    [
        ("административный арест до двадцати пяти суток", "rus", (25, "days")),
        ("в течение 5 (пяти) рабочих дней", "rus", (5, "days")),
        ("лица, не достигшие шестнадцати лет", "rus", (16, "years")),
        ("он алты жасқа толмаған", "kaz", (16, "years")),
        ("a fine of two hundred and fifty monthly calculation indices", "eng", (250, "mci")),
        ("arrest for up to twenty-five days", "eng", (25, "days")),
        ("ежеквартально представляют отчет", "rus", (4, "per_year")),
        ("жарты жылда бір рет ұсынады", "kaz", (2, "per_year")),
        ("submitted semi-annually", "eng", (2, "per_year")),
    ],
)
def test_units_and_frequencies(text: str, lang: str, expected: tuple[float, str]) -> None:
    [q] = read(text, lang)
    assert (q.value, q.unit) == expected


def test_years_that_are_dates_and_words_that_look_like_numbers_are_not_amounts() -> None:
    assert read("Закон от 16 января 2001 года", "rus") == []
    assert read("оның мүшелері", "kaz") == []
    assert read("однако члены", "rus") == []
