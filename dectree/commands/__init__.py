"""One module per `dectree` subcommand: `configure(parser)` and `run(args) -> int`."""
