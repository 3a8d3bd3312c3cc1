"""Checks on an answer, given its passages: its [n] markers and claims (`markers`), citations (`cite`;
the names and numbers a passage must hold, `specifics`), contradictory figures (`contradict`), sources
that disagree (`claims`, `disagree`) and versions of one story (`versions`).

This package is pure, in the manner of flask's `sansio`: it reads text and returns values. It imports
only the `qa` core (config, errors, types, protocols, text, dates, figures, query, evidence) and never
`qa.index`, `qa.retrieval`, `qa.answering` (so no chat model) or any storage (sqlite3, chromadb).
Everything it needs — passages, embeddings of sentences — is handed to it by its caller, so every
check runs on plain values in a test. `tests/test_layout.py` enforces this.
"""
