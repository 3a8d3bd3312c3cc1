"""`python -m ui.cli ...` runs the `newsqa` command."""

from ui.cli.main import main

if __name__ == "__main__":
    main()
