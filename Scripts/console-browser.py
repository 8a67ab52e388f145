#!/usr/bin/env python3
"""Drives certify's web console in headless Chromium as its people would, and screenshots it.

A publisher signs in and uploads a connector; a reviewer finds it in the queue, comments on a
finding, accepts a warning and requests changes; the publisher uploads a revision; the reviewer
compares the two revisions, approves and certifies; an admin runs a re-certification and watches
it finish, then creates and revokes a token. One browser, signed out between people.

Every page visited is saved as OUTDIR/NN-name.png (full page), plus a 390 px wide view of the
queue and of a submission. Every page is checked for resources from another origin. A failed
step prints its name, the URL and the page's text, saves OUTDIR/failure.png and exits 1.

Nothing is read from a page before it has loaded: after a click, the next document must have
replaced the old one (a form's 303 redirect included); a read that a navigation or a page's own
reload (<meta http-equiv=refresh>, while a run is going) interrupts is made again, from a fresh
find; a page that reloads itself is waited on by reading it whole each time, its forms are used
only once it has stopped, and for its screenshot its reload is stopped (it is reloaded after).

Run by Scripts/console-browser.sh, which starts the server and makes the tokens and packages.
Needs selenium 4, chromium and chromedriver; nothing else beyond the standard library.
"""

import argparse
import base64
import contextlib
import datetime
import math
import os
import re
import shutil
import signal
import sys
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import (NoAlertPresentException, StaleElementReferenceException, TimeoutException,
                                        WebDriverException)
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

TIMEOUT = 30  # seconds for any one element or page to appear
CHECKS_TIMEOUT = 90  # seconds for a pipeline run to leave submitted/checking
RECERTIFICATION_TIMEOUT = 120  # seconds for a re-certification batch to finish
NARROW_WIDTH = 390  # a phone's width in CSS pixels
READ_ATTEMPTS = 8  # tries of a read that a navigation or a page's own reload interrupts
READ_PAUSE = 0.25  # seconds between those tries

# What chromedriver says when an element, or the document a command ran in, was replaced by the
# next page: after a form's 303 redirect, or when a page reloads itself (<meta http-equiv=refresh>).
# The first four mean the element's document is gone; the others that a navigation is under way.
GONE_MESSAGES = ("stale", "does not belong to the document", "no node with given id", "node is detached")
NAVIGATING_MESSAGES = ("execution context was destroyed", "cannot find context with specified id",
                       "inspected target navigated or closed", "cannot determine loading status")

STATES = ("submitted", "checking", "changes-required", "awaiting-review", "in-review", "approved",
          "rejected", "certified", "withdrawn", "recertification-failed")
STATE_PATTERN = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, STATES)) + r")(?![\w-])")

# Every URL a page loads or names in <link>, <script src>, <img src> (and the like) that is not
# of the page's own origin; data: URLs are inline, not fetched from elsewhere.
FOREIGN_RESOURCES_JS = """
const foreign = [];
const check = (kind, url) => {
  if (!url) return;
  let parsed;
  try { parsed = new URL(url, document.baseURI); } catch (e) { foreign.push(kind + ' ' + url); return; }
  if (parsed.protocol === 'data:') return;
  if (parsed.origin !== location.origin) foreign.push(kind + ' ' + url);
};
for (const [selector, attribute] of [['link[href]', 'href'], ['script[src]', 'src'], ['img[src]', 'src'],
    ['img[srcset]', 'srcset'], ['source[src]', 'src'], ['iframe[src]', 'src'], ['video[src]', 'src'],
    ['audio[src]', 'src'], ['object[data]', 'data'], ['embed[src]', 'src']]) {
  for (const element of document.querySelectorAll(selector)) {
    const value = element.getAttribute(attribute);
    if (attribute === 'srcset') value.split(',').forEach(part => check('img srcset', part.trim().split(/\\s+/)[0]));
    else check(selector.split('[')[0], value);
  }
}
for (const entry of performance.getEntriesByType('resource')) check('loaded', entry.name);
return foreign;
"""


def message_of(error):
    return str(getattr(error, "msg", None) or error).lower()


def element_gone(error):
    """Whether error says an element's document has been replaced (so the element is stale)."""
    return isinstance(error, StaleElementReferenceException) or (
        isinstance(error, WebDriverException) and any(part in message_of(error) for part in GONE_MESSAGES))


def transient(error):
    """Whether error comes from reading a page while it is replaced, so that reading it again helps."""
    return element_gone(error) or (
        isinstance(error, WebDriverException) and any(part in message_of(error) for part in NAVIGATING_MESSAGES))


# One page's identity and state, read at once: a document is the same document exactly when its
# performance.timeOrigin is (a reload, even of the same URL, is a new document).
PAGE_STATUS_JS = """
const element = arguments[0] ? document.querySelector(arguments[0]) : null;
return {
  document: String(performance.timeOrigin),
  ready: document.readyState,
  refreshes: document.querySelector('meta[http-equiv="refresh" i]') !== null,
  text: element ? element.innerText : null,
  attribute: element && arguments[1] ? element.getAttribute(arguments[1]) : null,
};
"""


def css_string(value):
    """value as a quoted CSS string, for attribute selectors."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Lets urllib report a redirect's status instead of following it."""

    def redirect_request(self, *args, **kwargs):
        return None


class Console:
    def __init__(self, args):
        self.base = args.base_url.rstrip("/")
        self.outdir = os.path.abspath(args.outdir)
        os.makedirs(self.outdir, exist_ok=True)
        for name in os.listdir(self.outdir):  # the screenshots of an earlier run
            if re.fullmatch(r"\d\d-[\w-]+\.png|failure\.png", name):
                os.remove(os.path.join(self.outdir, name))
        self.shots = 0
        self.retries = 0  # reads made again because a navigation or a reload replaced the page
        self.driver = self.start_browser()

    # ---- the browser -------------------------------------------------------------------------

    @staticmethod
    def start_browser():
        options = Options()
        options.binary_location = shutil.which("chromium")
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000"):
            options.add_argument(argument)
        return webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver")), options=options)

    def quit(self):
        """Ends the browser; any of its processes still there afterwards (as when chromedriver no
        longer answers) are killed, by the ids they had under this run's chromedriver."""
        processes = []
        with contextlib.suppress(Exception):
            processes = descendants(self.driver.service.process.pid)
        with contextlib.suppress(Exception):
            self.driver.quit()
        for pid in processes:
            with contextlib.suppress(OSError):
                with open(f"/proc/{pid}/cmdline", "rb") as file:
                    if b"chrom" in file.read():  # still a browser process, not an id used again
                        os.kill(pid, signal.SIGKILL)

    # ---- steps and failures -------------------------------------------------------------------

    @contextlib.contextmanager
    def step(self, description):
        """A step of the scenario: any exception in it fails the run, saying where."""
        print(f"- {description}", flush=True)
        try:
            yield
        except Exception as error:  # noqa: BLE001 - every failure is reported the same way
            self.fail(description, error)

    def fail(self, description, error):
        with contextlib.suppress(Exception):  # a browser that no longer answers delays the report little
            self.driver.command_executor._client_config.timeout = 15
        message = str(error).strip() or type(error).__name__
        if hasattr(error, "msg") and error.msg:
            message = error.msg
        print(f"console-browser: FAILED at step: {description}", file=sys.stderr)
        print(f"  error: {type(error).__name__}: {message.splitlines()[0] if message else ''}", file=sys.stderr)
        for line in message.splitlines()[1:8]:
            print(f"         {line}", file=sys.stderr)
        here = [f"{frame.lineno} {frame.name}" for frame in traceback.extract_tb(error.__traceback__)
                if frame.filename == __file__ and frame.name != "step"]
        if here:
            print(f"  at {os.path.basename(__file__)} line " + " < line ".join(reversed(here)), file=sys.stderr)
        with contextlib.suppress(Exception):
            print(f"  url: {self.driver.current_url}", file=sys.stderr)
        with contextlib.suppress(Exception):
            text = self.driver.find_element(By.TAG_NAME, "body").text
            print("  page text (first 2000 characters):", file=sys.stderr)
            print("    " + text[:2000].replace("\n", "\n    "), file=sys.stderr)
        with contextlib.suppress(Exception):
            path = os.path.join(self.outdir, "failure.png")
            self.stop_reloading()
            self.capture(path)
            print(f"  screenshot: {path}", file=sys.stderr)
        self.quit()
        sys.exit(1)

    # ---- finding things ----------------------------------------------------------------------

    def url(self, path):
        return self.base + path

    def path(self):
        return urllib.parse.urlparse(self.driver.current_url).path

    def query(self):
        return urllib.parse.parse_qs(urllib.parse.urlparse(self.driver.current_url).query)

    def wait_until(self, condition, message, timeout=TIMEOUT):
        """Waits until condition() is true; a condition interrupted by a navigation counts as false."""
        def attempt(_driver):
            try:
                return condition()
            except WebDriverException as error:
                if transient(error):
                    return False
                raise
        return WebDriverWait(self.driver, timeout).until(attempt, message=message)

    def retry(self, read, attempts=READ_ATTEMPTS):
        """read(), tried again (after the page has loaded) while a navigation or a reload interrupts it.

        read must find what it reads afresh each time: an element found before the interruption
        stays stale. Anything else it raises (a failed assertion, a missing element) is not retried.
        """
        for attempt in range(1, attempts + 1):
            try:
                return read()
            except WebDriverException as error:
                if attempt == attempts or not transient(error):
                    raise
            self.retries += 1
            time.sleep(READ_PAUSE)
            with contextlib.suppress(TimeoutException):
                self.wait_loaded()

    def wait_loaded(self, timeout=TIMEOUT):
        """Waits until the current document has finished loading."""
        self.wait_until(lambda: self.driver.execute_script("return document.readyState") == "complete",
                        "the page did not finish loading", timeout)

    def status(self, css=None, attribute=None):
        """The page's identity, readyState, whether it reloads itself, and css's text and attribute."""
        return self.retry(lambda: self.driver.execute_script(PAGE_STATUS_JS, css, attribute))

    def is_stale(self, element):
        """Whether element's document has been replaced by another."""
        try:
            element.is_enabled()
            return False
        except WebDriverException as error:
            if element_gone(error):
                return True
            if transient(error):  # a navigation is under way: not gone yet, ask again
                return False
            raise

    def find(self, css, within=None):
        """The first element matching css (waiting for it to appear).

        Within the document, a search a navigation interrupts is simply made again; within an
        element, that element going stale is raised, for a retry() around it to find it afresh.
        """
        def attempt():
            try:
                return next(iter((within or self.driver).find_elements(By.CSS_SELECTOR, css)), None)
            except WebDriverException as error:
                if within is None and transient(error):
                    return None
                raise
        return WebDriverWait(self.driver, TIMEOUT).until(
            lambda driver: attempt(), message=f"nothing matches {css!r} within {TIMEOUT} s")

    def find_all(self, css, within=None):
        if within is not None:
            return within.find_elements(By.CSS_SELECTOR, css)
        return self.retry(lambda: self.driver.find_elements(By.CSS_SELECTOR, css))

    def exists(self, css, within=None):
        return bool(self.find_all(css, within))

    def text(self, css=None, within=None):
        """The text of css's first match, or of the whole page; read afresh if the page is replaced meanwhile."""
        if within is not None:
            return self.find(css, within).text
        if css:
            return self.retry(lambda: self.find(css).text)
        return self.retry(lambda: self.driver.find_element(By.TAG_NAME, "body").text)

    def attribute(self, css, name):
        """An attribute of css's first match, read afresh if the page is replaced meanwhile."""
        return self.retry(lambda: self.find(css).get_attribute(name))

    def wait_for_path(self, pattern):
        """Waits until the URL's path matches the regular expression; returns the match."""
        compiled = re.compile(pattern)
        return self.wait_until(lambda: compiled.fullmatch(self.path()),
                               f"the browser did not reach a page whose path matches {pattern}")

    # ---- doing things, as a person would ------------------------------------------------------

    def reveal(self, element):
        """Opens any closed <details> around element and scrolls it into view."""
        self.driver.execute_script(
            "for (let e = arguments[0]; e; e = e.parentElement) {"
            "  if (e.tagName === 'DETAILS' && !e.open) { const s = e.querySelector(':scope > summary');"
            "    if (s) s.click(); else e.open = true; } }"
            "arguments[0].scrollIntoView({block: 'center'});", element)
        return element

    def type_into(self, element, text):
        self.reveal(element)
        element.clear()
        element.send_keys(text)

    def set_date(self, element, date):
        """A date input's value, set as the date picker would (typing into one depends on locale)."""
        self.reveal(element)
        self.driver.execute_script(
            "arguments[0].value = arguments[1];"
            "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));"
            "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));", element, date)
        assert element.get_attribute("value") == date, f"the date field did not take {date}"

    def follow(self, element):
        """Clicks a link or submit button and waits until the next page has replaced this one and loaded.

        Nothing is read from the next page before then: an element found while the old page is
        still shown, or while the next one is being committed, goes stale under the reader.
        """
        old = self.driver.find_element(By.TAG_NAME, "html")
        self.reveal(element)
        interrupted = None
        try:
            element.click()
        except WebDriverException as error:
            # The click navigated away while chromedriver was still finishing it; whether it
            # took effect shows in the page being replaced, waited for below.
            if not transient(error):
                raise
            interrupted = error
        with contextlib.suppress(NoAlertPresentException):
            self.driver.switch_to.alert.accept()  # a confirm() before a destructive action
        try:
            self.wait_until(lambda: self.is_stale(old), "the page did not change after the click")
        except TimeoutException:
            if interrupted is not None:
                raise interrupted
            raise
        self.wait_loaded()

    def back(self):
        """Goes back in history and waits until the previous page has replaced this one and loaded."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        self.driver.back()
        self.wait_until(lambda: self.is_stale(old), "the page did not change after going back")
        self.wait_loaded()

    def submit(self, form):
        """Presses the form's submit button and waits for the page that answers it."""
        buttons = self.find_all("button[type=submit], input[type=submit], button:not([type])", form)
        assert buttons, "the form has no submit button"
        self.follow(buttons[0])

    def check_post_form(self, form, action_path=None, fields=()):
        """form POSTs (to action_path, when given) with a non-empty _csrf and the given hidden fields."""
        assert form.get_attribute("method").lower() == "post", "the form is not method=post"
        actual = form_path(form)
        assert action_path is None or actual == action_path, f"the form posts to {actual}, not {action_path}"
        csrf = self.find_all('input[name="_csrf"]', form)
        assert csrf and csrf[0].get_attribute("value"), "the form has no _csrf value"
        for name, value in fields:
            inputs = self.find_all(f"input[name={css_string(name)}]", form)
            assert inputs and inputs[0].get_attribute("value") == value, f"the form's {name} is not {value!r}"

    def nav_to(self, path):
        """Follows a header link to path when the page has one, else types the address."""
        css = "header a[href], nav a[href]"
        paths = self.retry(lambda: [href_path(link) for link in self.find_all(css)])
        if path in paths:
            self.follow(self.find_all(css)[paths.index(path)])
            return
        print(f"  (no header link to {path}; going there by address)")
        self.driver.get(self.url(path))
        self.wait_loaded()

    # ---- pages and screenshots ----------------------------------------------------------------

    def page(self, name, allow_error=False):
        """Checks the page (main#main, no foreign resources, not an error page) and screenshots it.

        The checks and the screenshot are of one loaded document: when the page reloads itself
        meanwhile (a running submission or re-certification does, every 2 s), they are made again.
        """
        path = os.path.join(self.outdir, f"{self.shots + 1:02d}-{name}.png")

        def check_and_capture():
            self.wait_loaded()
            document = self.document()
            self.find("main#main")
            errors = self.driver.find_elements(By.CSS_SELECTOR, "#error-message")
            if not allow_error and errors:
                heading = " ".join(h.text for h in self.driver.find_elements(By.CSS_SELECTOR, "h1"))
                raise AssertionError(f"an error page: {heading}: {errors[0].text}")
            foreign = self.driver.execute_script(FOREIGN_RESOURCES_JS)
            assert not foreign, "resources from another origin: " + ", ".join(foreign)
            stopped = self.stop_reloading()
            if self.document() != document:
                raise StaleElementReferenceException("the page reloaded itself while it was checked")
            self.capture(path)
            if self.document() != document:
                raise StaleElementReferenceException("the page reloaded itself while it was captured")
            return stopped

        if self.retry(check_and_capture):
            self.driver.refresh()  # the page goes on reloading itself, as it did before it was captured
            self.wait_loaded()
        self.shots += 1
        print(f"  {os.path.basename(path)}  {self.path()}")

    def document(self):
        """The current document's identity: a reload, even of the same URL, is another document."""
        return self.driver.execute_script("return String(performance.timeOrigin)")

    def stop_reloading(self):
        """Stops a page that reloads itself (<meta http-equiv=refresh>) from doing so; whether it did.

        Chrome's screenshot beyond the window never answers when the page navigates meanwhile, and
        chromedriver then answers nothing more. window.stop() cancels the pending reload, and one
        already under way; a moment later the document is either still this one or a new one.
        """
        stopped = self.driver.execute_script(
            "if (!document.querySelector('meta[http-equiv=\"refresh\" i]')) return false;"
            "window.stop(); return true;")
        if stopped:
            time.sleep(0.5)
        return stopped

    def narrow(self, name):
        """The current page as a 390 px wide phone shows it."""
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": NARROW_WIDTH, "height": 844, "deviceScaleFactor": 1, "mobile": True})
        try:
            self.driver.refresh()
            self.wait_loaded()
            self.find("main#main")
            width = self.retry(lambda: self.driver.execute_script("return document.documentElement.scrollWidth"))
            if width > NARROW_WIDTH:
                print(f"  note: at {NARROW_WIDTH} px the page is {width} px wide (it scrolls sideways)")
            self.page(name)
        finally:
            self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    def capture(self, path):
        """A screenshot of the whole page, not only the window (capped at 12,000 px tall)."""
        try:
            metrics = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
            size = metrics.get("cssContentSize") or metrics["contentSize"]
            clip = {"x": 0, "y": 0, "width": max(1, math.ceil(size["width"])),
                    "height": max(1, min(12000, math.ceil(size["height"]))), "scale": 1}
            shot = self.driver.execute_cdp_cmd("Page.captureScreenshot",
                                               {"format": "png", "captureBeyondViewport": True, "clip": clip})
            with open(path, "wb") as file:
                file.write(base64.b64decode(shot["data"]))
        except WebDriverException:
            self.driver.save_screenshot(path)

    # ---- the console's parts ------------------------------------------------------------------

    def state(self):
        """The state word shown in #state."""
        text = self.text("#state")
        found = STATE_PATTERN.search(text)
        assert found, f"#state shows no state: {text!r}"
        return found.group(1)

    def expect_state(self, *expected):
        state = self.state()
        assert state in expected, f"the state is {state}, expected {' or '.join(expected)}"
        return state

    def expect_verdict(self, verdict):
        text = self.text("#verdict")
        assert re.search(rf"\b{verdict}\b", text), f"#verdict is {text!r}, expected {verdict}"

    def expect_flash(self):
        flash = self.text("#flash").strip()
        assert flash, "#flash is empty"
        return flash

    def expect_event(self, action):
        assert self.exists(f"section#history li.event[data-action={css_string(action)}]"), \
            f"the history has no {action} event"

    def wait_until_settled(self, css, attribute, done, timeout, what):
        """Reloads a page that reloads itself, every second, until done(its reading) and it no longer
        reloads itself; returns the reading: css's attribute, or its text when attribute is None.

        The page is read whole in one script each time (no element is held across a reload), and
        only a loaded document that is done and has no <meta http-equiv=refresh> ends the wait, so
        the page can then be read and its forms used without it being replaced underneath.
        """
        deadline = time.monotonic() + timeout
        reading = None
        while True:
            status = self.status(css, attribute)
            reading = status["attribute"] if attribute else status["text"]
            if status["ready"] == "complete" and reading is not None and done(reading):
                if not status["refreshes"]:
                    return reading
                reading = f"{reading} (and the page still reloads itself)"
            assert time.monotonic() < deadline, f"{what} within {timeout} s: {css} shows {reading!r}"
            time.sleep(1)
            with contextlib.suppress(TimeoutException):
                try:
                    self.driver.refresh()
                except WebDriverException as error:  # the page's own reload got in the way
                    if not transient(error):
                        raise
                self.wait_loaded()

    def wait_for_checks(self):
        """Reloads the submission page every second until its run is done; returns the state."""
        def done(text):
            found = STATE_PATTERN.search(text)
            return found is not None and found.group(1) not in ("submitted", "checking")
        self.wait_until_settled("#state", None, done, CHECKS_TIMEOUT, "the checks did not finish")
        return self.state()

    def action_form(self, submission, action):
        """The form#action-ACTION of a submission page, checked against the contract."""
        form = self.find(f"form#action-{action}")
        self.check_post_form(form, f"/submissions/{submission}/actions", [("action", action)])
        return form

    def take_action(self, submission, action, text=None, text_required=False):
        """Takes a review action from the submission page, writing text into its text field."""
        form = self.action_form(submission, action)
        fields = self.find_all('textarea[name="text"]', form)
        assert fields or not text_required, f"form#action-{action} has no textarea named text"
        if fields and text is not None:
            self.type_into(fields[0], text)
        self.submit(form)
        self.wait_for_path(rf"/submissions/{re.escape(submission)}")
        return self.expect_flash()

    def finding(self, fingerprint):
        return self.find(f"section#findings article.finding[data-fingerprint={css_string(fingerprint)}]")

    def queue_row(self, submission):
        rows = self.find_all(f"table#queue tr.submission[data-id={css_string(submission)}]")
        return rows[0] if rows else None

    def sign_in(self, who, token, landing):
        """Signs in with token on the sign-in form and waits for the landing path."""
        if not self.exists("form#sign-in"):
            self.driver.get(self.url("/"))
            self.wait_loaded()
        form = self.find("form#sign-in")
        assert form.get_attribute("method").lower() == "post", "form#sign-in is not method=post"
        assert form_path(form) == "/sign-in", "form#sign-in does not post to /sign-in"
        field = self.find("input#token", form)
        assert field.get_attribute("type") == "password", "input#token is not a password field"
        assert field.get_attribute("name") == "token", "input#token is not named token"
        self.type_into(field, token)
        self.submit(form)
        if landing is None:
            return
        self.wait_for_path(landing)
        sign_out = self.find("form#sign-out")
        self.check_post_form(sign_out, "/sign-out")
        print(f"  signed in as {who}")

    def sign_out(self, name):
        form = self.find("form#sign-out")
        self.check_post_form(form, "/sign-out")
        self.submit(form)
        self.find("form#sign-in")
        assert not self.exists("form#sign-out"), "still signed in after signing out"
        self.page(name)

    def post_sign_out_status(self, cookies, body):
        """The status of a POST /sign-out sent by urllib, not the browser, without following redirects."""
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if cookies:
            headers["Cookie"] = "; ".join(f"{c['name']}={c['value']}" for c in cookies)
        request = urllib.request.Request(self.url("/sign-out"), data=body.encode(), method="POST", headers=headers)
        try:
            with urllib.request.build_opener(NoRedirect).open(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


def run(console, args):
    c = console
    today = datetime.date.today()
    submission = None
    fingerprint = None
    request_text = "Please end the forecast description with a period, and add current conditions."

    # ---- the publisher uploads a package ----------------------------------------------------
    with c.step("the sign-in page is shown to someone not signed in"):
        c.driver.get(c.url("/"))
        c.wait_loaded()
        c.find("form#sign-in")
        assert not c.exists("form#sign-out"), "a sign-out form on the sign-in page"
        c.page("sign-in")

    with c.step("a mistyped token is refused"):
        c.sign_in("nobody", "cert_" + "0" * 64, None)
        c.find("main#main")
        assert not c.exists("form#sign-out"), "signed in with a token that does not exist"
        assert c.exists("#error-message") or c.exists("#flash") or c.exists("form#sign-in"), \
            "no message and no sign-in form after a wrong token"
        c.page("sign-in-refused", allow_error=True)

    with c.step("the publisher signs in and sees the publisher home"):
        c.sign_in("publisher", args.submitter_token, r"/")
        c.find("section#submissions")
        c.find("section#webhooks")
        assert not c.exists("table#queue"), "the publisher sees the reviewers' queue"
        c.page("publisher-home")

    with c.step("the publisher uploads revision 1 and lands on the new submission"):
        form = c.find("form#upload")
        assert form.get_attribute("method").lower() == "post", "form#upload is not method=post"
        assert form.get_attribute("enctype") == "multipart/form-data", "form#upload is not multipart/form-data"
        assert form_path(form) == "/submissions", "form#upload does not post to /submissions"
        field = c.find("input#package", form)
        assert field.get_attribute("type") == "file" and field.get_attribute("name") == "package", \
            "input#package is not a file field named package"
        c.reveal(field)
        field.send_keys(os.path.abspath(args.revision1))
        c.submit(form)
        submission = c.wait_for_path(r"/submissions/([^/]+)").group(1)
        c.find("#state")
        c.page("submission-uploaded")

    with c.step("the checks of revision 1 finish: awaiting review, verdict pass, a warning"):
        state = c.wait_for_checks()
        assert state == "awaiting-review", f"the state after the checks is {state}, expected awaiting-review"
        c.expect_verdict("pass")
        findings = c.find_all("section#findings article.finding")
        for finding in findings:
            for attribute in ("data-fingerprint", "data-severity", "data-rule"):
                assert finding.get_attribute(attribute), f"an article.finding without {attribute}"
        warnings = [f for f in findings if f.get_attribute("data-severity") == "warning"]
        assert warnings, "section#findings has no warning"
        chosen = next((w for w in warnings if w.get_attribute("data-rule") == "description-sentence"), warnings[0])
        fingerprint = chosen.get_attribute("data-fingerprint")
        print(f"  finding {chosen.get_attribute('data-rule')} {fingerprint}")
        assert not c.exists("form.accept-finding"), "the publisher may accept findings"
        for action in ("assign", "approve", "certify", "request-changes", "reject"):
            assert not c.exists(f"form#action-{action}"), f"the publisher is offered form#action-{action}"
        c.page("submission-checked")

    with c.step("the publisher's home lists the submission"):
        c.nav_to("/")
        row = c.find(f"section#submissions tr.submission[data-id={css_string(submission)}]")
        expect_row_state(row, "awaiting-review")
        link = c.find("a.submission-link", row)
        assert href_path(link) == f"/submissions/{submission}", "a.submission-link goes elsewhere"
        c.page("publisher-home-with-submission")

    with c.step("the publisher signs out; the queue is then closed to the browser"):
        c.sign_out("signed-out")
        c.driver.get(c.url("/queue"))
        c.wait_loaded()
        c.find("main#main")
        assert not c.exists("table#queue"), "the queue is shown to a signed-out browser"
        assert c.exists("form#sign-in") or c.exists("#error-message"), "neither the sign-in form nor an error"
        c.page("queue-signed-out", allow_error=True)

    # ---- the reviewer comments, accepts a warning and requests changes ----------------------
    with c.step("the reviewer signs in and lands on the queue"):
        c.driver.get(c.url("/"))
        c.wait_loaded()
        c.sign_in("reviewer", args.reviewer_token, r"/queue")
        c.find("table#queue")
        assert c.queue_row(submission), f"the submission {submission} is not in the default queue"
        c.page("queue")

    with c.step("the reviewer picks awaiting-review in the states bar"):
        links = c.find_all('nav#states a[href*="state="]')
        assert links, "nav#states has no state links"
        link = next((l for l in links if re.search(r"(?<![\w-])awaiting-review\s*\(\d+\)", l.text)), None)
        assert link, "no 'awaiting-review (N)' link in nav#states: " + " | ".join(l.text for l in links)
        count = int(re.search(r"\((\d+)\)", link.text).group(1))
        assert count == 1, f"awaiting-review counts {count}, expected 1"
        c.follow(link)
        assert c.query().get("state") == ["awaiting-review"], "the URL does not select state=awaiting-review"
        row = c.queue_row(submission)
        assert row, "the submission is not listed under awaiting-review"
        expect_row_state(row, "awaiting-review")
        assert "Contoso Weather" in c.find("a.submission-link", row).text, \
            "the row's link does not name the connector Contoso Weather"
        c.page("queue-awaiting-review")

    with c.step("the reviewer filters the queue by publisher"):
        form = c.find("form#queue-filter")
        assert form.get_attribute("method").lower() == "get", "form#queue-filter is not method=get"
        for name in ("publisher", "assignee", "min-age"):
            assert c.exists(f"[name={css_string(name)}]", form), f"form#queue-filter has no {name} field"
        assert c.exists('input[type=checkbox][name="mine"]', form), "form#queue-filter has no mine checkbox"
        publisher = c.find('[name="publisher"]', form)
        if publisher.tag_name == "select":
            choose(publisher, "Contoso")
        else:
            c.type_into(publisher, "Contoso")
        c.submit(form)
        assert c.query().get("publisher") == ["Contoso"], "the URL does not filter publisher=Contoso"
        c.find("table#queue")
        assert c.queue_row(submission), "the submission is not listed for publisher Contoso"
        c.page("queue-filtered")
        c.narrow("queue-narrow")

    with c.step("the reviewer opens the submission from the queue"):
        c.follow(c.find("a.submission-link", c.queue_row(submission)))
        c.wait_for_path(rf"/submissions/{re.escape(submission)}")
        c.expect_state("awaiting-review")
        c.find("form.comment-finding", c.finding(fingerprint))
        c.find("form.accept-finding", c.finding(fingerprint))
        assert not c.exists("form#upload-revision"), "the reviewer is offered form#upload-revision"
        c.page("review-submission")

    with c.step("the reviewer assigns the submission to herself"):
        c.take_action(submission, "assign")
        c.expect_state("in-review")
        c.expect_event("assign")
        c.page("assigned")

    comment = "This description is not a full sentence: it needs a final period."
    with c.step("the reviewer comments on the warning"):
        form = c.find("form.comment-finding", c.finding(fingerprint))
        c.type_into(c.find('textarea[name="text"]', form), comment)
        c.submit(form)
        c.wait_for_path(rf"/submissions/{re.escape(submission)}")
        c.expect_flash()
        assert comment in c.text(), "the comment is not shown on the page"
        c.expect_event("comment")
        c.page("finding-commented")

    with c.step("the reviewer accepts the warning, with a reason and an expiry date"):
        form = c.find("form.accept-finding", c.finding(fingerprint))
        c.type_into(c.find('input[name="reason"]', form), "Wording only; the publisher fixes it in the next revision.")
        expires = c.find('input[name="expires"]', form)
        assert expires.get_attribute("type") == "date", "the expires field is not a date input"
        c.set_date(expires, (today + datetime.timedelta(days=180)).isoformat())
        c.submit(form)
        c.wait_for_path(rf"/submissions/{re.escape(submission)}")
        c.expect_flash()
        c.find(f"section#accepted li.accepted[data-fingerprint={css_string(fingerprint)}]")
        c.expect_event("accept")
        c.page("warning-accepted")

    with c.step("the reviewer requests changes"):
        c.take_action(submission, "request-changes", request_text, text_required=True)
        c.expect_state("changes-required")
        c.expect_event("request-changes")
        c.page("changes-requested")

    with c.step("the reviewer signs out"):
        c.sign_out("reviewer-signed-out")

    # ---- the publisher uploads a revision -----------------------------------------------------
    with c.step("the publisher signs in and sees that changes are required"):
        c.sign_in("publisher", args.submitter_token, r"/")
        row = c.find(f"section#submissions tr.submission[data-id={css_string(submission)}]")
        expect_row_state(row, "changes-required")
        c.page("publisher-home-changes-required")

    with c.step("the publisher opens the submission and reads the request"):
        c.follow(c.find("a.submission-link", row))
        c.wait_for_path(rf"/submissions/{re.escape(submission)}")
        c.expect_state("changes-required")
        assert request_text in c.text(), "the reviewer's request is not shown to the publisher"
        assert comment in c.text(), "the reviewer's comment on the finding is not shown to the publisher"
        c.page("publisher-reads-request")

    with c.step("the publisher answers with a comment"):
        form = c.find("form#comment")
        c.check_post_form(form, f"/submissions/{submission}/actions")
        answer = "Fixed in revision 2, which also adds the current conditions."
        c.type_into(c.find('textarea[name="text"]', form), answer)
        c.submit(form)
        c.wait_for_path(rf"/submissions/{re.escape(submission)}")
        c.expect_flash()
        assert answer in c.text(), "the publisher's comment is not shown"
        c.page("publisher-commented")

    with c.step("the publisher uploads revision 2"):
        form = c.find("form#upload-revision")
        assert form.get_attribute("method").lower() == "post", "form#upload-revision is not method=post"
        assert form.get_attribute("enctype") == "multipart/form-data", "form#upload-revision is not multipart/form-data"
        action = form_path(form)
        assert action == f"/submissions/{submission}/revisions", f"form#upload-revision posts to {action}"
        field = c.find("input#revision-package", form)
        assert field.get_attribute("type") == "file" and field.get_attribute("name") == "package", \
            "input#revision-package is not a file field named package"
        c.reveal(field)
        field.send_keys(os.path.abspath(args.revision2))
        c.submit(form)
        c.wait_for_path(rf"/submissions/{re.escape(submission)}")
        c.page("revision-uploaded")

    with c.step("the checks of revision 2 finish: back in review, verdict pass, the warning gone"):
        state = c.wait_for_checks()
        assert state in ("awaiting-review", "in-review"), f"the state after the checks is {state}"
        c.expect_verdict("pass")
        assert not c.find_all(f"section#findings article.finding[data-fingerprint={css_string(fingerprint)}]"), \
            "the fixed warning is still listed"
        form = c.find("section#revisions form#compare")
        for name in ("from", "to"):
            options = Select(c.find(f"select[name={css_string(name)}]", form)).options
            assert len(options) >= 2, f"the {name} select of form#compare has {len(options)} options"
        c.page("revision-2-checked")

    with c.step("the publisher signs out"):
        c.sign_out("publisher-signed-out")

    # ---- the reviewer compares, approves and certifies ----------------------------------------
    with c.step("the reviewer signs in and opens the submission again"):
        c.sign_in("reviewer", args.reviewer_token, r"/queue")
        row = c.queue_row(submission)
        assert row, "the revised submission is not in the queue"
        c.page("queue-revised")
        c.follow(c.find("a.submission-link", row))
        c.wait_for_path(rf"/submissions/{re.escape(submission)}")
        c.page("review-revision-2")

    with c.step("the reviewer compares revision 1 with revision 2"):
        form = c.find("form#compare")
        assert form.get_attribute("method").lower() == "get", "form#compare is not method=get"
        assert form_path(form) == f"/submissions/{submission}/compare", \
            "form#compare goes elsewhere"
        chosen = {}
        for name, pick in (("from", min), ("to", max)):
            element = c.find(f"select[name={css_string(name)}]", form)
            select = Select(element)
            values = [o.get_attribute("value") for o in select.options]
            # Revision numbers: from the oldest to the newest; otherwise in the order listed.
            value = pick(values, key=int) if all(v.isdigit() for v in values) else values[0 if name == "from" else -1]
            c.reveal(element)
            select.select_by_value(value)
            chosen[name] = value
        assert chosen["from"] != chosen["to"], "form#compare offers only one revision"
        c.submit(form)
        c.wait_for_path(rf"/submissions/{re.escape(submission)}/compare")
        assert c.query().get("from") == [chosen["from"]] and c.query().get("to") == [chosen["to"]], \
            f"the compare URL does not carry from={chosen['from']}&to={chosen['to']}"
        for section in ("new-findings", "fixed-findings", "unchanged-findings", "swagger-changes"):
            c.find(f"section#{section}")
        assert c.find_all("section#fixed-findings li.finding"), "section#fixed-findings lists no finding"
        assert not c.find_all("section#new-findings li.finding"), "section#new-findings lists a finding"
        changes = c.text("section#swagger-changes")
        assert "GetCurrentConditions" in changes or "/current" in changes, \
            "section#swagger-changes does not mention the added operation GetCurrentConditions (/current)"
        c.page("compare-revisions")

    with c.step("the reviewer approves"):
        c.back()
        c.wait_for_path(rf"/submissions/{re.escape(submission)}")
        c.take_action(submission, "approve", "The description is fixed and the new operation is documented.")
        c.expect_state("approved")
        c.expect_event("approve")
        c.page("approved")

    with c.step("the reviewer certifies"):
        c.take_action(submission, "certify")
        c.expect_state("certified")
        c.expect_event("certify")
        c.page("certified")
        c.narrow("certified-narrow")

    with c.step("the certified submission leaves the default queue"):
        c.nav_to("/queue")
        c.wait_for_path(r"/queue")
        assert not c.queue_row(submission), "a certified submission is still in the default (open) queue"
        assert any(re.search(r"(?<![\w-])certified\s*\(1\)", l.text) for l in c.find_all("nav#states a")), \
            "nav#states has no 'certified (1)' link"
        c.page("queue-after-certification")

    with c.step("the reviewer signs out"):
        c.sign_out("reviewer-signed-out-again")

    # ---- the admin re-certifies ----------------------------------------------------------------
    with c.step("the admin signs in and opens re-certification"):
        c.sign_in("admin", args.admin_token, r"/queue")
        c.page("admin-queue")
        c.nav_to("/recertifications")
        c.wait_for_path(r"/recertifications")
        c.page("recertifications")

    batch = None
    with c.step("the admin starts a re-certification"):
        form = c.find("form#start-recertification")
        c.check_post_form(form, "/recertifications")
        c.submit(form)
        batch = c.wait_for_path(r"/recertifications/([^/]+)").group(1)
        progress = c.attribute("#progress", "data-state")  # the page reloads itself while running
        assert progress in ("running", "finished"), f"#progress has data-state {progress!r}"
        c.page("recertification-started")

    with c.step("the re-certification finishes with a summary"):
        c.wait_until_settled("#progress", "data-state", lambda state: state == "finished",
                             RECERTIFICATION_TIMEOUT, "the re-certification did not finish")
        summary = c.text("section#summary")
        assert summary.strip(), "section#summary is empty"
        if "Contoso Weather" not in summary:  # a summary may list only the connectors that changed
            print("  note: section#summary does not name Contoso Weather")
        c.page("recertification-finished")

    with c.step("the batch is listed on the re-certifications page"):
        c.nav_to("/recertifications")
        c.wait_for_path(r"/recertifications")
        links = c.find_all("table#recertifications a.recertification-link")
        paths = [href_path(link) for link in links]
        assert f"/recertifications/{batch}" in paths, f"table#recertifications does not link to batch {batch}"
        c.page("recertifications-listed")

    # ---- the admin manages tokens ---------------------------------------------------------------
    new_token = None
    with c.step("the admin creates a reviewer token"):
        c.nav_to("/admin/tokens")
        c.wait_for_path(r"/admin/tokens")
        rows = c.find_all("table#tokens tr.token")
        assert len(rows) >= 3, f"table#tokens lists {len(rows)} tokens, expected at least 3"
        c.page("tokens")
        form = c.find("form#create-token")
        c.check_post_form(form)
        role = c.find('select[name="role"]', form)
        c.reveal(role)
        choose(role, "reviewer")
        c.find('input[name="publisher"]', form)
        c.type_into(c.find('input[name="label"]', form), "bob")
        c.submit(form)
        new_token = c.find("#new-token").text.strip()
        assert re.fullmatch(r"\S{20,}", new_token), f"#new-token does not show a token: {new_token!r}"
        assert any("bob" in row.text for row in c.find_all("table#tokens tr.token")), "the new token is not listed"
        c.page("token-created")

    with c.step("the admin revokes it"):
        row = next(row for row in c.find_all("table#tokens tr.token") if "bob" in row.text)
        form = c.find("form.revoke-token", row)
        c.check_post_form(form)
        c.submit(form)
        c.expect_flash()
        rows = [row for row in c.find_all("table#tokens tr.token") if "bob" in row.text]
        assert not rows or "revoked" in rows[0].text.lower(), "bob's token is neither gone nor marked revoked"
        c.page("token-revoked")

    with c.step("urllib: POST /sign-out without the CSRF field answers 403"):
        cookies = c.driver.get_cookies()
        for label, cookie_jar, body in (("no session, no _csrf", [], ""),
                                         ("the admin's session, no _csrf", cookies, ""),
                                         ("the admin's session, a forged _csrf", cookies, "_csrf=forged")):
            status = c.post_sign_out_status(cookie_jar, body)
            assert status == 403, f"POST /sign-out with {label} answered {status}, expected 403"
            print(f"  POST /sign-out with {label}: 403")
        c.driver.refresh()
        c.wait_loaded()
        c.find("form#sign-out")  # still signed in

    with c.step("the admin signs out"):
        c.sign_out("admin-signed-out")

    with c.step("the revoked token cannot sign in"):
        c.sign_in("bob", new_token, None)
        c.find("main#main")
        assert not c.exists("form#sign-out"), "signed in with a revoked token"
        c.page("revoked-token-refused", allow_error=True)


def descendants(pid):
    """The ids of pid's child processes, theirs, and so on (from /proc; none where there is none)."""
    children = {}
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if entry.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                with open(f"/proc/{entry}/stat") as file:
                    parent = int(file.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(entry))
    found, pending = [], [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


def choose(select, wanted):
    """Picks the option of a <select> whose value, or else whose text, is wanted."""
    for option in Select(select).options:
        if option.get_attribute("value") == wanted or option.text.strip() == wanted:
            option.click()
            assert option.is_selected(), f"could not choose {wanted!r}"
            return
    raise AssertionError(f"the {select.get_attribute('name')} select has no option {wanted!r}")


def form_path(form):
    """The path a form posts to."""
    return urllib.parse.urlparse(form.get_attribute("action")).path


def href_path(link):
    """The path a link goes to."""
    return urllib.parse.urlparse(link.get_attribute("href")).path


def expect_row_state(row, state):
    actual = row.get_attribute("data-state")
    assert actual == state, f"the row's data-state is {actual}, expected {state}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True, help="the console, e.g. http://127.0.0.1:8080")
    parser.add_argument("--submitter-token", required=True, help="a submitter token of publisher Contoso")
    parser.add_argument("--reviewer-token", required=True)
    parser.add_argument("--admin-token", required=True)
    parser.add_argument("--revision1", required=True, help="a zip with at least one warning and no error")
    parser.add_argument("--revision2", required=True, help="the same connector, the warning fixed, an operation added")
    parser.add_argument("--outdir", default="console-screenshots")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # progress and failures interleave in order

    try:
        console = Console(args)
    except WebDriverException as error:
        sys.exit(f"console-browser: could not start headless Chromium through chromedriver: {error.msg}")
    try:
        run(console, args)
    finally:
        console.quit()
    retried = f"; {console.retries} reads made again after the page was replaced" if console.retries else ""
    print(f"console-browser: passed ({console.shots} screenshots in {console.outdir}{retried})")


if __name__ == "__main__":
    main()
