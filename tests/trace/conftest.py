import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "ledger"))

from ledger_helpers import foundation, people, voucher, yumin  # noqa: F401  (pytest fixtures)
