from api_helpers import seed  # noqa: F401  (pytest fixture)
