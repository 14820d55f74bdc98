"""``python -m framework``: the ``framework`` command."""

from .cli import main

main()
