"""Indexing: the embedder, the Chroma store, the lexical (BM25) index, story clusters and page furniture.

Imports only the `qa` core (config, errors, types, protocols, text, dates, figures). Nothing here knows
about questions or answers.
"""
