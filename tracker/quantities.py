"""Reading the amounts laws set: fines in MCI, tenge, days, months, ages, founders, users, how often.

Kazakhstan's laws write many of them in words, in the case the sentence needs («в размере пятидесяти
месячных расчетных показателей», «елу айлық есептік көрсеткіш»), so numbers are read in digits and in
Russian, Kazakh and English words. A number counts only when a unit word follows it within a few words;
how often something recurs («ежеквартально», «жарты жылда бір рет») is read as times per year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

UNITS = ("mci", "tenge", "days", "months", "years", "hours", "persons", "regions", "users", "per_year")


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str
    start: int
    end: int
    text: str


def _words(table: dict[int, str]) -> list[tuple[re.Pattern[str], int]]:
    return [(re.compile(rf"(?:{forms})$", re.IGNORECASE), value) for value, forms in table.items()]


# Whole word forms in every case a law uses; ё is read as е first.
_RUS = _words(
    {
        1: "один|одна|одно|одного|одной|одному|одним|одну",
        2: "два|две|двух|двум|двумя",
        3: "три|трех|трем|тремя",
        4: "четыре|четырех|четырем|четырьмя",
        5: "пять|пяти|пятью",
        6: "шесть|шести|шестью",
        7: "семь|семи|семью",
        8: "восемь|восьми|восемью",
        9: "девять|девяти|девятью",
        10: "десять|десяти|десятью",
        11: "одиннадцат[ьи]",
        12: "двенадцат[ьи]",
        13: "тринадцат[ьи]",
        14: "четырнадцат[ьи]",
        15: "пятнадцат[ьи]",
        16: "шестнадцат[ьи]",
        17: "семнадцат[ьи]",
        18: "восемнадцат[ьи]",
        19: "девятнадцат[ьи]",
        20: "двадцат[ьи]|двадцатью",
        30: "тридцат[ьи]|тридцатью",
        40: "сорок|сорока",
        50: "пятьдесят|пятидесяти|пятьюдесятью",
        60: "шестьдесят|шестидесяти",
        70: "семьдесят|семидесяти",
        80: "восемьдесят|восьмидесяти",
        90: "девяносто|девяноста",
        100: "сто|ста",
        200: "двести|двухсот|двумстам",
        300: "триста|трехсот|тремстам",
        400: "четыреста|четырехсот",
        500: "пятьсот|пятисот|пятистам",
        600: "шестьсот|шестисот",
        700: "семьсот|семисот",
        800: "восемьсот|восьмисот",
        900: "девятьсот|девятисот",
        1000: "тысяч[аиуе]?|тысячей|тысячам",
        1_000_000: "миллион(?:а|ов|ам)?",
    }
)
_KAZ_SUFFIX = "(?:ден|дан|тен|тан|нен|нан|ге|ға|ке|қа|еу|ау|дай|дей|тай|тей)?"
_KAZ = _words(
    {
        value: f"(?:{stem}){_KAZ_SUFFIX}"
        for value, stem in {
            1: "бір",
            2: "екі",
            3: "үш",
            4: "төрт",
            5: "бес",
            6: "алты",
            7: "жеті",
            8: "сегіз",
            9: "тоғыз",
            10: "он",
            20: "жиырма",
            30: "отыз",
            40: "қырық",
            50: "елу",
            60: "алпыс",
            70: "жетпіс",
            80: "сексен",
            90: "тоқсан",
            100: "жүз",
            1000: "мың",
            1_000_000: "миллион",
        }.items()
    }
)
_ENG = _words(
    {
        1: "one",
        2: "two",
        3: "three",
        4: "four",
        5: "five",
        6: "six",
        7: "seven",
        8: "eight",
        9: "nine",
        10: "ten",
        11: "eleven",
        12: "twelve",
        13: "thirteen",
        14: "fourteen",
        15: "fifteen",
        16: "sixteen",
        17: "seventeen",
        18: "eighteen",
        19: "nineteen",
        20: "twenty",
        30: "thirty",
        40: "forty",
        50: "fifty",
        60: "sixty",
        70: "seventy",
        80: "eighty",
        90: "ninety",
        100: "hundred",
        1000: "thousand",
        1_000_000: "million",
    }
)
_NUMBER_WORDS = {"rus": _RUS, "kaz": _KAZ, "eng": _ENG}

_UNIT_WORDS: dict[str, dict[str, str]] = {
    "rus": {
        "mci": r"(?:месячн\w* расчетн\w* показател\w*|мрп)",
        "tenge": r"тенге",
        "days": r"(?:(?:календарн\w*|рабоч\w*) )?(?:дн\w*|день|суток|сутки)",
        "months": r"месяц\w*",
        "years": r"(?:лет|года?|годам)",
        "hours": r"час\w*",
        "persons": r"(?:граждан\w*|человек\w*|лиц\w*|учредител\w*|член\w*)",
        "regions": r"(?:област\w*|регион\w*)",
        "users": r"(?:пользовател\w*|подписчик\w*)",
    },
    "kaz": {
        "mci": r"(?:айлық есептік көрсеткіш\w*|аек)",
        "tenge": r"теңге\w*",
        "days": r"(?:(?:күнтізбелік|жұмыс) )?күн\w*",
        "months": r"ай(?:ға|дан|ға дейін|лық|ы)?",
        "years": r"(?:жас\w*|жыл\w*)",
        "hours": r"сағат\w*",
        "persons": r"(?:азамат\w*|адам\w*|құрылтайшы\w*|мүше\w*)",
        "regions": r"облыс\w*",
        "users": r"(?:пайдаланушы\w*|жазылушы\w*)",
    },
    "eng": {
        "mci": r"(?:(?:times the )?monthly calculation indices|monthly calculation index(?:es)?|mci)",
        "tenge": r"(?:tenge|kzt)",
        "days": r"(?:(?:calendar|working|business) )?days?",
        "months": r"months?",
        "years": r"years?",
        "hours": r"hours?",
        "persons": r"(?:citizens|persons|people|founders|members)",
        "regions": r"(?:regions|oblasts)",
        "users": r"(?:users|followers|subscribers)",
    },
}
_SKIPPED = r"((?:[^\W\d]+ ){0,2}?)"
"""Up to two words between a number and its unit («десяти календарных дней»), never digits."""
_UNIT_RES = {
    lang: [(unit, re.compile(_SKIPPED + rf"{words}(?!\w)", re.I)) for unit, words in units.items()]
    for lang, units in _UNIT_WORDS.items()
}
_FREQUENCIES: dict[str, list[tuple[str, int]]] = {
    "rus": [
        (r"ежемесячн\w*|раз в месяц|по итогам (?:каждого )?месяца", 12),
        (r"ежеквартальн\w*|раз в квартал|по итогам (?:каждого )?квартала", 4),
        (r"раз в полугодие|полугодов\w*|по итогам (?:каждого )?полугодия|дважды в год", 2),
        (r"ежегодн\w*|раз в год|по итогам (?:каждого )?года", 1),
    ],
    "kaz": [
        (r"ай сайын", 12),
        (r"тоқсан сайын|тоқсан\w* бір рет", 4),
        (r"жарты жыл\w* бір рет|жарты жыл сайын|жылына екі рет", 2),
        (r"жыл сайын|жылына бір рет", 1),
    ],
    "eng": [
        (r"monthly(?! calculation)|every month", 12),
        (r"quarterly|every quarter", 4),
        (r"semi-annual(?:ly)?|half-yearly|twice a year|every six months", 2),
        (r"annual(?:ly)?|yearly|every year|once a year", 1),
    ],
}
_FREQUENCY_RES = {
    lang: [(re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE), n) for words, n in table]
    for lang, table in _FREQUENCIES.items()
}
_DIGITS = re.compile(r"(?<![\w.,])\d{1,3}(?:[  ]\d{3})+(?![\d])|(?<![\w.,])\d+(?:,\d+)?(?!\d)")
_PAREN = re.compile(r"\s*\([^)]{1,80}\)")
_WORD = re.compile(r"[\w-]+")


def fold(text: str) -> str:
    """Ё read as Е, Latin i in Kazakh as і; keeps every offset."""
    return text.translate(str.maketrans("ёЁiI", "еЕіІ"))


def read(text: str, language: str = "rus") -> list[Quantity]:
    """Every amount with a unit in a text, in text order."""
    return list(_read(text, language))


@lru_cache(maxsize=64)
def _read(text: str, language: str) -> tuple[Quantity, ...]:
    """Kept for the article at hand: every quantity rule reads the same changed article."""
    folded = fold(text) if language != "eng" else text
    found = _frequencies(folded, text, language)
    taken = [(q.start, q.end) for q in found]
    for start, end, value in _numbers(folded, language):
        if any(s < end and start < e for s, e in taken):
            continue
        after = _PAREN.match(folded, end)  # «50 (пятидесяти)»: the words repeat the digits
        unit_at = after.end() if after else end
        unit = _unit(folded, unit_at, language)
        if unit is None:
            continue
        name, unit_end = unit
        if name == "years" and 1900 <= value <= 2100:
            continue  # «2024 года» is a date
        found.append(Quantity(value, name, start, unit_end, " ".join(text[start:unit_end].split())))
        taken.append((start, unit_end))
    return tuple(sorted(found, key=lambda q: q.start))


def _frequencies(folded: str, text: str, language: str) -> list[Quantity]:
    found: list[Quantity] = []
    for pattern, per_year in _FREQUENCY_RES.get(language, []):
        for m in pattern.finditer(folded):
            if not any(q.start < m.end() and m.start() < q.end for q in found):
                found.append(Quantity(per_year, "per_year", m.start(), m.end(), text[m.start() : m.end()]))
    return found


def _numbers(folded: str, language: str) -> list[tuple[int, int, float]]:
    """(start, end, value) of digit numbers and of runs of number words."""
    out = [(m.start(), m.end(), _digit_value(m.group())) for m in _DIGITS.finditer(folded)]
    table = _NUMBER_WORDS.get(language, [])
    run: list[tuple[int, int, int]] = []
    for m in _WORD.finditer(folded):
        value = _word_value(m.group(), table)
        if value is None and language == "eng" and m.group().lower() == "and" and run:
            continue  # "two hundred and fifty"
        if value is not None and (not run or _joins(folded, run[-1][1], m.start())):
            run.append((m.start(), m.end(), value))
            continue
        if run:
            out.append((run[0][0], run[-1][1], _combine([v for _, _, v in run])))
        run = [(m.start(), m.end(), value)] if value is not None else []
    if run:
        out.append((run[0][0], run[-1][1], _combine([v for _, _, v in run])))
    return sorted(out)


def _joins(text: str, end: int, start: int) -> bool:
    gap = text[end:start].strip().lower()
    return gap in ("", "and", "-")


def _digit_value(digits: str) -> float:
    return float(re.sub(r"\s", "", digits).replace(",", "."))


def _word_value(word: str, table: list[tuple[re.Pattern[str], int]]) -> int | None:
    if "-" in word:  # "twenty-five"
        parts = [_word_value(part, table) for part in word.split("-")]
        values = [p for p in parts if p is not None and p < 100]
        return sum(values) if len(values) == len(parts) else None
    for pattern, value in table:
        if pattern.match(word):
            return value
    return None


def _combine(values: list[int]) -> float:
    """«двухсот пятидесяти тысяч» = (200 + 50) × 1000; «екі жүз елу» = 2 × 100 + 50."""
    total, group = 0, 0
    for v in values:
        if v >= 1000:
            total += max(group, 1) * v
            group = 0
        elif v == 100 and 0 < group < 10:
            group *= 100
        else:
            group += v
    return float(total + group)


def _unit(folded: str, at: int, language: str) -> tuple[str, int] | None:
    """The unit named right after a number (a few words may come between), and where it ends."""
    rest = folded[at:]
    if rest[:1] and not rest[:1].isspace():
        return None
    stripped = len(rest) - len(rest.lstrip())
    best: tuple[int, int, str] | None = None  # (words skipped, -end, unit): nearest, then longest
    for name, pattern in _UNIT_RES.get(language, []):
        m = pattern.match(folded, at + stripped)
        if m and (best is None or (len(m.group(1)), -m.end()) < best[:2]):
            best = (len(m.group(1)), -m.end(), name)
    return (best[2], -best[1]) if best else None
