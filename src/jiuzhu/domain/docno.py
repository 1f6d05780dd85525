"""发文字号 (document numbers): 机关代字 + 〔year〕 + serial + 号, e.g. 塔地财社〔2022〕82号."""

import re
import unicodedata
from dataclasses import dataclass

_DOCNO = re.compile(
    r"^(?P<agency>[^\[〔【(（［]+?)[\[〔【(（［](?P<year>\d{4})[\]〕】)）］]第?(?P<serial>\d+)号$"
)


class DocNoError(ValueError):
    """A 文号 that does not parse; ``str()`` is a message in Chinese."""


@dataclass(frozen=True, order=True)
class DocNo:
    agency: str
    """机关代字, e.g. 塔地财社."""
    year: int
    serial: int

    def __str__(self) -> str:
        return f"{self.agency}〔{self.year}〕{self.serial}号"


def parse_docno(text: str) -> DocNo:
    """Accept 〔〕, [], 【】, () and full-width forms, stray spaces and leading zeros; return the canonical form."""
    cleaned = "".join(text.split())
    # NFKC folds full-width brackets and digits, but it would also fold 〔〕 into nothing useful: keep them.
    folded = "".join(c if c in "〔〕【】" else unicodedata.normalize("NFKC", c) for c in cleaned)
    match = _DOCNO.match(folded)
    if not match:
        raise DocNoError(f"“{text}”不是有效的文号（应如：塔地财社〔2022〕82号）")
    serial = int(match["serial"])
    if serial == 0:
        raise DocNoError(f"“{text}”的序号不能为0")
    return DocNo(agency=match["agency"], year=int(match["year"]), serial=serial)


def normalise_docno(text: str) -> str:
    return str(parse_docno(text))
