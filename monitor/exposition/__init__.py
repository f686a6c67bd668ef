"""What the monitor shows the world: log events (and, with the daemon, metrics and endpoints)."""
