"""The password rules beyond Django's: not the username, not the current password, not the demo password.

The demo loads its users with the shared demo password through ``core.demo.load_users``, which sets the hash
directly (the validators are for people choosing a password); so `make run`'s logins keep working while nobody
can choose the demo password for a real account.
"""

from typing import Any

from django.core.exceptions import ValidationError

#: The password every demo account has (README); known to everyone who read the README, so never a real one.
DEMO_PASSWORD = "Jiuzhu@2022"  # noqa: S105 (the published demo password, refused here)


class JiuzhuPasswordValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if password == DEMO_PASSWORD:
            raise ValidationError("不能使用演示密码，请另设一个密码", code="demo_password")
        username = getattr(user, "username", "") or ""
        if username and password.casefold() == username.casefold():
            raise ValidationError("密码不能与用户名相同", code="password_is_username")
        if user is not None and getattr(user, "pk", None) and user.password and user.check_password(password):
            raise ValidationError("新密码不能与当前密码相同", code="password_unchanged")

    def get_help_text(self) -> str:
        return "密码不能与用户名相同，不能是当前密码，也不能是演示密码。"
