from api_helpers import reference, seed  # noqa: F401  (pytest fixtures)
