"""Every variable the settings read is documented in .env.example and in the README."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def variables_read_by_settings() -> set[str]:
    source = (ROOT / "zhouqu_jiazheng" / "settings.py").read_text()
    return set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', source))


def test_settings_read_the_variables_we_expect():
    assert {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "SECRET_KEY", "DEBUG"} <= (
        variables_read_by_settings()
    )


def test_every_variable_is_in_env_example():
    example = (ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^([A-Z_]+)=", example, flags=re.MULTILINE))
    assert variables_read_by_settings() - documented == set()


def test_every_variable_is_in_the_readme_table():
    readme = (ROOT / "README.md").read_text()
    in_table = set(re.findall(r"^\| `([A-Z_]+)` \|", readme, flags=re.MULTILINE))
    assert variables_read_by_settings() - in_table == set()
