"""`python -m ui.cli ...` runs the `newsqa` command."""

from ui.cli.main import main

main()
