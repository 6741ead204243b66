"""The question's language: other scripts always, Latin-script languages only when sure."""

from __future__ import annotations

import pytest

from retrieval.query.language import foreign_language, main_script

FOREIGN = {
    "Какие подарки получили лидеры на саммите?": "ru",
    "Чи приїхав прем'єр до Києва?": "uk",
    "总统在峰会上说了什么？": "zh",
    "首相は会議で何と言いましたか": "ja",
    "대통령은 회의에서 무엇을 말했나요?": "ko",
    "Τι είπε ο πρόεδρος στη σύνοδο;": "el",
    "ماذا قال الرئيس في القمة؟": "ar",
    "Was hat der Präsident auf dem Gipfel gesagt?": "de",
    "Quem ganhou a eleição no Brasil?": "pt",
    "Kto wygrał wybory prezydenckie w Polsce?": "pl",
}
ENGLISH = [
    "Lukashenko",
    "Hermitage Meduza",
    "Tokayev Mirziyoyev Rahmon Japarov",  # names alone look foreign to any detector
    "Who got rings?",
    "Nagorno-Karabakh ceasefire",
    "Did the Taoiseach confirm the lockdown for Dublin?",
    "What did Путин say about the rings?",  # mostly Latin
    "Jarre joins fairytale celebration",
    "2023",
    "🤔🔥",
]


@pytest.mark.parametrize(("question", "language"), FOREIGN.items(), ids=FOREIGN.values())
def test_other_languages_are_named(question: str, language: str) -> None:
    assert foreign_language(question) == language


@pytest.mark.parametrize("question", ENGLISH)
def test_english_questions_with_names_are_never_foreign(question: str) -> None:
    assert foreign_language(question) is None


def test_main_script() -> None:
    assert main_script("Путин and Lukashenko") == "LATIN"
    assert main_script("Путин и Лукашенко") == "CYRILLIC"
    assert main_script("プーチン大統領は") in {"KATAKANA", "CJK", "HIRAGANA"}
    assert main_script("123 !?") is None
