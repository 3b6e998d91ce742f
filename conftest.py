import pytest

from summitcms.pytest_plugin import CHROMIUM, CHROMIUM_ARGS


# Here rather than in the plugin: a conftest fixture overrides pytest-playwright's.
@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The production hasher takes half a second on purpose; tests make many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
