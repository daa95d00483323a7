"""`python -m kb` works like `kb`."""

from kb.cli import main

main()
