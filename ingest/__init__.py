"""Ingestion: sources -> Articles -> cleaned text -> chunks -> Chroma + lexical index."""
