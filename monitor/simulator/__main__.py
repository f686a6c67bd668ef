"""`python -m monitor.simulator`: the simulate command on its own."""

import argparse
import sys

from monitor.simulator.command import add_arguments, run

parser = argparse.ArgumentParser(
    prog="python -m monitor.simulator", description="Serve a simulated Zendesk."
)
add_arguments(parser)
sys.exit(run(parser.parse_args()))
