"""refused.py: the one exception a peer raises to decline a request."""


class Refused(Exception):
    """A request the worker declines; it lives on. kind: unavailable (the
    backend cannot run here), nomem (the point does not fit) or failed."""

    def __init__(self, kind, text):
        super().__init__(text)
        self.kind = kind
