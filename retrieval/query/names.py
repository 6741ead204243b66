"""Names written another way: acronyms and full names learned from the corpus, both ways.

The pairs come from the index (``retrieval.ingest.aliases``). A question that names something
the corpus also calls otherwise is searched in each wording, and a passage counts with the
one it matches best: "ICC" also finds "International Criminal Court", and the other way
round, without favouring the passages that happen to use both. An acronym is recognised only
in capitals ("WHO", never "who").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

_WORD = re.compile(r"[\w&]+")

# lower-cased first word -> (the form's words, whether it is matched in capitals, partners)
Lookup = dict[str, list[tuple[tuple[str, ...], bool, tuple[str, ...]]]]


MAX_WORDINGS = 4
"""The question and at most three other wordings of its names."""


def name_variants(text: str, aliases: Sequence[tuple[str, str]]) -> list[str]:
    """``text`` first, then ``text`` with its names in their other forms (for lexical search).

    Variant ``i`` writes every name in its ``i``-th other form (or its last, when it has
    fewer), so that two names in one question both change.
    """
    spans = name_spans(text, aliases)
    if not spans:
        return [text]
    variants = [text]
    for choice in range(min(MAX_WORDINGS - 1, max(len(p) for _, _, p in spans))):
        pieces, cursor = [], 0
        for start, end, partners in spans:
            pieces += [text[cursor:start], partners[min(choice, len(partners) - 1)]]
            cursor = end
        variants.append("".join([*pieces, text[cursor:]]))
    return variants


def name_spans(
    text: str, aliases: Sequence[tuple[str, str]]
) -> list[tuple[int, int, tuple[str, ...]]]:
    """Where ``text`` names something the corpus also calls otherwise.

    Returns:
        ``(start, end, other forms)`` for each name found, in order; the longest name wins
        where two overlap.
    """
    if not aliases:
        return []
    lookup = _lookup(tuple(aliases))
    matches = list(_WORD.finditer(text))
    written = [m.group() for m in matches]
    lower = [w.lower() for w in written]
    spans: list[tuple[int, int, tuple[str, ...]]] = []
    position = 0
    while position < len(matches):
        best: tuple[int, tuple[str, ...]] | None = None
        for form, exact, partners in lookup.get(lower[position], ()):
            end = position + len(form)
            words = written if exact else lower
            if tuple(words[position:end]) == form and (best is None or end > best[0]):
                best = (end, partners)
        if best is None:
            position += 1
            continue
        end, partners = best
        spans.append((matches[position].start(), matches[end - 1].end(), partners))
        position = end
    return spans


def _is_acronym(name: str) -> bool:
    return name.replace("&", "").isupper() and " " not in name


@lru_cache(maxsize=4)
def _lookup(aliases: tuple[tuple[str, str], ...]) -> Lookup:
    partners: dict[str, set[str]] = {}
    for name, alias in aliases:
        partners.setdefault(name, set()).add(alias)
        partners.setdefault(alias, set()).add(name)
    lookup: Lookup = {}
    for form, others in partners.items():
        exact = _is_acronym(form)
        words = tuple(_WORD.findall(form if exact else form.lower()))
        if words:
            entry = (words, exact, tuple(sorted(others)))
            lookup.setdefault(words[0].lower(), []).append(entry)
    return lookup
