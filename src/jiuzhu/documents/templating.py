"""The body text of a notice template: Django's template language, restricted to what a text needs.

Only variables listed in ``VARIABLES`` and a few harmless tags and filters are allowed; anything else (an
unknown variable, ``{% include %}``, ``{% load %}``) is refused when the template is saved, with a message in
Chinese. An unknown variable would otherwise print as nothing — exactly the blank 「安排补助资金 万元」 the
checker looks for.
"""

import re
from collections.abc import Callable
from typing import Any

from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import FilterExpression, Node, TextNode, VariableNode
from django.template.defaulttags import ForNode, IfNode

#: variable → what it prints, shown on the template page.
VARIABLES: dict[str, str] = {
    "doc_no": "文号，如 塔地财社〔2022〕82号",
    "title": "标题",
    "year": "资金年度，如 2022",
    "doc_date": "成文日期，如 2022年10月31日",
    "fund_name": "资金名称，如 困难群众救助补助资金",
    "source": "资金来源层级，如 自治区",
    "income_code": "收入分类科目编码，如 1100248",
    "income_name": "收入分类科目名称",
    "expenditure_code": "支出功能分类科目编码，如 2089999",
    "expenditure_name": "支出功能分类科目名称",
    "tag": "直达资金标识，如 01 自治区直达资金",
    "purposes": "支出方向，以顿号连接",
    "total": "调整后（或下达）合计，万元，如 413",
    "total_daxie": "合计的大写金额，如 肆佰壹拾叁万元整",
    "base_total": "原下达合计（第1栏），万元",
    "decrease_total": "调减合计（第2栏），万元",
    "increase_total": "调增合计（第3栏），万元",
    "net_total": "调整数合计（第4栏），万元",
    "region_count": "分配的地区个数",
    "attachments": "附件标题列表（可用 {% for a in attachments %}）",
    "attachment_count": "附件个数",
    "rows": "各地区分配数列表，每项有 name、final（万元）",
}
ALLOWED_TAGS = {"if", "for", "with", "comment", "firstof", "cycle", "now", "spaceless", "templatetag"}
ALLOWED_FILTERS = {
    "default",
    "join",
    "length",
    "add",
    "first",
    "last",
    "cut",
    "floatformat",
    "slice",
    "stringformat",
    "yesno",
    "linebreaksbr",
    "striptags",
}

_engine = Engine(
    autoescape=False, libraries={}, builtins=["django.template.defaulttags", "django.template.defaultfilters"]
)


class TemplateProblem(ValueError):
    """A template that cannot be used; ``str()`` is a message in Chinese."""


_TAG_NAME = re.compile(r"{%-?\s*(\w+)")
_CLOSERS = {"else", "elif", "empty", "endif", "endfor", "endwith", "endcomment", "endspaceless"}


#: Django's syntax errors (English) → what a clerk reads; anything else gets the general hint.
_SYNTAX: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(r"Unclosed tag on line (\d+): '(\w+)'\. Looking for one of: ([\w, ]+)\."),
        lambda m: f"第{m[1]}行的“{{% {m[2]} %}}”没有结束标记（应有“{{% {m[3].split(',')[-1].strip()} %}}”）",
    ),
    (
        re.compile(r"Invalid block tag on line (\d+): '(\w+)'"),
        lambda m: f"第{m[1]}行的“{{% {m[2]} %}}”多余或位置不对（请检查是否与开始标记成对）",
    ),
    (
        re.compile(r"Could not parse the remainder: '(.*)' from '(.*)'"),
        lambda m: f"变量“{m[2]}”的写法不对（无法识别其中的“{m[1]}”）",
    ),
    (re.compile(r"Empty variable tag"), lambda m: "有空的变量标记“{{ }}”，请填写变量名或删除"),
    (re.compile(r"Invalid filter: '(\w+)'"), lambda m: f"模板中不允许使用过滤器“{m[1]}”"),
]


def syntax_message(english: str) -> str:
    """A Django template syntax error in the clerk's words."""
    for pattern, say in _SYNTAX:
        found = pattern.search(english)
        if found:
            return f"模板写法有误：{say(found)}"
    return "模板写法有误：请检查“{% %}”标记是否成对、变量名是否拼写正确"


def compile_body(source: str) -> Any:
    """The compiled template, or TemplateProblem naming what is wrong."""
    for tag in _TAG_NAME.findall(source):
        if tag not in ALLOWED_TAGS | _CLOSERS:
            raise TemplateProblem(f"模板中不允许使用标签“{{% {tag} %}}”")
    try:
        template = _engine.from_string(source)
    except TemplateSyntaxError as exc:
        raise TemplateProblem(syntax_message(str(exc))) from exc
    _check_nodes(template.nodelist)
    return template


def _check_nodes(nodelist: Any, loop_names: frozenset[str] = frozenset()) -> None:
    for node in nodelist:
        _check_node(node, loop_names)


def _check_node(node: Node, loop_names: frozenset[str]) -> None:
    if isinstance(node, TextNode) and ("{{" in node.s or "{%" in node.s):
        raise TemplateProblem("模板中有未闭合的“{{”或“{%”标记")
    token = getattr(node, "token", None)
    tag = token.split_contents()[0] if token is not None and token.token_type.name == "BLOCK" else None
    if tag is not None and tag not in ALLOWED_TAGS:
        raise TemplateProblem(f"模板中不允许使用标签“{{% {tag} %}}”")
    if isinstance(node, VariableNode):
        _check_expression(node.filter_expression, loop_names)
    if isinstance(node, IfNode):
        for condition, _ in node.conditions_nodelists:
            for var in _condition_vars(condition):
                _check_expression(var, loop_names)
    names = loop_names
    if isinstance(node, ForNode) and isinstance(node.sequence, FilterExpression):
        _check_expression(node.sequence, loop_names)
        names = loop_names | set(node.loopvars) | {"forloop"}
    if hasattr(node, "extra_context"):  # {% with %}
        for expr in node.extra_context.values():
            _check_expression(expr, loop_names)
        names = names | set(node.extra_context)
    for attr in getattr(node, "child_nodelists", ()):
        _check_nodes(getattr(node, attr, None) or [], frozenset(names))
    if isinstance(node, IfNode):
        for _, nodelist in node.conditions_nodelists:
            _check_nodes(nodelist, frozenset(names))


def _condition_vars(condition: Any) -> list[FilterExpression]:
    if condition is None:
        return []
    if hasattr(condition, "value"):  # a TemplateLiteral wraps one expression
        return [condition.value] if isinstance(condition.value, FilterExpression) else []
    first, second = getattr(condition, "first", None), getattr(condition, "second", None)
    return [*_condition_vars(first), *_condition_vars(second)]


def _check_expression(expr: FilterExpression, loop_names: frozenset[str]) -> None:
    var = getattr(expr.var, "var", None)
    if isinstance(var, str):
        root = var.split(".")[0]
        if root not in VARIABLES and root not in loop_names:
            raise TemplateProblem(f"未知的变量“{{{{ {var} }}}}”（可用变量见下表）")
        if "._" in var or var.startswith("_"):
            raise TemplateProblem(f"变量“{var}”不可用")
    for func, _ in expr.filters:
        name = getattr(func, "_filter_name", func.__name__)
        if name not in ALLOWED_FILTERS:
            raise TemplateProblem(f"模板中不允许使用过滤器“{name}”")


def render_body(source: str, context: dict[str, Any]) -> str:
    return str(compile_body(source).render(Context(context, autoescape=False)))
