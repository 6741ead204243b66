"""The spelling word list: edit distance, skeletons, and the deletion index against brute force."""

from __future__ import annotations

import random
import string
import time

import pytest

from retrieval.query.wordlist import WordList, edit_distance, skeleton


@pytest.mark.parametrize(
    ("first", "second", "distance"),
    [
        ("ring", "ring", 0),
        ("rign", "ring", 1),  # a swap is one edit
        ("leadr", "leader", 1),
        ("lukashenka", "lukashenko", 1),
        ("kyiv", "kiev", 2),
        ("", "abc", 3),
        ("kitten", "sitting", 3),
    ],
)
def test_edit_distance(first: str, second: str, distance: int) -> None:
    assert edit_distance(first, second) == distance
    assert edit_distance(second, first) == distance


@pytest.mark.parametrize(
    ("first", "second"),
    [("Kyiv", "Kiev"), ("Zelensky", "Zelenskyy"), ("Lukashenka", "Lukashenko"), ("wich", "which")],
)
def test_transliterations_share_a_skeleton(first: str, second: str) -> None:
    assert skeleton(first) == skeleton(second)


def test_different_names_do_not_share_a_skeleton() -> None:
    assert skeleton("Paris") != skeleton("Berlin")
    assert skeleton("with") != skeleton("wich")
    assert skeleton("") == ""


def test_nearest_prefers_the_closest_then_the_most_frequent() -> None:
    words = WordList({"harbour": 9, "harbours": 1, "ferry": 5, "fury": 50, "which": 5, "with": 25})
    assert words.nearest("harbuor") == "harbour"
    assert words.nearest("ferrry") == "ferry"
    assert words.nearest("wich") == "which"  # a dropped letter that sounds the same
    assert words.nearest("xerry") is None  # the first letter is kept
    assert words.nearest("harbourmasters") is None


def test_knows_inflections_of_corpus_words() -> None:
    words = WordList({"ring": 3, "leaders": 2})
    assert words.knows("rings")
    assert words.knows("leader")
    assert not words.knows("rign")


def test_name_like_needs_a_unique_capitalised_match() -> None:
    vocabulary = {"kiev": 10, "Kiev": 10, "kava": 3, "ring": 4, "Ring": 1}
    words = WordList(vocabulary)
    assert words.name_like("kyiv") == "kiev"
    assert words.name_like("rang") is None  # "ring" is not a name
    two = WordList({**vocabulary, "kaveh": 2, "Kaveh": 2, "kivu": 2, "Kivu": 2})
    assert two.name_like("kyiv") is None  # "Kiev" and "Kivu": not unique


def _random_words(count: int, seed: int) -> dict[str, int]:
    generator = random.Random(seed)
    words: dict[str, int] = {}
    while len(words) < count:
        length = generator.randint(3, 12)
        word = "".join(generator.choice(string.ascii_lowercase[:12]) for _ in range(length))
        words[word] = generator.randint(1, 1000)
    return words


def _brute_force(vocabulary: dict[str, int], word: str) -> set[str]:
    return {
        w
        for w in vocabulary
        if w != word
        and abs(len(w) - len(word)) <= 1
        and edit_distance(word, w) == 1
        and (w[0] == word[0] or w[:2] == word[1::-1])
    }


def test_the_deletion_index_finds_what_brute_force_finds() -> None:
    vocabulary = _random_words(2000, seed=7)
    words = WordList(vocabulary)
    generator = random.Random(11)
    checked = 0
    for word in generator.sample(sorted(vocabulary), 100):
        position = generator.randrange(len(word))
        typo = word[:position] + generator.choice("abcdefghijkl") + word[position + 1 :]
        expected = _brute_force(vocabulary, typo)
        found = words.nearest(typo)
        if typo in vocabulary or not expected:
            continue
        assert found in expected, (typo, found, expected)
        checked += 1
    assert checked >= 50


def test_lookups_are_fast_on_a_large_vocabulary() -> None:
    vocabulary = _random_words(100_000, seed=3)
    started = time.perf_counter()
    words = WordList(vocabulary)
    built = time.perf_counter() - started
    started = time.perf_counter()
    for word in list(vocabulary)[:200]:
        words.nearest(word[:-1] + "z", max_distance=2)
    per_lookup = (time.perf_counter() - started) / 200
    assert built < 10.0
    assert per_lookup < 0.02
