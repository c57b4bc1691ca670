"""Small helpers shared by the corpus modules."""


def writes_into(argument):
    """Mark a wrong answer that writes into one of its arguments (``argument``: its name as
    the checker should print it, e.g. "dh_t" or "trace.h_hat")."""
    def mark(fn):
        fn.writes_into = argument
        return fn
    return mark


def raise_(exc):
    raise exc
