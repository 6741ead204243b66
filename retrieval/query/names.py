"""Names written another way: acronyms and full names learned from the corpus, both ways.

The pairs come from the index (``retrieval.ingest.aliases``). A name in the question brings
its other forms into the lexical search: "ICC" also searches "International Criminal Court",
and the other way round. An acronym is recognised only in capitals ("WHO", never "who").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

_WORD = re.compile(r"[\w&]+")

# lower-cased first word -> (the form's words, whether it is matched in capitals, partners)
Lookup = dict[str, list[tuple[tuple[str, ...], bool, tuple[str, ...]]]]


def expand_names(text: str, aliases: Sequence[tuple[str, str]]) -> str:
    """``text`` with the other form of every name it contains appended (for lexical search)."""
    others = name_partners(text, aliases)
    return " ".join([text, *others]) if others else text


def name_partners(text: str, aliases: Sequence[tuple[str, str]]) -> list[str]:
    """The other forms of the names ``text`` contains, in order, without repeats."""
    found: list[str] = []
    for _, _, partners in name_spans(text, aliases):
        found += [p for p in partners if p not in found and p.lower() not in text.lower()]
    return found


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
