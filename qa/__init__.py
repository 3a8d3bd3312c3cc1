"""newsqa core: settings, embeddings, store, retrieval, answering, citations, evaluation.

`qa` imports neither `ingest` nor `ui`.
"""
