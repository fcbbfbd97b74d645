"""One module per `dectree` subcommand: `configure(parser)` and `run(args) -> int`.

The views' edge: arguments parsed, problems and results formatted, exit codes
chosen. Heavy imports (textual above all) stay inside `run`, so `dectree
validate` never loads the UI.
May import: any package of dectree.
"""
