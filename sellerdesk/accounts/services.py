from sellerdesk.accounts.models import User
from sellerdesk.core.errors import InvalidInput


def user_set_language(*, user: User, language: str) -> None:
    if language not in User.Language.values:
        raise InvalidInput("Unknown language.", code="invalid_language")
    user.language = language
    user.save(update_fields=["language"])
