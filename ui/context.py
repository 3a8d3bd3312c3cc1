"""Open the parts a command needs from Settings (entry points are the only callers of the factories)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the command line imports this module for --help: nothing heavy at import time
    from qa.config import Settings


@dataclass
class Library:
    """Lazily opened embedder, store and lexical index for one Settings."""

    settings: Settings

    @cached_property
    def embeddings(self):
        from qa.index.embeddings import make_embeddings

        return make_embeddings(self.settings)

    @cached_property
    def store(self):
        from qa.index.store import open_store

        return open_store(self.settings, self.embeddings.identity)

    @cached_property
    def lexical(self):
        from qa.index.store import open_lexical

        return open_lexical(self.settings)

    @cached_property
    def stories(self):
        from qa.index.stories import StoryIndex

        return StoryIndex(self.lexical, self.settings.preferred)

    @cached_property
    def story_keeper(self):
        """One per library, so the web app's uploads share its LSH index instead of rebuilding it."""
        from ingest.stories import StoryKeeper

        return StoryKeeper(self.stories)

    @cached_property
    def retriever(self):
        from qa.retrieval.retrieve import make_retriever

        self.embeddings.preload()  # the model loads while Chroma is imported and opened
        return make_retriever(self.settings, self.store, self.lexical, self.embeddings, self.stories)

    @cached_property
    def answerer(self):
        from qa.answering.answer import build_answerer

        return build_answerer(self.settings, self.retriever, self.embeddings)

    def indexer(self):
        from ingest.index import Indexer

        s = self.settings
        self.embeddings.preload()
        return Indexer(self.store, self.lexical, self.embeddings,
                       chunk_tokens=s.chunk_tokens, overlap=s.chunk_overlap, stories=self.story_keeper)
