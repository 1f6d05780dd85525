"""Self-evaluation scores (绩效自评): computed from the targets and the actuals, never typed, each explained.

The usual split of 100 points: 预算执行率 10, 产出 50, 效益 30, 满意度 10 (``Weights``). Within a 一级指标 the
points are shared equally by its 三级指标; an indicator that does not apply is dropped and every remaining 分值
(the budget's included) rescaled so that they add up to 100 again, to the fen of a point (largest remainder).
An indicator whose target is still blank is dropped likewise. A quantitative indicator scores in proportion — actual ÷ target for ≥ (and >), target ÷ actual for ≤ (and <),
capped at the 分值; a deadline like a ≤ on the days; a qualitative one by the reviewer's judgement (or by last
year's actual when its rule compares with last year and that actual is known).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum
from fractions import Fraction

from .values import Blank, Comparison, Deadline, Op, Qualitative, Rule, TargetValue

CENT = Decimal("0.01")
BUDGET = "预算执行率"


@dataclass(frozen=True)
class Weights:
    budget: int = 10
    by_level1: tuple[tuple[str, int], ...] = (("产出指标", 50), ("效益指标", 30), ("满意度指标", 10))

    def of(self, level1: str) -> int:
        return dict(self.by_level1).get(level1, 0)


class Judgement(StrEnum):
    """A reviewer's judgement of a qualitative indicator, with the share of the 分值 it earns."""

    MET = "met"
    MOSTLY = "mostly"
    PARTLY = "partly"
    NOT_MET = "not_met"


JUDGEMENTS: dict[Judgement, tuple[str, Fraction]] = {
    Judgement.MET: ("达成", Fraction(1)),
    Judgement.MOSTLY: ("基本达成", Fraction(4, 5)),
    Judgement.PARTLY: ("部分达成", Fraction(1, 2)),
    Judgement.NOT_MET: ("未达成", Fraction(0)),
}


@dataclass(frozen=True)
class Entry:
    """One 三级指标 as the self-evaluation sees it."""

    key: str
    level1: str
    target: TargetValue
    actual: Decimal | None = None
    """全年实际值 in the target's unit (days for a deadline), None while unknown."""
    last_year: Decimal | None = None
    judgement: Judgement | None = None
    applies: bool = True


@dataclass(frozen=True)
class Scored:
    key: str
    points: Decimal
    """分值 (after rescaling); 0 for an indicator that does not apply."""
    score: Decimal
    how: str
    """How the score was reached, in the clerk's words."""
    met: bool | None


@dataclass(frozen=True)
class Evaluation:
    budget: Scored
    lines: tuple[Scored, ...]
    total: Decimal
    grade: str
    notes: tuple[str, ...] = field(default=())


def grade(total: Decimal) -> str:
    if total >= 90:
        return "优秀"
    if total >= 80:
        return "良好"
    if total >= 60:
        return "合格"
    return "不合格"


def points(entries: Sequence[Entry], weights: Weights = Weights()) -> tuple[Decimal, list[Decimal]]:
    """The budget's 分值 and each entry's, summing to exactly 100 (0 for entries that do not apply)."""
    counts: dict[str, int] = {}
    for e in entries:
        counts[e.level1] = counts.get(e.level1, 0) + 1
    raw = [Fraction(weights.of(e.level1), counts[e.level1]) if _counts(e) else Fraction(0) for e in entries]
    total = Fraction(weights.budget) + sum(raw, Fraction(0))
    if total == 0:
        return Decimal(100), [Decimal(0) for _ in entries]
    shares = [Fraction(weights.budget), *raw]
    cents = _largest_remainder([s * 10000 / total for s in shares], 10000)
    out = [Decimal(c) * CENT for c in cents]
    return out[0], out[1:]


def _counts(e: Entry) -> bool:
    """An indicator that does not apply, or whose target is still blank, is dropped from the scoring."""
    return e.applies and not isinstance(e.target, Blank)


def _largest_remainder(exact: list[Fraction], whole: int) -> list[int]:
    floors = [int(x) for x in exact]
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[: whole - sum(floors)]:
        floors[i] += 1
    return floors


def _share(points: Decimal, share: Fraction) -> Decimal:
    capped = min(max(share, Fraction(0)), Fraction(1))
    return (points * Decimal(capped.numerator) / Decimal(capped.denominator)).quantize(CENT, ROUND_DOWN)


def _num(d: Decimal) -> str:
    return f"{d.normalize():f}"


def _ratio(op: Op, target: Decimal, actual: Decimal) -> tuple[Fraction, bool, str]:
    a, t = Fraction(actual), Fraction(target)
    if op in (Op.GE, Op.GT):
        met = a >= t if op is Op.GE else a > t
        return (Fraction(1) if t == 0 else a / t), met, "实际值÷目标值"
    if op in (Op.LE, Op.LT):
        met = a <= t if op is Op.LE else a < t
        return (Fraction(1) if a == 0 else t / a), met, "目标值÷实际值"
    share = Fraction(1) if a == t else (min(a, t) / max(a, t) if max(a, t) else Fraction(1))
    return share, a == t, "较小值÷较大值"


def score_entry(e: Entry, pts: Decimal) -> Scored:
    if not e.applies:
        return Scored(e.key, Decimal(0), Decimal(0), "不适用，不计分，其余指标分值按比例调整", None)
    t = e.target
    if isinstance(t, Blank):
        return Scored(e.key, Decimal(0), Decimal(0), "未设定指标值，不计分，其余指标分值按比例调整", None)
    if isinstance(t, Comparison | Deadline):
        if e.actual is None:
            return Scored(e.key, pts, Decimal(0), "尚无全年实际值，不得分", None)
        op, target, unit = (
            (t.op, t.number, t.unit) if isinstance(t, Comparison) else (Op.LE, Decimal(t.days), "天")
        )
        share, met, formula = _ratio(op, target, e.actual)
        s = _share(pts, share)
        how = (
            f"实际{_num(e.actual)}{unit}，目标{op.value}{_num(target)}{unit}，"
            f"{'已达成，得满分' if met and s == pts else f'{formula}×分值{_num(pts)}＝{_num(s)}（不超过分值）'}"
        )
        return Scored(e.key, pts, s, how, met)
    return _qualitative(e, t, pts)


def _qualitative(e: Entry, t: Qualitative, pts: Decimal) -> Scored:
    if t.rule is not Rule.REVIEWER and e.actual is not None and e.last_year is not None:
        met = e.actual >= e.last_year if t.rule is Rule.NOT_BELOW_LAST_YEAR else e.actual > e.last_year
        if met:
            return Scored(
                e.key, pts, pts, f"实际{_num(e.actual)}，上年{_num(e.last_year)}，{t.text}，得满分", True
            )
        share = Fraction(e.actual) / Fraction(e.last_year) if e.last_year else Fraction(0)
        s = _share(pts, share)
        return Scored(
            e.key,
            pts,
            s,
            f"实际{_num(e.actual)}，上年{_num(e.last_year)}，未{t.text}，按比例得{_num(s)}",
            False,
        )
    if e.judgement is None:
        return Scored(e.key, pts, Decimal(0), f"定性指标「{t.text}」待评审人判定，暂不得分", None)
    label, share = JUDGEMENTS[e.judgement]
    s = _share(pts, share)
    return Scored(
        e.key, pts, s, f"评审人判定「{label}」，得分＝分值{_num(pts)}×{share}＝{_num(s)}", share == 1
    )


def budget_score(budget: Decimal, spent: Decimal, pts: Decimal) -> Scored:
    if budget <= 0:
        return Scored(BUDGET, pts, Decimal(0), "全年预算数为零，不得分", None)
    rate = Fraction(spent) / Fraction(budget)
    s = _share(pts, rate)
    pct = (Decimal(rate.numerator) * 100 / Decimal(rate.denominator)).quantize(CENT)
    capped = "（执行率超过100%，以分值封顶）" if rate > 1 else ""
    how = f"执行率＝{_num(spent)}÷{_num(budget)}＝{pct}%，得分＝分值{_num(pts)}×执行率＝{_num(s)}{capped}"
    return Scored(BUDGET, pts, s, how, rate >= 1)


def evaluate(
    entries: Sequence[Entry], budget: Decimal, spent: Decimal, weights: Weights = Weights()
) -> Evaluation:
    budget_pts, pts = points(entries, weights)
    lines = tuple(score_entry(e, p) for e, p in zip(entries, pts, strict=True))
    b = budget_score(budget, spent, budget_pts)
    total = b.score + sum((x.score for x in lines), Decimal(0))
    notes = tuple(f"{x.key}：{x.how}" for x in lines if x.met is None and x.points)
    return Evaluation(b, lines, total, grade(total), notes)
