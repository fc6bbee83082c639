"""The one exception type the CLI and job entry points turn into a clear one-line error."""


class ShoplakeError(Exception):
    """A problem the user can fix (bad setting, missing landing root, unreachable catalog).

    Raised with a message that says what is wrong and what to do; the CLI prints it as
    one line and exits 2, without a stack trace.
    """
