"""Engine: incremental ingest, removal, cache reuse, hot swap while answering."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from retrieval import Embedder, Engine, IndexNotFoundError, IngestError, Refusal
from tests.conftest import SEEDS


def _corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    shutil.copytree(SEEDS, folder)
    return folder


def test_open_without_index_or_seeds_names_the_fix(tmp_path: Path, embedder: Embedder) -> None:
    with pytest.raises(IndexNotFoundError, match="newsbot ingest"):
        Engine.open(tmp_path / "none", embedder=embedder)


def test_ingest_adds_replaces_keeps_and_embeds_only_new_text(
    tmp_path: Path, embedder: Embedder
) -> None:
    folder = _corpus(tmp_path)
    engine = Engine(tmp_path / "index", embedder=embedder)
    first = engine.ingest([folder])
    assert len(first.added) == 5 and first.embedded == first.passages > 0

    again = engine.ingest([folder])
    assert again.embedded == 0 and not again.changed and len(again.unchanged) == 5

    (folder / "005_new.txt").write_text(
        "Iceland opens a new geothermal plant\n\nThe plant near Reykjavik will heat 40,000 "
        "homes, the energy minister said on Tuesday. Construction took three years.\n",
        encoding="utf-8",
    )
    story = folder / "002_a25b924e6705389f.txt"
    story.write_text(story.read_text(encoding="utf-8") + "\nA new closing sentence was added.\n")
    third = engine.ingest([folder])
    assert third.added == ("005_new.txt",)
    assert third.replaced == ("002_a25b924e6705389f.txt",)
    assert 0 < third.embedded < third.passages
    assert engine.stats().articles == 6
    assert engine.answer("How many homes will the geothermal plant heat?").citations[0].source == (
        "005_new.txt"
    )


def test_rebuild_reuses_the_embedding_cache(seed_index_copy: Path, embedder: Embedder) -> None:
    engine = Engine.open(seed_index_copy, embedder=embedder)
    report = engine.ingest([SEEDS], rebuild=True)
    assert report.embedded == 0
    assert report.passages == engine.stats().passages


def test_remove_deletes_an_article(seed_index_copy: Path, embedder: Embedder) -> None:
    engine = Engine.open(seed_index_copy, embedder=embedder)
    engine.remove("003_db38b9538e43ca07.txt")
    assert "003_db38b9538e43ca07.txt" not in {a.source for a in engine.articles()}
    assert engine.stats().articles == 4
    reopened = Engine.open(seed_index_copy, embedder=embedder)
    assert reopened.stats().articles == 4
    with pytest.raises(KeyError):
        engine.remove("003_db38b9538e43ca07.txt")


def test_ingest_of_missing_paths_is_an_error(tmp_path: Path, embedder: Embedder) -> None:
    with pytest.raises(IngestError, match="does not exist"):
        Engine(tmp_path / "index", embedder=embedder).ingest([tmp_path / "nope"])


def test_bad_files_are_reported_and_skipped(tmp_path: Path, embedder: Embedder) -> None:
    folder = _corpus(tmp_path)
    (folder / "empty.txt").write_text("")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    (folder / "latin1.txt").write_bytes(
        "Café owners in Zürich protest\n\nThe café owners said prices rose.".encode("cp1252")
    )
    report = Engine(tmp_path / "index", embedder=embedder).ingest([folder])
    skipped = {Path(s.path).name: s.reason for s in report.skipped}
    assert set(skipped) == {"empty.txt", "binary.txt", "notes.pdf"}
    assert "latin1.txt" in report.added
    assert any("latin1.txt" in note for note in report.notes)
    assert all(Path(s.path).name in skipped for s in report.skipped)


def test_articles_are_listed_newest_first(seed_engine: Engine) -> None:
    infos = seed_engine.articles()
    dated = [i.published for i in infos if i.published]
    assert dated == sorted(dated, reverse=True)
    assert infos[-1].published is None
    stats = seed_engine.stats()
    assert stats.newest is not None and stats.newest.isoformat() == "2025-12-22"
    assert stats.passages == sum(i.passages for i in infos)


def test_answers_keep_flowing_during_an_ingest(seed_index_copy: Path, embedder: Embedder) -> None:
    engine = Engine.open(seed_index_copy, embedder=embedder)
    before = engine.stats().generation
    folder = seed_index_copy.parent / "more"
    folder.mkdir()
    for i in range(12):
        (folder / f"extra_{i}.txt").write_text(
            f"Story {i} about regional trade\n\n"
            + " ".join(f"Sentence {j} of story {i} describes port traffic." for j in range(40)),
            encoding="utf-8",
        )
    answers = []
    worker = threading.Thread(target=lambda: engine.ingest([folder]))
    worker.start()
    while worker.is_alive():
        answers.append(engine.answer("Who received rings from Putin?"))
    worker.join()
    assert answers and all(a.answered for a in answers)
    assert engine.stats().generation != before
    assert engine.stats().articles == 17


def test_a_generation_written_elsewhere_is_picked_up(
    seed_index_copy: Path, embedder: Embedder
) -> None:
    serving = Engine.open(seed_index_copy, embedder=embedder)
    writer = Engine.open(seed_index_copy, embedder=embedder)  # as `newsbot ingest` would
    folder = seed_index_copy.parent / "new"
    folder.mkdir()
    (folder / "volcano.txt").write_text(
        "Volcano erupts near Grindavik\n\nLava reached the edge of Grindavik in Iceland on "
        "Sunday and about 4,000 residents were evacuated, officials said.\n",
        encoding="utf-8",
    )
    for _ in range(3):  # three generations: the one `serving` loaded is pruned from disk
        writer.ingest([folder], rebuild=_ > 0)
        (folder / "volcano.txt").write_text(
            (folder / "volcano.txt").read_text(encoding="utf-8") + " More lava.", encoding="utf-8"
        )
    assert serving.refresh()
    serving.verify()
    assert serving.answer("How many people left Grindavik?").citations[0].source == "volcano.txt"


def test_removing_every_article_leaves_an_empty_working_index(
    seed_index_copy: Path, embedder: Embedder
) -> None:
    engine = Engine.open(seed_index_copy, embedder=embedder)
    for info in engine.articles():
        engine.remove(info.source)
    reopened = Engine.open(seed_index_copy, embedder=embedder)
    assert reopened.stats().articles == 0
    answer = reopened.answer("Who received rings from Putin?")
    assert not answer.answered
    assert answer.refusal is Refusal.NOT_COVERED


def test_answers_from_many_threads_at_once(seed_index_copy: Path, embedder: Embedder) -> None:
    engine = Engine.open(seed_index_copy, embedder=embedder)
    questions = [
        "Who put Putin's ring on his finger?",
        "Why did Aliyev skip the St. Petersburg meeting?",
        "What did Putin say about Gaza?",
        "Where was the 2023 CIS summit?",
    ]
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for round_ in range(6):
                answer = engine.answer(questions[(offset + round_) % len(questions)])
                assert answer.answered
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[0]
