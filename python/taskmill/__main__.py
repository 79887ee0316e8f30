"""``python -m taskmill``: the same as the ``taskmill`` command."""

from taskmill.cli import main

raise SystemExit(main())
