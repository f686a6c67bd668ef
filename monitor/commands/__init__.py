"""One module per CLI subcommand; `monitor.cli` only parses arguments and dispatches."""
