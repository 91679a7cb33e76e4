"""Sub-commands of `tocsin`, one module each (see tocsin/cli.py)."""
