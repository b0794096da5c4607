#!/usr/bin/python3
"""The web console of csv2ddb local, in a real browser: Debian's headless Chromium driven by
chromedriver through Debian's python3-selenium (which imports from /usr/bin/python3 only, hence
this script's interpreter), on a local AWS this test starts with the project's template.

In the browser: a CSV with bad rows dropped on the page (a real drop event carrying a File) is
uploaded through S3, its import appears and finishes, the counts and the rejected rows' line
numbers are read from the page, a field holding <script> is shown as text and never runs, the
table is queried and an item shown as DynamoDB JSON and plain JSON, the bucket browsed.
Screenshots go to CONSOLE_SCREENSHOTS (default: console-screenshots beside csv2ddb).
Over HTTP: the console API's JSON, exactly; a change without the page's Origin refused; with
--host 0.0.0.0 (still reached on 127.0.0.1) every request without the printed token refused, the
token URL setting the cookie that lets the browser in.

  console_browser_test.py --csv2ddb build/release/csv2ddb
"""
import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CSV2DDB = None
SCREENSHOTS = None
BUCKET = "console-imports"
TABLE = "csv2ddb-offers"
# Lines 3 and 5 are rejected (an empty key); line 4's price holds markup that must stay text.
CSV = ("account,offer_id,price\n"
       "acct-1,o-1,5\n"
       ",o-2,6\n"
       "acct-3,o-3,<script>window.__pwned=1</script>\n"
       "acct-4,,<img src=x onerror=window.__pwned=2>\n"
       "acct-1,o-5,9\n")


def start_local(data_dir, *extra):
    """csv2ddb local with the template; returns (process, port, console URL)."""
    process = subprocess.Popen(
        [CSV2DDB, "local", "--port", "0", "--data-dir", data_dir, "--template",
         os.path.join(ROOT, "deploy", "template.yaml"), "--param", "S3BucketName=" + BUCKET,
         *extra], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    listening = process.stdout.readline().strip()
    console = process.stdout.readline().strip()
    if "listening on" not in listening or not console.startswith("csv2ddb local console at "):
        process.kill()
        raise RuntimeError("unexpected start: %r %r" % (listening, console))
    port = int(listening.rsplit(":", 1)[1])
    for line in process.stdout:  # the stack is deployed once this line is out
        if "is ready" in line:
            break
    return process, port, console[len("csv2ddb local console at "):]


def stop_local(process):
    process.terminate()
    process.wait(timeout=30)
    process.stdout.close()


def request(port, method, path, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), data


def browser():
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1366,900"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def drop_file(driver, name, text):
    """A drop on the drop zone carrying one File, as a drag from the desktop delivers it."""
    driver.execute_script("""
        const file = new File([arguments[1]], arguments[0], {type: 'text/csv'});
        const data = new DataTransfer();
        data.items.add(file);
        const zone = document.getElementById('drop-zone');
        zone.dispatchEvent(new DragEvent('dragover', {dataTransfer: data, bubbles: true}));
        zone.dispatchEvent(new DragEvent('drop', {dataTransfer: data, bubbles: true}));
    """, name, text)


class ConsoleInABrowser(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.data = tempfile.TemporaryDirectory(prefix="csv2ddb-console-")
        cls.process, cls.port, cls.url = start_local(cls.data.name)
        cls.driver = browser()
        os.makedirs(SCREENSHOTS, exist_ok=True)

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        stop_local(cls.process)
        cls.data.cleanup()

    def wait(self, condition, seconds=90):
        return WebDriverWait(self.driver, seconds, poll_frequency=0.2).until(condition)

    def text(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css).text

    def test_1_drop_a_csv_and_watch_its_import(self):
        driver = self.driver
        self.assertEqual(self.url, "http://127.0.0.1:%d/_console/" % self.port)
        driver.get(self.url)
        self.wait(lambda d: BUCKET in [o.text for o in Select(
            d.find_element(By.ID, "upload-bucket")).options])
        Select(driver.find_element(By.ID, "upload-bucket")).select_by_visible_text(BUCKET)
        drop_file(driver, "offers.csv", CSV)
        row = '#imports-table tr[data-key="offers.csv"]'
        self.wait(lambda d: d.find_elements(By.CSS_SELECTOR, row))
        self.wait(lambda d: d.find_element(By.CSS_SELECTOR, row + " td:nth-child(2)").text == "done")
        self.assertEqual(self.text("#upload-result"), "Uploaded s3://%s/offers.csv" % BUCKET)
        driver.find_element(By.CSS_SELECTOR, row + " button").click()
        self.wait(lambda d: d.find_element(By.ID, "import-status").text == "done")
        self.wait(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#rejected-table tbody tr")) == 2)
        self.assertEqual((self.text("#count-rows_read"), self.text("#count-rows_written"),
                          self.text("#count-rows_rejected")), ("5", "3", "2"))
        rejected = [[c.text for c in r.find_elements(By.TAG_NAME, "td")] for r in
                    driver.find_elements(By.CSS_SELECTOR, "#rejected-table tbody tr")]
        self.assertEqual([r[0] for r in rejected], ["3", "5"])
        self.assertEqual(rejected[1][1], "key attribute 'offer_id' is empty")
        # Markup in a field is shown as the characters it is made of, and never runs.
        self.assertEqual(rejected[1][2], '["acct-4","","<img src=x onerror=window.__pwned=2>"]')
        self.assertEqual(driver.find_elements(By.CSS_SELECTOR, "#rejected-table img"), [])
        outputs = [li.text for li in driver.find_elements(By.CSS_SELECTOR, "#import-outputs li")]
        self.assertEqual(outputs, ["json_copy: json-copy/offers.json",
                                   "rejected: rejected/offers.csv.rejected.jsonl",
                                   "report: reports/offers.csv.report.json"])
        self.assertIn('"message":"imported"', self.text("#import-log"))
        driver.save_screenshot(os.path.join(SCREENSHOTS, "imports.png"))

    def test_2_query_the_table_and_show_an_item(self):
        driver = self.driver
        driver.get(self.url)
        driver.find_element(By.CSS_SELECTOR, 'nav button[data-view="tables"]').click()
        button = '#tables-table tbody button'
        self.wait(lambda d: [b.text for b in d.find_elements(By.CSS_SELECTOR, button)] == [TABLE])
        driver.find_element(By.CSS_SELECTOR, button).click()
        driver.find_element(By.ID, "items-pk").send_keys("acct-3")
        driver.find_element(By.CSS_SELECTOR, "#items-form button").click()
        first = "#items-table tbody tr td button"
        self.wait(lambda d: [b.text for b in d.find_elements(By.CSS_SELECTOR, first)] == ["acct-3"])
        driver.find_element(By.CSS_SELECTOR, first).click()
        plain = json.loads(self.text("#item-plain"))
        self.assertEqual(plain, {"account": "acct-3", "offer_id": "o-3",
                                 "price": "<script>window.__pwned=1</script>"})
        self.assertEqual(json.loads(self.text("#item-ddb"))["price"],
                         {"S": "<script>window.__pwned=1</script>"})
        self.assertIsNone(driver.execute_script("return window.__pwned"))
        driver.save_screenshot(os.path.join(SCREENSHOTS, "tables.png"))

    def test_3_browse_the_bucket_and_the_functions(self):
        driver = self.driver
        driver.get(self.url)
        driver.find_element(By.CSS_SELECTOR, 'nav button[data-view="buckets"]').click()
        self.wait(lambda d: BUCKET in [b.text for b in
                                       d.find_elements(By.CSS_SELECTOR, "#buckets-list button")])
        [b for b in driver.find_elements(By.CSS_SELECTOR, "#buckets-list button")
         if b.text == BUCKET][0].click()
        self.wait(lambda d: "offers.csv" in [
            b.text for b in d.find_elements(By.CSS_SELECTOR, "#objects-table button")])
        names = [b.text for b in driver.find_elements(By.CSS_SELECTOR, "#objects-table button")]
        self.assertEqual(names, ["json-copy/", "rejected/", "reports/", "offers.csv"])
        [b for b in driver.find_elements(By.CSS_SELECTOR, "#objects-table button")
         if b.text == "offers.csv"][0].click()
        self.wait(lambda d: d.find_elements(By.CSS_SELECTOR, "#object-meta a"))
        link = driver.find_element(By.CSS_SELECTOR, "#object-meta a").get_attribute("href")
        status, _, body = request(self.port, "GET", link.split(str(self.port), 1)[1])
        self.assertEqual((status, body.decode()), (200, CSV))
        driver.find_element(By.CSS_SELECTOR, 'nav button[data-view="functions"]').click()
        self.wait(lambda d: "csv2ddb-import" in [
            h.text for h in d.find_elements(By.CSS_SELECTOR, "#functions-list h3")])
        driver.save_screenshot(os.path.join(SCREENSHOTS, "functions.png"))

    def test_4_the_api_answers_exactly(self):
        status, headers, body = request(
            self.port, "GET", "/_console/api/rejected?bucket=%s&key=offers.csv" % BUCKET)
        self.assertEqual((status, json.loads(body)), (200, {
            "rows": [{"line": 3, "reason": "key attribute 'account' is empty",
                      "fields": ["", "o-2", "6"]},
                     {"line": 5, "reason": "key attribute 'offer_id' is empty",
                      "fields": ["acct-4", "", "<img src=x onerror=window.__pwned=2>"]}],
            "next_cursor": None}))
        self.assertEqual(headers["Content-Type"], "application/json")
        status, _, body = request(self.port, "GET",
                                  "/_console/api/items?table=%s&pk=acct-1" % TABLE)
        self.assertEqual(json.loads(body), {
            "key_schema": [{"AttributeName": "account", "KeyType": "HASH"},
                           {"AttributeName": "offer_id", "KeyType": "RANGE"}],
            "items": [{"account": {"S": "acct-1"}, "offer_id": {"S": "o-1"}, "price": {"S": "5"}},
                      {"account": {"S": "acct-1"}, "offer_id": {"S": "o-5"}, "price": {"S": "9"}}],
            "last_key": None})
        status, _, body = request(self.port, "GET", "/_console/api/imports")
        done = [i for i in json.loads(body)["imports"] if i["key"] == "offers.csv"][0]
        del done["first_seen"], done["last_seen"], done["counts"]["seconds"]
        self.assertEqual(done, {
            "function": "csv2ddb-import", "bucket": BUCKET, "key": "offers.csv", "status": "done",
            "counts": {"rows_read": 5, "rows_written": 3, "rows_rejected": 2,
                       "rows_unprocessed": 0, "rows_skipped": 0, "rows_conflicts": 0,
                       "bytes_read": len(CSV), "requests": 2, "retries": 0, "throttles": 0,
                       "consumed_wcu": 3}})
        status, _, body = request(self.port, "GET", "/_console/api/nothing")
        self.assertEqual((status, json.loads(body)), (404, {
            "error": "NotFound", "message": "no console API call named nothing"}))

    def test_5_changes_need_the_pages_origin(self):
        change = json.dumps({"bucket": BUCKET, "key": "x.csv"})
        status, _, body = request(self.port, "POST", "/_console/api/upload-url", change)
        self.assertEqual((status, json.loads(body)["error"]), (403, "ForbiddenOrigin"))
        status, _, body = request(self.port, "POST", "/_console/api/upload-url", change,
                                  {"Origin": "http://evil.example"})
        self.assertEqual((status, json.loads(body)["error"]), (403, "ForbiddenOrigin"))
        status, _, body = request(self.port, "GET", "/_console/api/upload-url")
        self.assertEqual(status, 405)
        status, _, body = request(self.port, "POST", "/_console/api/upload-url", change,
                                  {"Origin": "http://127.0.0.1:%d" % self.port,
                                   "Host": "127.0.0.1:%d" % self.port})
        self.assertEqual(status, 200)
        self.assertTrue(json.loads(body)["url"].startswith("/%s/x.csv?X-Amz-Algorithm=" % BUCKET))

    def test_6_page_weight_and_headers(self):
        total = 0
        for name in ("", "console.js", "console.css"):
            status, headers, body = request(self.port, "GET", "/_console/" + name)
            self.assertEqual(status, 200)
            self.assertIn("script-src 'self'", headers["Content-Security-Policy"])
            total += len(body)
        print("console page weight: %d bytes (HTML, CSS and JavaScript)" % total)


class ConsoleBehindAToken(unittest.TestCase):
    def test_a_console_beyond_the_loopback_needs_its_token(self):
        with tempfile.TemporaryDirectory(prefix="csv2ddb-console-token-") as data:
            process, port, url = start_local(data, "--host", "0.0.0.0")
            try:
                self.assertRegex(url, r"^http://0\.0\.0\.0:%d/_console/\?token=[A-Za-z0-9]{32}$"
                                 % port)
                token = url.split("token=")[1]
                status, _, body = request(port, "GET", "/_console/api/buckets")
                self.assertEqual((status, json.loads(body)["error"]), (403, "TokenRequired"))
                status, _, _ = request(port, "GET", "/_console/")
                self.assertEqual(status, 403)
                status, _, _ = request(port, "GET", "/_console/?token=wrong")
                self.assertEqual(status, 403)
                status, headers, _ = request(port, "GET", "/_console/?token=" + token)
                self.assertEqual((status, headers["Location"]), (303, "/_console/"))
                self.assertEqual(headers["Set-Cookie"], "csv2ddb_console=%s; Path=/_console; "
                                 "HttpOnly; SameSite=Strict" % token)
                status, _, body = request(port, "GET", "/_console/api/buckets",
                                          headers={"Cookie": "csv2ddb_console=" + token})
                self.assertEqual((status, json.loads(body)), (200, {
                    "buckets": [BUCKET, "csv2ddb-cloudformation-responses"]}))
                driver = browser()
                try:
                    driver.get("http://127.0.0.1:%d/_console/?token=%s" % (port, token))
                    WebDriverWait(driver, 30).until(lambda d: BUCKET in [
                        o.text for o in Select(d.find_element(By.ID, "upload-bucket")).options])
                    self.assertEqual(driver.current_url, "http://127.0.0.1:%d/_console/" % port)
                finally:
                    driver.quit()
            finally:
                stop_local(process)


def main():
    global CSV2DDB, SCREENSHOTS
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv2ddb", required=True)
    args, rest = parser.parse_known_args()
    CSV2DDB = os.path.abspath(args.csv2ddb)
    SCREENSHOTS = os.environ.get("CONSOLE_SCREENSHOTS") or os.path.join(
        os.path.dirname(CSV2DDB), "console-screenshots")
    result = unittest.main(argv=[sys.argv[0], "-v", *rest], exit=False).result
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
