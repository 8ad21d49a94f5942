"""Accessibility checks for every page the browser tests open.

`CheckedPage` is the Playwright page the `page` fixture hands out. Whenever a document
finishes loading (goto, a followed link, a submitted form), the next use of the page first
runs axe-core on it, with the WCAG 2.1 A and AA rules, plus a check that every
`aria-describedby` / `aria-labelledby` points at an element that exists (axe only lists those
"for review"). The state the test leaves the page in is checked too (see conftest.py). Any
finding raises `AccessibilityViolations`, which names the page, rule, impact, elements and
the rule's help page.

axe-core comes from the axe-playwright-python wheel (no network). It is evaluated through
the DevTools protocol, which the page's Content-Security-Policy does not govern, so the
strict CSP of the real pages stays on while they are checked.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

WCAG_21_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_21_A_AA}, "resultTypes": ["violations"]}

# Runs in the page: ids that aria-describedby / aria-labelledby name but the page does not have.
BROKEN_ID_REFERENCES = """() => {
  const broken = [];
  for (const attr of ["aria-describedby", "aria-labelledby"]) {
    for (const el of document.querySelectorAll(`[${attr}]`)) {
      const missing = el.getAttribute(attr).split(/\\s+/).filter(id => id && !document.getElementById(id));
      if (missing.length) broken.push({attr, missing, html: el.outerHTML.slice(0, 160),
                                       target: el.id ? `#${el.id}` : el.tagName.toLowerCase()});
    }
  }
  return broken;
}"""

# Playwright reports these when the page navigates while we look at it; that document is gone
# and the one replacing it is checked when it has loaded.
NAVIGATED_AWAY = ("Execution context was destroyed", "Target page, context or browser has been closed")

_axe = Axe()


@dataclass
class Stats:
    """Printed at the end of the test run (conftest.py), so the cost of the checks stays visible."""

    checked: int = 0
    same_markup: int = 0
    axe_seconds: float = 0.0


STATS = Stats()
_passed_documents: set[str] = set()  # fingerprints of markup that passed, for this test session
CSRF_VALUE = re.compile(r'(?<=name="csrfmiddlewaretoken" value=")[^"]*')


class AccessibilityViolations(AssertionError):
    def __init__(self, url: str, findings: list[str]):
        self.url = url
        self.findings = findings
        super().__init__(f"{len(findings)} accessibility violation(s) on {url}:\n" + "\n".join(findings))


def format_axe_violation(violation: dict) -> str:
    lines = [f"- {violation['id']} ({violation['impact']}): {violation['help']} — {violation['helpUrl']}"]
    for node in violation["nodes"][:5]:
        checks = node["all"] + node["none"] + node["any"]
        lines.append(f"    {' '.join(node['target'])}: {checks[0]['message'] if checks else node['html'][:160]}")
    if len(violation["nodes"]) > 5:
        lines.append(f"    … and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


def check_accessibility(page: Page) -> list[str]:
    """Findings (readable lines) for the document now in `page`; empty when it passes."""
    broken = page.evaluate(BROKEN_ID_REFERENCES)
    violations = _axe.run(page, options=AXE_OPTIONS).response["violations"]
    findings = [format_axe_violation(v) for v in violations]
    findings += [
        f"- broken-idref (serious): {b['attr']} names missing id(s) {', '.join(b['missing'])}\n    {b['target']}: {b['html']}"
        for b in broken
    ]
    return findings


class CheckedPage(Page):
    """A Playwright page that checks each loaded document before the test uses the page again."""

    def __init__(self, page: Page):
        super().__init__(page._impl_obj)
        self._a11y_enabled = True
        self._a11y_busy = False
        self._a11y_pending = False
        self._a11y_checked_urls: list[str] = []
        page.on("load", self._a11y_document_loaded)

    def disable_accessibility_checks(self) -> None:
        self._a11y_enabled = False

    def _a11y_document_loaded(self, _page) -> None:
        self._a11y_pending = True

    def __getattribute__(self, name: str):
        __tracebackhide__ = True
        if not name.startswith("_") and object.__getattribute__(self, "_a11y_pending"):
            object.__getattribute__(self, "check_loaded_document")()
        return super().__getattribute__(name)

    def check_loaded_document(self) -> None:
        """Check the document in the page now, if it has loaded; conftest.py also calls this when a test ends."""
        __tracebackhide__ = True
        if self._a11y_busy or not self._a11y_enabled:
            return
        self._a11y_pending = False
        self._a11y_busy = True
        try:
            ready, content_type, html = self.evaluate(
                "() => [document.readyState, document.contentType, document.documentElement.outerHTML]"
            )
            # A document still loading fires its own load event; non-HTML (JSON, PDF) is not ours to check.
            if ready != "complete" or content_type != "text/html":
                return
            # The same markup (every test's login page, a final state nobody changed) passes the same way.
            fingerprint = hashlib.sha256(CSRF_VALUE.sub("", html).encode()).hexdigest()
            STATS.checked += 1
            if fingerprint in _passed_documents:
                STATS.same_markup += 1
                findings = []
            else:
                started = time.perf_counter()
                findings = check_accessibility(self)
                STATS.axe_seconds += time.perf_counter() - started
            self._a11y_checked_urls.append(self.url)
        except PlaywrightError as error:
            if any(text in str(error) for text in NAVIGATED_AWAY):
                return
            raise
        finally:
            self._a11y_busy = False
        if findings:
            raise AccessibilityViolations(self.url, findings)
        _passed_documents.add(fingerprint)

    @property
    def checked_urls(self) -> list[str]:
        """Every document checked so far, in order (after checking one that is waiting)."""
        return list(self._a11y_checked_urls)
