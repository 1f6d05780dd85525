"""支出方向: the five uses of the fund named in the notice (第一条); each is booked separately."""

from enum import StrEnum


class Purpose(StrEnum):
    SUBSISTENCE = "dibao"
    EXTREME_POVERTY = "tekun"
    TEMPORARY = "linshi"
    VAGRANT = "liulang"
    ORPHAN = "guer"

    @property
    def label(self) -> str:
        return PURPOSE_LABELS[self]


PURPOSE_LABELS = {
    Purpose.SUBSISTENCE: "低保",
    Purpose.EXTREME_POVERTY: "特困人员救助供养",
    Purpose.TEMPORARY: "临时救助",
    Purpose.VAGRANT: "流浪乞讨人员救助",
    Purpose.ORPHAN: "孤儿基本生活保障",
}


def purpose_from_label(text: str) -> Purpose | None:
    text = text.strip()
    for purpose, label in PURPOSE_LABELS.items():
        if text in (label, purpose.value):
            return purpose
    return None
