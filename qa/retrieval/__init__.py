"""Retrieval: hybrid search over the index (`retrieve`), copies of one story judged (`copies`) and
collapsed (`collapse`), passages put in date order (`timeline`).

Imports the `qa` core, `qa.index` and `qa.checks`; never `qa.answering`.
"""

MODES = ("hybrid", "dense", "lexical")  # how `HybridRetriever.search` may search (`newsqa search --mode`)
