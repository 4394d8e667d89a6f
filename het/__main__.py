"""python -m het: see het.cli."""

import sys

from het.cli import main

sys.exit(main())
