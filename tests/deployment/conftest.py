from tests.e2e.conftest import browser  # noqa: F401 (headless Chromium, as the browser tests have it)
