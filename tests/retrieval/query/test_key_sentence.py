"""Tests of retrieval.query.key_sentence: the sentence that answers, not the one that repeats."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval import Embedder, Engine

STORY = """Harbour ferry service resumes after storm

The harbour ferry service resumed on Tuesday after a storm closed the crossing for three days.
The ferry company said the storm had damaged the landing stage at the island pier.
Repairs to the pier cost the council 240,000 pounds, the harbour master said.
Engineers worked through the night because the island's only shop had run out of bread.
Passengers queued from dawn, and the first boat left at 6.15 in the morning.
The harbour master, Ann Kerr, thanked the engineers for their work.
Will the island's pier survive the next storm?
"The pier will need a new sea wall within five years," Ann Kerr warned the council.
Ferry passengers wait on the repaired landing stage (Photo: Harbour Press/Getty Images)
"""

OTHER = """Council approves new library opening hours

The council voted on Monday to keep the central library open until eight in the evening.
Councillors said longer hours would help students preparing for exams.
The change starts next month and costs nothing extra, the council said.
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Engine:
    folder = tmp_path_factory.mktemp("articles")
    (folder / "ferry.txt").write_text(STORY, encoding="utf-8")
    (folder / "library.txt").write_text(OTHER, encoding="utf-8")
    engine = Engine(Path(tmp_path_factory.mktemp("index")), embedder=embedder)
    engine.ingest([folder])
    return engine


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("How much did the pier repairs cost?", "240,000 pounds"),
        ("Why did the engineers work through the night?", "run out of bread"),
        ("At what time did the first boat leave?", "6.15 in the morning"),
        ("Who thanked the engineers?", "Ann Kerr"),
        ("How long was the crossing closed?", "three days"),
        ("What happened to the harbour ferry?", "resumed on Tuesday"),
        ("What did the harbour master say about the pier surviving the next storm?", "sea wall"),
    ],
)
def test_the_key_sentence_carries_what_the_question_asks(
    engine: Engine, question: str, answer: str
) -> None:
    reply = engine.answer(question)
    assert reply.answered
    assert reply.citations[0].source == "ferry.txt"
    assert answer in reply.citations[0].key_sentence


def test_a_photo_caption_is_never_the_key_sentence(engine: Engine) -> None:
    reply = engine.answer("Where do ferry passengers wait?")
    for citation in reply.citations:
        assert "Getty Images" not in citation.key_sentence


def test_the_excerpt_holds_the_whole_key_sentence(engine: Engine) -> None:
    reply = engine.answer("How much did the pier repairs cost?")
    citation = reply.citations[0]
    assert citation.key_sentence in citation.excerpt
    assert citation.key_sentence.endswith(".")
