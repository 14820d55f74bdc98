"""``python -m loadtests run|compare|soak|faults``.

``run`` and ``compare``: see :mod:`loadtests.runner`; ``soak``: :mod:`loadtests.soak`;
``faults``: :mod:`loadtests.faults`.
"""

from __future__ import annotations

import sys

from loadtests import faults, soak
from loadtests.runner import main

# Commands with their own parser: the rest belong to the runner's.
COMMANDS = {"soak": soak.main, "faults": faults.main}

if __name__ == "__main__":
    argv = sys.argv[1:]
    if argv and argv[0] in COMMANDS:
        sys.exit(COMMANDS[argv[0]](argv[1:]))
    sys.exit(main())
