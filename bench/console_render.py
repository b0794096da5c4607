#!/usr/bin/python3
"""The console's weight and its time to first render under load: csv2ddb local with the
template, a bucket of --objects small objects, and a make-csv file of --rows rows importing while
headless Chromium opens the console. Measured: the page weight (HTML, CSS, JavaScript), the time
from navigation to the imports table's first row (median of --repeats loads, and the browser's
DOMContentLoaded), the time to the first page of the big bucket's listing, and a screenshot of
the running import (rows/s and write units/s) for the README.

Debian's python3-selenium imports from /usr/bin/python3 only, hence the interpreter.

  /usr/bin/python3 bench/console_render.py --csv2ddb build/release/csv2ddb \\
      [--objects 100000] [--rows 10000000] [--repeats 5]
"""
import argparse
import concurrent.futures
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import boto3
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, "bench", "results")
BUCKET = "render-bench"
MANY = "many-objects"


def start_local(csv2ddb, data_dir):
    process = subprocess.Popen(
        [csv2ddb, "local", "--port", "0", "--data-dir", data_dir, "--template",
         os.path.join(ROOT, "deploy", "template.yaml"), "--param", "S3BucketName=" + BUCKET],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    port = int(process.stdout.readline().strip().rsplit(":", 1)[1])
    console = process.stdout.readline().strip().split(" at ", 1)[1]
    for line in process.stdout:
        if "is ready" in line:
            break
    return process, port, console


def s3_client(port):
    return boto3.client("s3", endpoint_url="http://127.0.0.1:%d" % port, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def fill_bucket(port, count):
    s3 = s3_client(port)
    s3.create_bucket(Bucket=MANY)

    def put(start):
        client = s3_client(port)
        for i in range(start, min(start + 1000, count)):
            client.put_object(Bucket=MANY, Key="objects/%07d.txt" % i, Body=b"x")
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        list(pool.map(put, range(0, count, 1000)))
    return time.perf_counter() - started


def console_api(port, name):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/_console/api/" + name)
    body = json.loads(connection.getresponse().read())
    connection.close()
    return body


def browser():
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1366,1000"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def first_render(driver, url):
    """Seconds from navigation to the imports table's first row, and DOMContentLoaded."""
    driver.get("about:blank")
    started = time.perf_counter()
    driver.get(url)
    WebDriverWait(driver, 60, poll_frequency=0.01).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#imports-table tbody tr"))
    total = time.perf_counter() - started
    timing = driver.execute_script(
        "const t = performance.getEntriesByType('navigation')[0];"
        "return [t.domContentLoadedEventEnd, t.transferSize];")
    return total, timing[0] / 1000.0


def page_weight(port):
    total = 0
    for name in ("", "console.js", "console.css"):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/_console/" + name)
        total += len(connection.getresponse().read())
        connection.close()
    return total


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv2ddb", required=True)
    parser.add_argument("--objects", type=int, default=100000)
    parser.add_argument("--rows", type=int, default=10000000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="csv2ddb-console-bench-") as work:
        process, port, url = start_local(os.path.abspath(args.csv2ddb), os.path.join(work, "d"))
        try:
            fill_seconds = fill_bucket(port, args.objects)
            print("%d objects in s3://%s in %.1f s" % (args.objects, MANY, fill_seconds), flush=True)
            csv = os.path.join(work, "big.csv")
            subprocess.run([args.csv2ddb, "make-csv", "--rows", str(args.rows), "--output", csv],
                           check=True, stdout=subprocess.DEVNULL)
            print("%d rows, %d bytes" % (args.rows, os.path.getsize(csv)), flush=True)
            threading.Thread(target=lambda: s3_client(port).upload_file(csv, BUCKET, "big.csv"),
                             daemon=True).start()
            deadline = time.time() + 600
            while time.time() < deadline:
                running = [i for i in console_api(port, "imports")["imports"]
                           if i["key"] == "big.csv" and i["counts"].get("rows_read", 0) > 0]
                if running:
                    break
                time.sleep(0.5)
            driver = browser()
            try:
                renders = [first_render(driver, url) for _ in range(args.repeats)]
                started = time.perf_counter()
                driver.find_element(By.CSS_SELECTOR, 'nav button[data-view="buckets"]').click()
                WebDriverWait(driver, 60, poll_frequency=0.01).until(lambda d: [
                    b for b in d.find_elements(By.CSS_SELECTOR, "#buckets-list button")
                    if b.text == MANY])
                [b for b in driver.find_elements(By.CSS_SELECTOR, "#buckets-list button")
                 if b.text == MANY][0].click()
                WebDriverWait(driver, 60, poll_frequency=0.01).until(
                    lambda d: d.find_elements(By.CSS_SELECTOR, "#objects-table tbody tr"))
                bucket_seconds = time.perf_counter() - started
                driver.find_element(By.CSS_SELECTOR, 'nav button[data-view="imports"]').click()
                WebDriverWait(driver, 30).until(lambda d: d.find_elements(
                    By.CSS_SELECTOR, '#imports-table tr[data-key="big.csv"] button'))
                driver.find_element(By.CSS_SELECTOR,
                                    '#imports-table tr[data-key="big.csv"] button').click()
                time.sleep(20)  # twenty progress lines on the chart
                os.makedirs(RESULTS, exist_ok=True)
                driver.save_screenshot(os.path.join(RESULTS, "console_imports.png"))
                status = console_api(port, "import?bucket=%s&key=big.csv" % BUCKET)
            finally:
                driver.quit()
            weight = page_weight(port)
            first = statistics.median(r[0] for r in renders)
            loaded = statistics.median(r[1] for r in renders)
            print("page weight: %d bytes" % weight)
            print("first render with the import running (median of %d): %.3f s to the imports "
                  "table's first row, DOMContentLoaded %.3f s" % (args.repeats, first, loaded))
            print("the %d-object bucket's first page: %.3f s from the click" % (args.objects,
                                                                                bucket_seconds))
            print("the import meanwhile: %s, %s rows read" % (status["status"],
                                                              status["counts"].get("rows_read")))
            with open(os.path.join(RESULTS, "console_render.tsv"), "w") as out:
                out.write("# objects\trows\tpage_bytes\tfirst_render_s\tdom_loaded_s\t"
                          "bucket_page_s\n%d\t%d\t%d\t%.3f\t%.3f\t%.3f\n" % (
                              args.objects, args.rows, weight, first, loaded, bucket_seconds))
        finally:
            process.terminate()
            process.wait(timeout=60)
    return 0


if __name__ == "__main__":
    sys.exit(main())
