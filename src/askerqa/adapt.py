"""Adapting the encoder to how residents ask: the converted multilingual-e5-small fine-tuned on gold questions,
each read as the engine reads it. Used by the probe (scripts/finetune_probe.py), not by the engine: measured
through the whole engine, with the fusion weights and answer models retuned over it, it did not beat the
converted model (docs/RESULTS.md, "Fourth round"), so the shipped encoder stays the converted one.

Pairs: each answerable question with up to `per_question` passages that satisfy its evidence under the judge's
rule; the question side is the text the engine embeds for it (reading.Reader: a follow-up read with its
context, the report's words added), so the encoder learns what it is later asked.

Training: in-batch negatives (the loss of sentence-transformers' MultipleNegativesRankingLoss, written out, so
no `datasets`/`accelerate`), another pair with the same passage or question masked; the word-embedding table
frozen, so the ONNX export keeps it as its exact 4-bit blocks; a fixed seed and thread count (two runs on one
machine give the same weights, bit for bit).

`save_folder` writes a folder the engine can serve (ASKERQA_MODEL): the model, its ONNX export and a record
whose model_id names the training pairs and the trained weights, so an index made with another model is stale.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .embedding import (
    MODEL_ID,
    PROMPTS,
    WEIGHTS_SHA256,
    export_onnx,
    force_fast_tokenizer,
    install_staged,
    read_e5_file,
    sha256_of,
    weights_path,
    write_info,
)
from .errors import ModelError
from .gold import Question
from .index import embed_text
from .matching import PASSAGE_LIMIT, satisfies
from .reading import Reader
from .storage import os_problem
from .types import Passage


@dataclass(frozen=True)
class Recipe:
    sets: tuple[str, ...]  # the training files, relative to the project
    epochs: int = 2  # set before the probe first ran; there, one epoch and two scored alike on unseen sets
    batch: int = 16
    learning_rate: float = 2e-5
    max_seq_length: int = 256  # tokens: a cap keeps training memory flat (the index reads up to 512)
    scale: float = 20.0  # cosine -> logit, as MultipleNegativesRankingLoss
    per_question: int = 3  # passages paired with one question, in report order
    seed: int = 0
    threads: int = 2  # torch's: sums of floats differ with the thread count, so it is part of the recipe


# this project's own sets: none of them is a set the fusion weights and answer models are tuned on (TUNING_SETS)
RECIPE = Recipe(sets=("eval/heldout.jsonl", "eval/heldout2.jsonl", "eval/everyday.jsonl", "eval/everyday2.jsonl"))


@dataclass(frozen=True)
class Pair:
    question: int  # which training question: its other passages are not negatives for it
    query: str  # what the engine embeds for the question
    passage: str  # what the index embeds for the passage (index.embed_text)


def training_pairs(questions: Sequence[Question], passages: Sequence[Passage], reader: Reader,
                   per_question: int) -> list[Pair]:
    """Each answerable question with the first `per_question` passages that satisfy its evidence."""
    pairs: list[Pair] = []
    for n, q in enumerate(q for q in questions if q.answerable):
        query = reader.read(q.question, q.context).dense_text
        right = [p for p in passages if satisfies(p.text, q.evidence, PASSAGE_LIMIT)][:per_question]
        pairs.extend(Pair(n, query, embed_text(p)) for p in right)
    return pairs


def pairs_sha256(pairs: Sequence[Pair]) -> str:
    return hashlib.sha256(json.dumps([asdict(p) for p in pairs], ensure_ascii=False).encode()).hexdigest()


def save_folder(model: Any, out: Path, recipe: Recipe, pairs: Sequence[Pair], data: list[dict]) -> Path:
    """Write `model` (a trained SentenceTransformer) to `out` as a servable folder: staged beside it like
    build_model, with its ONNX query encoder and a record of what it was trained on (`data`: files and sha256).
    A folder that cannot be written is ModelError."""
    if out.exists() and not out.is_dir():
        raise ModelError(f"Modellen kan ikke lagres: {out} er en fil, ikke en mappe. Flytt filen bort.")

    def write(staging: Path) -> Path:
        staged = staging / "model"
        model.save(str(staged))
        force_fast_tokenizer(staged)
        onnx = export_onnx(staged, read_e5_file(weights_path(), keep_q4=("emb.word",)))
        trained, pairs_digest = sha256_of(staged / "model.safetensors"), pairs_sha256(pairs)
        write_info(staged, WEIGHTS_SHA256, onnx,
                   model_id=f"{MODEL_ID}, adapted (pairs {pairs_digest[:12]}, weights {trained[:12]})",
                   extra={"adapted": {"recipe": asdict(recipe), "data": data, "pairs": len(pairs),
                                      "pairs_sha256": pairs_digest, "weights_sha256": trained}})
        return staged

    install_staged(out, write, problem=_save_problem)
    return out


def _save_problem(exc: OSError) -> str:
    """The one line for a folder that cannot be saved (model_write_problem's advice is for `askerqa model`)."""
    return f"Modellen kan ikke lagres: {os_problem(exc)}. Rett feilen, eller velg en annen mappe."


def train(base: Path, pairs: list[Pair], recipe: Recipe,
          after_epoch: Callable[[Any, int], None] | None = None):  # -> SentenceTransformer
    """The model at `base` trained on `pairs` by `recipe`; `after_epoch(model, epoch)` may measure it (the probe
    does, scripts/finetune_probe.py) and must leave it as it found it. Fewer pairs than one batch is ModelError."""
    import torch
    from sentence_transformers import SentenceTransformer

    if len(pairs) < recipe.batch:
        raise ModelError(f"For få treningspar ({len(pairs)}) til én runde på {recipe.batch}: legg til flere spørsmål.")

    threads = torch.get_num_threads()
    torch.set_num_threads(recipe.threads)
    torch.manual_seed(recipe.seed)
    order = list(pairs)
    rng = random.Random(recipe.seed)
    model = SentenceTransformer(str(base), device="cpu")
    reads = model.max_seq_length
    model.max_seq_length = recipe.max_seq_length
    bert: Any = model[0].auto_model
    bert.embeddings.word_embeddings.weight.requires_grad_(False)
    optimiser = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=recipe.learning_rate)
    query_prompt, passage_prompt = PROMPTS["query"], PROMPTS["passage"]  # as the index and the encoder
    try:
        model.train()
        for epoch in range(recipe.epochs):
            rng.shuffle(order)
            for start in range(0, len(order) - recipe.batch + 1, recipe.batch):
                batch = order[start:start + recipe.batch]
                q = model(model.preprocess([query_prompt + b.query for b in batch]))["sentence_embedding"]
                p = model(model.preprocess([passage_prompt + b.passage for b in batch]))["sentence_embedding"]
                similarity = (torch.nn.functional.normalize(q, dim=-1) @ torch.nn.functional.normalize(p, dim=-1).T
                              * recipe.scale)
                # another pair with the same passage, or another passage paired with the same question, is no
                # negative (a passage satisfying that question's evidence but not among its pairs still is)
                same = torch.tensor([[i != j and (a.passage == b.passage or a.question == b.question)
                                      for j, b in enumerate(batch)] for i, a in enumerate(batch)])
                loss = torch.nn.functional.cross_entropy(similarity.masked_fill(same, -1e4),
                                                         torch.arange(len(batch)))
                loss.backward()
                optimiser.step()
                optimiser.zero_grad()
            print(f"  runde {epoch + 1} av {recipe.epochs} ferdig", file=sys.stderr, flush=True)
            if after_epoch is not None:
                model.eval()
                after_epoch(model, epoch + 1)
                model.train()
    finally:
        torch.set_num_threads(threads)
    model.max_seq_length = reads  # the cap was for training; the saved folder reads as the base did
    model.eval()
    return model
