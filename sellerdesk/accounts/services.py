from sellerdesk.accounts.models import User
from sellerdesk.core.errors import ErrorCode, InvalidInput


def user_set_language(*, user: User, language: str) -> None:
    if language not in User.Language.values:
        raise InvalidInput("Unknown language.", code=ErrorCode.INVALID_LANGUAGE)
    user.language = language
    user.save(update_fields=["language"])
