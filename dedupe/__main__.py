"""`python -m dedupe` runs the same CLI as the `dedupe` console script."""

from dedupe.cli import main

if __name__ == "__main__":
    main()
