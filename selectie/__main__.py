"""``python -m selectie``: the command line."""

from selectie.cli import main

if __name__ == "__main__":
    main()
