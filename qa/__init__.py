"""newsqa's answering core: settings, embeddings, store, retrieval, answering, citation checks.

Rule: `qa` does no presentation and imports neither `ingest` nor `ui`; `qa.eval` is a layer on top of
the core that the core never imports (only `ui.cli` and the tests do).
"""
