import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "ledger"))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from cards_helpers import region  # noqa: F401  (pytest fixtures)
from ledger_helpers import foundation, people  # noqa: F401  (pytest fixtures)
