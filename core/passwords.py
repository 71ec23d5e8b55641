"""Password rules beyond Django's: letters and digits mixed; not the username or mobile."""

import re

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from . import personal_data


class LettersAndDigitsValidator:
    def validate(self, password: str, user=None) -> None:
        if not (re.search(r"[A-Za-z]", password) and re.search(r"\d", password)):
            raise ValidationError("密码必须同时包含字母和数字。", code="password_letters_digits")

    def get_help_text(self) -> str:
        return "密码必须同时包含字母和数字。"


class NotUsernameOrMobileValidator:
    """The password may not contain the username or the portal account's mobile number."""

    def validate(self, password: str, user=None) -> None:
        if user is None:
            return
        lowered = password.lower()
        username = (user.get_username() or "").lower()
        if username and len(username) >= 3 and username in lowered:
            raise ValidationError("密码不能包含用户名。", code="password_has_username")
        account = getattr(user, "portal_account", None) if user.pk else None
        mobile = personal_data.phone_plain(account, "mobile") if account else ""
        if mobile and (mobile in password or mobile[-8:] in password):
            raise ValidationError("密码不能包含手机号码。", code="password_has_mobile")

    def get_help_text(self) -> str:
        return "密码不能包含用户名或手机号码。"


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's rule with its message in Chinese (its zh-hans catalogue lacks this plural)."""

    def validate(self, password: str, user=None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                "密码太短：至少需要%(min_length)d个字符。",
                code="password_too_short",
                params={"min_length": self.min_length},
            )

    def get_help_text(self) -> str:
        return f"密码至少需要{self.min_length}个字符。"
