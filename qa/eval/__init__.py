"""`newsqa eval`: question sets, metrics, the run, an LLM judge, gates and reports.

Rule: eval imports the `qa` core; the core never imports eval, and only `ui.cli` and the tests do.
Modules, in the order a run uses them: `sets` (read question sets) -> `run` (answer and score each
question with `metrics`, optionally the `judge`) -> `summary` (one summary shared by the reports) ->
`markdown` / `html` (the two renderings, written by `report`) -> `gates` (pass/fail thresholds).
"""

FORMATS = ("auto", "ours", "rgb", "multihop")  # question-set layouts `sets.read_question_set` reads
