"""argparse's own words, marked here so the catalogs carry them: argparse
says them through gettext's default domain, which
:func:`microbreak.cli.words.for_argparse` points at microbreak's catalog.
They are argparse's messages of Python 3.11 to 3.13, as it writes them
(with its ``%`` placeholders). Nothing imports this module."""

from microbreak.core.words import N_

ARGPARSE = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("one of the arguments %s is required"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("not allowed with argument %s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
)
