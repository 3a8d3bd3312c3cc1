"""Ingestion: sources -> Articles -> cleaned text -> chunks -> Chroma + lexical index.

Rule: ingest imports `qa` (settings, errors, types, the store) and never `ui`.
"""
