"""Adapting the encoder (adapt.py, used by scripts/finetune_probe.py): what it is trained on, and that training
leaves the word-embedding table as the 4-bit file made it."""

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from askerqa.adapt import RECIPE, Pair, Recipe, pairs_sha256, save_folder, train, training_pairs
from askerqa.config import ROOT, settings
from askerqa.gold import Question, load_questions
from askerqa.index import embed_text
from askerqa.lexical import Lexical
from askerqa.matching import PASSAGE_LIMIT, satisfies
from askerqa.reading import Reader
from askerqa.tuning import TUNING_SETS


@pytest.fixture(scope="module")
def reader(passages) -> Reader:
    return Reader(passages, Lexical.build([embed_text(p) for p in passages]), settings().max_question_chars)


def test_each_pair_is_a_passage_the_judge_accepts_for_its_question(passages, reader):
    questions = [q for name in RECIPE.sets for q in load_questions(ROOT / name)]
    pairs = training_pairs(questions, passages, reader, per_question=3)
    answerable = [q for q in questions if q.answerable]
    by_text = {embed_text(p): p for p in passages}
    assert pairs and {p.question for p in pairs} <= set(range(len(answerable)))
    for pair in pairs:
        assert satisfies(by_text[pair.passage].text, answerable[pair.question].evidence, PASSAGE_LIMIT)
    counts = np.bincount([p.question for p in pairs])
    assert counts.max() <= 3


def test_unanswerable_questions_give_no_pairs_and_a_follow_up_is_read_with_its_context(passages, reader):
    nothing = Question("x", "trap", "Hva koster en kinobillett på Månen?", [], [], False)
    follow = Question("f", "followup", "Og i 2021?", [["Sykefraværsprosent", "8,4 %"]], [], True,
                      context=["Hva var sykefraværet i 2020?"])
    assert training_pairs([nothing], passages, reader, 3) == []
    pairs = training_pairs([follow], passages, reader, 3)
    # the engine embeds the follow-up as read with the conversation, and so is it trained
    assert pairs and all("sykefravær" in p.query.lower() and "2021" in p.query for p in pairs)


def test_the_training_sets_are_none_of_the_sets_the_answer_stage_is_tuned_on():
    assert not set(RECIPE.sets) & set(TUNING_SETS)
    assert not {"eval/everyday3.jsonl", "eval/everyday4.jsonl", "eval/everyday5.jsonl"} & set(RECIPE.sets)  # the tests


@pytest.mark.slow
def test_training_moves_the_encoder_but_not_its_word_embeddings(passages, reader):
    """The ONNX export keeps the word table as the 4-bit blocks it came from: training must leave it bit for bit."""
    import torch

    from askerqa.embedding import load_model

    questions = load_questions(ROOT / RECIPE.sets[0])[:24]
    pairs = training_pairs(questions, passages, reader, per_question=1)[:16]
    recipe = Recipe(sets=RECIPE.sets[:1], epochs=1)
    base = load_model(str(settings().model_dir))
    before = {n: w.detach().clone() for n, w in base[0].auto_model.named_parameters()}
    trained = train(settings().model_dir, pairs, recipe)
    after = dict(trained[0].auto_model.named_parameters())
    assert torch.equal(after["embeddings.word_embeddings.weight"], before["embeddings.word_embeddings.weight"])
    assert not torch.equal(after["encoder.layer.0.attention.self.query.weight"],
                           before["encoder.layer.0.attention.self.query.weight"])


class _Trained:
    """Stands in for a trained SentenceTransformer: saving writes its weights file."""

    def save(self, folder: str) -> None:
        Path(folder).mkdir(parents=True)
        (Path(folder) / "model.safetensors").write_bytes(b"weights")


@pytest.fixture
def no_export(monkeypatch):
    from askerqa import adapt, embedding

    for module in (adapt, embedding):
        monkeypatch.setattr(module, "export_onnx", lambda folder, f: {"query_encoder.onnx": "0" * 64})
        monkeypatch.setattr(module, "read_e5_file", lambda path, keep_q4=(): None)


def test_a_saved_folder_is_named_by_its_pairs_and_weights_so_an_index_of_another_model_is_stale(tmp_path, no_export):
    from askerqa.embedding import BUILD_INFO, build_model, model_identity

    pairs = [Pair(0, "hvor mye skylder kommunen", "Gjeldsgrad 97,4 %")]
    out = tmp_path / "adapted"
    out.mkdir()
    (out / "gammel.txt").write_text("forrige modell")
    assert save_folder(_Trained(), out, RECIPE, pairs, [{"file": "eval/x.jsonl", "sha256": "0"}]) == out
    info = json.loads((out / BUILD_INFO).read_text())
    assert f"pairs {pairs_sha256(pairs)[:12]}" in info["model_id"]
    assert info["adapted"]["weights_sha256"] == hashlib.sha256(b"weights").hexdigest()
    assert model_identity(str(out))["model_id"] == info["model_id"]  # what the index manifest compares
    assert not (out / "gammel.txt").exists() and not list(tmp_path.glob(".adapted.build-*"))
    # `askerqa model` pointed at it, its ONNX export gone: the export is redone, the folder keeps its name
    (out / "query_encoder.onnx").unlink(missing_ok=True)
    build_model(out)
    assert json.loads((out / BUILD_INFO).read_text())["model_id"] == info["model_id"]


def test_a_file_where_the_folder_goes_is_one_clear_line_and_stays(tmp_path):
    from askerqa.errors import ModelError

    occupied = tmp_path / "adapted"
    occupied.write_text("x")
    with pytest.raises(ModelError, match="en fil, ikke en mappe"):
        save_folder(_Trained(), occupied, RECIPE, [], [])
    assert occupied.read_text() == "x"


def test_too_few_pairs_for_one_batch_is_one_clear_line():
    from askerqa.errors import ModelError

    with pytest.raises(ModelError, match="For få treningspar"):
        train(settings().model_dir, [Pair(0, "q", "p")], RECIPE)
