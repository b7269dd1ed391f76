import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "n0t-the-demo-key-7Qv2xR9pL4mZ8wK1bT6yH3jD5sF0gA-cE7uN",
    "ALLOWED_HOSTS": "desk.example.com",
    "EMAIL_HOST": "smtp.example.com",
    "DATABASE_URL": "sqlite:///:memory:",
}


def check_deploy(extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in PRODUCTION}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env | extra,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checks():
    result = check_deploy(PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def without(name: str) -> dict[str, str]:
    return {key: value for key, value in PRODUCTION.items() if key != name}


def secret_key(var_dir: Path) -> str:
    env = {key: value for key, value in os.environ.items() if key not in PRODUCTION}
    result = subprocess.run(
        [sys.executable, "-c", "from config import settings; print(settings.SECRET_KEY)"],
        cwd=ROOT,
        env=env | without("SECRET_KEY") | {"SELLERDESK_VAR_DIR": str(var_dir)},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout.strip()


def test_without_a_key_each_installation_makes_its_own_and_keeps_it(tmp_path: Path):
    first, second = tmp_path / "one", tmp_path / "two"

    keys = [secret_key(first), secret_key(first), secret_key(second)]

    assert keys[0] == keys[1] != keys[2]
    assert all(len(key) >= 50 for key in keys)
    assert (first / "secret_key").stat().st_mode & 0o777 == 0o600
    assert not list(first.glob(".secret_key.*"))


def test_a_published_or_short_key_refuses_to_start_in_production():
    published = "django-insecure-demo-key-set-SECRET_KEY-in-production-8c1f0e5b9d2a"

    results = [
        check_deploy(without("SECRET_KEY") | {"SECRET_KEY": key}) for key in (published, "short")
    ]

    for result in results:
        assert result.returncode != 0
        assert "ImproperlyConfigured: SECRET_KEY is too short or marked insecure" in result.stderr
