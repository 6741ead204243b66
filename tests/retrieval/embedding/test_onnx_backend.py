"""The ONNX Runtime embedder against the torch one: same vectors, batching, export reuse."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from retrieval import Embedder, ModelError
from retrieval.embedding.model import default_model_dir
from retrieval.embedding.onnx_backend import OnnxEmbedder
from retrieval.embedding.onnx_export import MIN_PROBE_COSINE, export_paths, load_onnx_embedder
from retrieval.embedding.protocol import MODEL_SHA256

LONG_ENGLISH = " ".join(
    f"Sentence {i} of a long report on the economy, the weather and the elections."
    for i in range(60)
)  # well over 256 word pieces: both embedders must truncate the same way

TEXTS = [
    "What gift did Putin hand out to the CIS leaders?",
    "Lukashenko ring",
    "Why did Unilever's profits drop in 2004?",
    "Which Japanese tycoon helped bring the Winter Olympics to Nagano?",
    "latest news",
    "iPod",
    "UK",
    "What is the latest news about the CIS?",
    "Oil prices rose sharply after the storm hit refineries on the Gulf coast.",
    "The central bank kept interest rates at 4.75% for the sixth month in a row.",
    "Chelsea beat Arsenal 2-1 at Stamford Bridge on Sunday.",
    "Microsoft released a security patch for Internet Explorer.",
    "How do I bake sourdough bread?",
    "Who won the 2018 World Cup?",
    "Tell me a joke",
    "What is 17 * 23?",
    "The film won three Oscars, including best director.",
    "Gordon Brown said the budget would help working families.",
    "Are mobile phones safe for children?",
    "Broadband take-up doubled in a year, Ofcom says.",
    LONG_ENGLISH,
    "word " * 400,
    LONG_ENGLISH + " The ending is beyond the cut and must not matter.",
    "Line one\nLine two\n\tTabbed line",
    "   leading and trailing spaces   ",
    "ALL CAPS HEADLINE ABOUT THE ELECTION",
    "Hyphenated-words and under_scores and CamelCase",
    "Numbers: 3.14159, 1,000,000 and 42",
    "URL https://www.bbc.co.uk/news/business-12345678 in text",
    "email someone@example.com please",
    "",
    " ",
    "?",
    "...",
    "a",
    "\u00a0",
    "🤔🔥🙈",
    "<script>alert(1)</script>",
    "Der Bundestag hat das Gesetz am Donnerstag verabschiedet.",
    "Le président a annoncé de nouvelles mesures économiques.",
    "El gobierno español aprobó el presupuesto.",
    "Футбольный клуб выиграл чемпионат.",
    "Путин подарил кольца лидерам СНГ.",
    "中国经济增长放缓。",
    "東京でオリンピックが開催された。",
    "الحكومة أعلنت عن خطة جديدة",
    "Ελληνικά κείμενα για δοκιμή",
    "café naïve résumé façade",
    "Zürich Straße Größe",
    "한국어 문장입니다",
]


@pytest.fixture(scope="module")
def onnx_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder for the export, shared by this module's tests."""
    return tmp_path_factory.mktemp("onnx")


@pytest.fixture(scope="module")
def onnx_embedder(onnx_cache: Path) -> OnnxEmbedder:
    """The ONNX embedder, exported once for the module (about a minute on two cores)."""
    return load_onnx_embedder(onnx_cache)


def test_has_the_embedder_attributes(onnx_embedder: OnnxEmbedder) -> None:
    embedder: Embedder = onnx_embedder  # the protocol, checked by mypy
    assert embedder.model_hash == MODEL_SHA256
    assert embedder.dimension == 384
    assert embedder.model_id == "sentence-transformers/all-MiniLM-L6-v2"


def test_matches_torch_on_varied_texts(
    onnx_embedder: OnnxEmbedder, torch_embedder: Embedder
) -> None:
    assert len(TEXTS) >= 50
    torch_vectors = torch_embedder.embed_passages(TEXTS, batch_size=16)
    onnx_vectors = onnx_embedder.embed_passages(TEXTS, batch_size=16)
    assert onnx_vectors.shape == torch_vectors.shape == (len(TEXTS), 384)
    assert onnx_vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(onnx_vectors, axis=1), 1.0, atol=1e-5)
    cosines = (onnx_vectors * torch_vectors).sum(axis=1)
    worst = int(np.argmin(cosines))
    assert cosines.min() >= 0.999, (TEXTS[worst][:60], float(cosines[worst]))


def test_queries_match_torch(onnx_embedder: OnnxEmbedder, torch_embedder: Embedder) -> None:
    questions = TEXTS[:20]
    cosines = (
        onnx_embedder.embed_queries(questions) * torch_embedder.embed_queries(questions)
    ).sum(1)
    assert cosines.min() >= 0.999


def test_truncates_long_texts_like_torch(onnx_embedder: OnnxEmbedder) -> None:
    # Text after the 256th word piece does not change the vector.
    long_vectors = onnx_embedder.embed_queries(
        [LONG_ENGLISH, LONG_ENGLISH + " The ending is beyond the cut and must not matter."]
    )
    assert float(long_vectors[0] @ long_vectors[1]) > 0.99999


def test_batch_equals_single(onnx_embedder: OnnxEmbedder) -> None:
    batched = onnx_embedder.embed_passages(TEXTS, batch_size=8)
    single = np.stack([onnx_embedder.embed_queries([text])[0] for text in TEXTS])
    np.testing.assert_allclose(batched, single, atol=1e-5)


def test_empty_input_gives_no_rows(onnx_embedder: OnnxEmbedder) -> None:
    assert onnx_embedder.embed_queries([]).shape == (0, 384)
    assert onnx_embedder.embed_passages([]).shape == (0, 384)


def test_thread_count_is_settable(onnx_cache: Path, onnx_embedder: OnnxEmbedder) -> None:
    one_thread = load_onnx_embedder(onnx_cache, intra_op_num_threads=1)
    assert one_thread.intra_op_num_threads == 1
    np.testing.assert_allclose(
        one_thread.embed_queries(TEXTS[:5]), onnx_embedder.embed_queries(TEXTS[:5]), atol=1e-5
    )
    with pytest.raises(ValueError, match="intra_op_num_threads"):
        OnnxEmbedder(
            one_thread.onnx_path,
            default_model_dir(),
            model_hash=MODEL_SHA256,
            intra_op_num_threads=-1,
        )


def test_reload_reuses_the_cached_export(onnx_cache: Path, onnx_embedder: OnnxEmbedder) -> None:
    onnx_path, probes_path = export_paths(onnx_cache, MODEL_SHA256)
    before = (onnx_path.stat().st_ino, onnx_path.stat().st_mtime_ns)
    again = load_onnx_embedder(onnx_cache)
    assert again.onnx_path == onnx_path == onnx_embedder.onnx_path
    assert (onnx_path.stat().st_ino, onnx_path.stat().st_mtime_ns) == before
    assert sorted(p.name for p in onnx_cache.iterdir()) == sorted(
        [onnx_path.name, probes_path.name]
    )  # no temporary files left behind


@pytest.mark.slow
def test_altered_export_is_replaced(
    tmp_path: Path, onnx_cache: Path, torch_embedder: Embedder
) -> None:
    onnx_path, probes_path = export_paths(onnx_cache, MODEL_SHA256)
    cache = tmp_path / "onnx"
    cache.mkdir()
    copy, copy_probes = export_paths(cache, MODEL_SHA256)
    copy.write_bytes(onnx_path.read_bytes())
    record = json.loads(probes_path.read_text(encoding="utf-8"))
    record["reference"] = [[-x for x in row] for row in record["reference"]]
    copy_probes.write_text(json.dumps(record), encoding="utf-8")
    stale = copy.stat().st_mtime_ns

    reloaded = load_onnx_embedder(cache)

    assert copy.stat().st_mtime_ns != stale  # exported again
    restored = json.loads(copy_probes.read_text(encoding="utf-8"))["reference"]
    assert np.asarray(restored)[0] @ np.asarray(record["reference"])[0] < 0
    cosines = (reloaded.embed_queries(TEXTS[:5]) * torch_embedder.embed_queries(TEXTS[:5])).sum(1)
    assert cosines.min() >= MIN_PROBE_COSINE


def test_wrong_weights_are_refused(tmp_path: Path) -> None:
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    (model_dir / "model.safetensors").write_bytes(b"not the weights")
    with pytest.raises(ModelError, match="SHA-256"):
        load_onnx_embedder(tmp_path / "onnx", model_dir=model_dir)
    assert not (tmp_path / "onnx").exists()
