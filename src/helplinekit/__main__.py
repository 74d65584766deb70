"""``python -m helplinekit`` runs the command line."""

from helplinekit.cli import main

main()
