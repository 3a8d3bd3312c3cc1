"""The `newsqa` command line.

Rule: cli imports `qa`, `qa.eval`, `ingest`, `ui.render` and `ui.context`; it imports `ui.web` and
`ui.slack` only inside the `web` and `slack` commands, so `newsqa ask` never loads Gradio or Bolt.
Nothing imports cli.
"""

from ui.cli.main import NewsqaGroup, cli, main

__all__ = ["NewsqaGroup", "cli", "main"]
