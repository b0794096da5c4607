#!/usr/bin/env python3
"""deploy/template.yaml passes cfn-lint (the Python cfn-lint 1.x, not npm's old package) with
no errors. Warnings are printed but allowed; the template currently has none."""
import json
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TEMPLATE = os.path.join(ROOT, "deploy", "template.yaml")


def find_cfn_lint():
    # npm's cfn-lint in tools/node_modules is years out of date: never use it.
    paths = [p for p in os.environ.get("PATH", "").split(os.pathsep) if "node_modules" not in p]
    return shutil.which("cfn-lint", path=os.pathsep.join(paths))


def main():
    cfn_lint = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] else find_cfn_lint()
    if not cfn_lint:
        print("cfn-lint not found (pip install cfn-lint)")
        return 1
    version = subprocess.run([cfn_lint, "--version"], capture_output=True, text=True).stdout
    if not version.startswith("cfn-lint 1."):
        print(f"{cfn_lint} is {version.strip()!r}; need the Python cfn-lint 1.x")
        return 1
    run = subprocess.run([cfn_lint, "--format", "json", TEMPLATE], capture_output=True, text=True)
    findings = json.loads(run.stdout or "[]")
    errors = [f for f in findings if f.get("Level") == "Error"]
    for finding in findings:
        location = finding.get("Location", {}).get("Start", {})
        print(f"{finding.get('Level')} {finding['Rule']['Id']} line {location.get('LineNumber')}: "
              f"{finding.get('Message')}")
    if run.returncode & 2 or errors:
        print(f"cfn-lint found {len(errors)} error(s) (exit {run.returncode})")
        return 1
    print(f"cfn-lint ({version.strip()}): no errors, {len(findings)} other finding(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
