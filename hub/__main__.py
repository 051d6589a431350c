"""``python -m hub`` is the ``hub`` command."""

from hub.core.cli import main

main()
