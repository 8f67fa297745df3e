"""``python -m boilerstrip``: the same as the ``boilerstrip`` command."""

from boilerstrip.cli import main

raise SystemExit(main())
