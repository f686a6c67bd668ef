"""The long-running daemon: scheduling, the result store, baselines and reload."""
