def pytest_terminal_summary(terminalreporter):
    """The API fuzz's figure: how many requests it made, per role."""
    import sys

    fuzz = sys.modules.get("tests.foundation.test_api_fuzz")
    if fuzz and any(fuzz.REQUESTS.values()):
        figures = ", ".join(f"{role} {count}" for role, count in fuzz.REQUESTS.items())
        terminalreporter.write_line(f"API fuzz: {sum(fuzz.REQUESTS.values())} requests ({figures})")
