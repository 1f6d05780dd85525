"""The direct-fund ledger's rules: appropriation movements, registration of a receipt, derived balances.

Amounts are Decimal 元. A movement is signed: 下达 and 调增 positive, 调减 negative. A registration splits one
receipt across purposes; its lines carry the receipt's sign and sum to it exactly.
"""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from .money import format_yuan
from .problems import Problem, Severity, Where
from .purposes import Purpose

ZERO = Decimal("0.00")
#: 预算法第五十二条 and Attachment 2 of the notice: register within 30 days of receiving.
REGISTRATION_DAYS = 30


class MovementKind(StrEnum):
    ISSUE = "issue"
    INCREASE = "increase"
    DECREASE = "decrease"

    @property
    def label(self) -> str:
        return {"issue": "下达", "increase": "调增", "decrease": "调减"}[self.value]


@dataclass(frozen=True)
class PlanMovement:
    """A movement a plan row produces for its region."""

    kind: MovementKind
    amount: Decimal
    """Signed: negative for 调减."""


def movements_for_row(
    *, is_adjustment: bool, base: Decimal, decrease: Decimal, increase: Decimal
) -> list[PlanMovement]:
    """下达 for an allocation plan (its final amount); 调增 and 调减 for an adjustment. Zero amounts book nothing."""
    if not is_adjustment:
        amount = base + increase - decrease
        return [PlanMovement(MovementKind.ISSUE, amount)] if amount else []
    out = []
    if increase:
        out.append(PlanMovement(MovementKind.INCREASE, increase))
    if decrease:
        out.append(PlanMovement(MovementKind.DECREASE, -decrease))
    return out


def is_late(received_on: datetime.date, registered_on: datetime.date) -> bool:
    """Registered later than 30 days after receipt."""
    return (registered_on - received_on).days > REGISTRATION_DAYS


@dataclass(frozen=True)
class RegistrationLine:
    """One line of a registration: part of a receipt booked to one purpose and expenditure code."""

    exp_func_code: str
    purpose: Purpose
    amount: Decimal
    """Signed like the receipt."""


@dataclass(frozen=True)
class AppropriationState:
    """What an existing appropriation has, for checking a decrease against it."""

    registered: Decimal
    paid: Decimal


def validate_registration(
    *,
    receipt_amount: Decimal,
    lines: Sequence[RegistrationLine],
    allowed_codes: Iterable[str],
    code_purposes: Mapping[str, str],
    existing: Mapping[tuple[str, str], AppropriationState],
    cor_bgt_doc_no: str,
) -> list[Problem]:
    """Every problem of a registration: codes, purposes, signs, the sum, and decreases below what was paid."""
    problems: list[Problem] = []
    allowed = set(allowed_codes)
    if not cor_bgt_doc_no.strip():
        problems.append(Problem("DOCNO_REQUIRED", "请填写本级指标文号", Where(column="本级指标文号")))
    if not lines:
        problems.append(Problem("NO_LINES", "至少登记一行", Where(column="登记明细")))
    seen: set[tuple[str, str]] = set()
    for row, line in enumerate(lines, start=1):
        problems += _line_problems(line, row, receipt_amount, allowed, code_purposes, existing, seen)
    total = sum((x.amount for x in lines), ZERO)
    if lines and total != receipt_amount:
        problems.append(
            Problem(
                "SUM_MISMATCH",
                f"登记合计{format_yuan(total)}元，与收到的{format_yuan(receipt_amount)}元不等",
                Where(column="金额", entity="合计"),
                numbers={"registered": total, "received": receipt_amount},
            )
        )
    return problems


def _line_problems(
    line: RegistrationLine,
    row: int,
    receipt_amount: Decimal,
    allowed: set[str],
    code_purposes: Mapping[str, str],
    existing: Mapping[tuple[str, str], AppropriationState],
    seen: set[tuple[str, str]],
) -> list[Problem]:
    problems = []
    key = (line.exp_func_code, line.purpose.value)
    if key in seen:
        problems.append(
            Problem("DUPLICATE_LINE", "同一科目和支出方向重复登记", Where(row=row, column="支出功能分类科目"))
        )
    seen.add(key)
    if line.exp_func_code not in allowed:
        problems.append(
            Problem(
                "CODE_NOT_ALLOWED",
                f"支出功能分类科目{line.exp_func_code}不是本资金允许的科目",
                Where(row=row, column="支出功能分类科目"),
            )
        )
    elif code_purposes.get(line.exp_func_code) not in ("", None, line.purpose.value):
        problems.append(
            Problem(
                "PURPOSE_MISMATCH",
                f"科目{line.exp_func_code}不属于支出方向“{line.purpose.label}”",
                Where(row=row, column="支出方向"),
            )
        )
    if line.amount == 0 or (line.amount > 0) != (receipt_amount > 0):
        sign = "正数" if receipt_amount > 0 else "负数（调减）"
        problems.append(
            Problem(
                "LINE_SIGN",
                f"登记金额应为{sign}且不为零",
                Where(row=row, column="金额"),
                numbers={"amount": line.amount},
            )
        )
    elif line.amount < 0:
        state = existing.get(key)
        if state is None:
            problems.append(
                Problem(
                    "DECREASE_WITHOUT_APPROPRIATION",
                    "调减只能登记到已有的指标（相同科目和支出方向）",
                    Where(row=row, column="支出功能分类科目"),
                )
            )
        elif state.registered + line.amount < state.paid:
            problems.append(
                Problem(
                    "DECREASE_BELOW_PAID",
                    f"调减后指标为{format_yuan(state.registered + line.amount)}元，低于已支付的{format_yuan(state.paid)}元",
                    Where(row=row, column="金额"),
                    numbers={"registered": state.registered, "paid": state.paid, "decrease": line.amount},
                )
            )
    return problems


def late_warning(received_on: datetime.date, registered_on: datetime.date) -> Problem | None:
    if not is_late(received_on, registered_on):
        return None
    days = (registered_on - received_on).days
    return Problem(
        "LATE_REGISTRATION",
        f"收到指标{days}天后才登记，超过{REGISTRATION_DAYS}天",
        Where(column="登记日期"),
        severity=Severity.WARNING,
        numbers={"days": days},
    )


@dataclass(frozen=True)
class Balance:
    """An appropriation's figures, all derived from movements."""

    registered: Decimal
    paid: Decimal
    paid_out: Decimal

    @property
    def balance(self) -> Decimal:
        """指标余额 = registered − paid."""
        return self.registered - self.paid


def fold_balance(
    registered: Iterable[Decimal], paid: Iterable[Decimal], paid_out: Iterable[Decimal]
) -> Balance:
    return Balance(sum(registered, ZERO), sum(paid, ZERO), sum(paid_out, ZERO))
