from jiuzhu.domain.problems import Problem


class ActionRefused(Exception):
    """A write the rules do not allow; ``str()`` is the user's message in Chinese."""


class InvalidInput(Exception):
    """Input with problems; nothing was saved. ``problems`` lists every one."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("；".join(str(p) for p in problems))
        self.problems = problems
