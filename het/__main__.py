"""python -m het: see het.cli."""

import sys

from het import prefetch

prefetch.start(sys.argv[1:])  # a load's file, read while the command line's modules are imported

from het.cli import main  # noqa: E402 - after the read has started

sys.exit(main())
