"""The 一卡通 supervision rules (第五条 行业监督): payouts cross-checked against the reference lists, the
verification calls that found a problem, and complaints past their deadline. Same shape as
``monitoring_rules.RULES`` (which makes ``Rule``s of these); their SQL is in ``jiuzhu.cards.queries``.

Each is (code, severity, title, message, what, why, threshold), the fields of ``monitoring_rules.Rule``.
"""

from .findings import Severity

R, Y = Severity.RED, Severity.YELLOW
RuleSpec = tuple[str, Severity, str, str, str, str, str]

CARD_RULES: tuple[RuleSpec, ...] = (
    (
        "payout_after_death",
        R,
        "死亡后仍在发放",
        "{per_name}（{iden_no}）据{list_region}死亡人员名单（第{list_version}版）第{list_row}行于{event_date}死亡，其后仍发放{count}次"
        "（{first_month}至{last_month}月，凭证{pay_cert_no}等），实发合计{total_fen}元",
        "发放月份晚于死亡月份的发放记录（与本地区及上级导入的最新死亡人员名单比对，按证件号码）。",
        "审计常见问题：已死亡人员未及时停发，与殡葬火化、公安户籍注销信息比对可发现。",
        "死亡次月起的任何发放",
    ),
    (
        "payout_to_employee",
        R,
        "财政供养人员领取低保或特困供养",
        "{per_name}（{iden_no}）据{list_region}财政供养人员名单（第{list_version}版）第{list_row}行在{employer}供职（{event_date}起），"
        "同期领取{purpose}{count}次（{first_month}至{last_month}月），实发合计{total_fen}元",
        "低保、特困供养发放记录的月份落在该人员财政供养期间内（与最新财政供养人员名单比对）。",
        "财政供养人员及其家庭一般不符合低保、特困供养条件，审计屡有发现。",
        "供养期间内的任何低保、特困发放",
    ),
    (
        "payout_in_prison",
        Y,
        "服刑期间领取救助",
        "{per_name}（{iden_no}）据{list_region}服刑人员名单（第{list_version}版）第{list_row}行自{event_date}起服刑，"
        "同期领取{purpose}{count}次（{first_month}至{last_month}月），实发合计{total_fen}元",
        "低保、特困供养发放记录的月份落在服刑期间内（与最新服刑人员名单比对）。",
        "服刑期间由监狱保障基本生活，一般应停发低保、特困供养金。",
        "服刑期间内的任何低保、特困发放",
    ),
    (
        "payout_after_stop",
        R,
        "停发后仍在发放",
        "{per_name}（{iden_no}）已按{doc_no}自{stop_month}起停发（{reason}，{list_region}停发名单第{list_version}版第{list_row}行），其后仍发放{purpose}{count}次"
        "（{first_month}至{last_month}月），实发合计{total_fen}元",
        "停发决定所列人员在停发月份及以后是否仍有发放（停发决定写明支出方向的只查该方向）。",
        "停发决定未执行，资金继续发放属于违规发放，须追回。",
        "停发月份起的任何发放",
    ),
    (
        "payout_two_counties",
        Y,
        "同月在两个县（市）领取不同救助",
        "{iden_no}在{month}月同时在{counties}个县（市）领取不同类别的救助，本县（市）实发{total_fen}元",
        "同一证件号码、同一月份在两个以上县（市）有发放，且支出方向不同（同一方向的见“重复发放（跨县）”）。",
        "一人多地登记、借用身份证申领，须由各县核实户籍和居住地。",
        "2个县（市）及以上",
    ),
    (
        "verification_failed",
        R,
        "回访核查发现问题",
        "{per_name}（{iden_no}）{month}月{purpose}实发{paid_fen}元，{verified_on}{method}回访结果：{outcome}"
        "（核查人{verifier}）{note}",
        "回访核查抽中的人员，核查结果为未收到、金额不符或查无此人。",
        "资金是否真正到人到户，须向受益人核实；未收到或查无此人可能是截留、冒领。",
        "任一条核查结果为未收到、金额不符、查无此人",
    ),
    (
        "complaint_overdue",
        Y,
        "投诉举报超期未办结",
        "{received_on}收到的投诉举报（{channel}，编号{complaint_id}）应于{due_on}前答复，已超期{days}天：{summary}",
        "已受理、尚未答复的投诉举报，超过答复期限。",
        "投诉举报须在规定期限内核实答复，逾期未办是督办的重点。",
        "超过答复期限（设置 complaint_days，默认15个工作日）",
    ),
)
