"""``python -m padstride.cli``: the ``padstride`` command."""

import sys

from .commands import main

sys.exit(main())
