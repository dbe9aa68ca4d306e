"""Run the ``simulator`` command line: ``python -m simulator``."""

from __future__ import annotations

from simulator.cli import main

raise SystemExit(main())
