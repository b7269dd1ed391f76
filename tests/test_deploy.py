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


def test_the_demo_secret_key_is_flagged_in_production():
    result = check_deploy({key: v for key, v in PRODUCTION.items() if key != "SECRET_KEY"})

    assert result.returncode != 0
    assert "security.W009" in result.stderr
