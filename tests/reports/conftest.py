from tests.api.conftest import media_root  # noqa: F401 (documents of each test in its own directory)
