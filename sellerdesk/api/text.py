"""Text fields whose grammar the OpenAPI schema states: the schema's pattern and the check are
the same regular expression, so that a value is refused exactly when the schema says it is
not valid, with a message that says what is expected instead of repeating the expression."""

import re
from dataclasses import dataclass
from typing import Any

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

# RFC 9110: a media type is type "/" subtype *( OWS ";" OWS parameter ), and a parameter's value
# is a token or a quoted string. Only ASCII: a header value is sent as bytes.
_TCHARS = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_QUOTED_STRING = r'"(?:[\t !#-\[\]-~]|\\[\t -~])*"'
_PARAMETERS = rf"(?:[ \t]*;[ \t]*{_TCHARS}=(?:{_TCHARS}|{_QUOTED_STRING}))*"


@dataclass(frozen=True)
class Matching:
    """Metadata of a string type, `Annotated[str, Matching(pattern, message=...)]`: the schema
    constrains it by `pattern` (the whole value), and a value that does not match is refused
    with `message`."""

    pattern: str
    message: str

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        compiled = re.compile(self.pattern)

        def check(value: str) -> str:
            if compiled.fullmatch(value) is None:
                raise ValueError(self.message)
            return value

        return core_schema.no_info_after_validator_function(check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {**handler(schema), "pattern": f"^(?:{self.pattern})$"}


def media_type_pattern(media_types: list[str]) -> str:
    """A media type, one of `media_types` (type and subtype in any case, as RFC 9110 compares
    them), with any parameters such as `; charset=UTF-8`."""
    return f"(?:{'|'.join(_caseless(kind) for kind in media_types)}){_PARAMETERS}"


def _caseless(literal: str) -> str:
    # Spelled out per letter: JSON Schema's regular expressions have no case-insensitive flag.
    # The names hold letters, digits, "/", "-" and "."; only "." means more than itself.
    return "".join(
        f"[{char.lower()}{char.upper()}]" if char.isalpha() else char.replace(".", r"\.")
        for char in literal
    )
