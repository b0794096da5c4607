#!/usr/bin/env python3
"""deploy/template.yaml passes cfn-lint (the Python cfn-lint 1.x, not npm's old package) with
no errors. Warnings are printed but allowed; the template currently has none. A copy broken on
purpose (a Ref to no resource, a runtime that does not exist) must fail, so a linter that checks
nothing cannot pass."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TEMPLATE = os.path.join(ROOT, "deploy", "template.yaml")


def find_cfn_lint():
    # npm's cfn-lint in tools/node_modules is years out of date: never use it.
    paths = [p for p in os.environ.get("PATH", "").split(os.pathsep) if "node_modules" not in p]
    return shutil.which("cfn-lint", path=os.pathsep.join(paths))


def lint(cfn_lint, path):
    """(errors, all findings, exit status) of cfn-lint on one template."""
    run = subprocess.run([cfn_lint, "--format", "json", path], capture_output=True, text=True)
    findings = json.loads(run.stdout or "[]")
    return [f for f in findings if f.get("Level") == "Error"], findings, run.returncode


def main():
    cfn_lint = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] else find_cfn_lint()
    if not cfn_lint:
        print("cfn-lint not found (pip install cfn-lint)")
        return 1
    version = subprocess.run([cfn_lint, "--version"], capture_output=True, text=True).stdout
    if not version.startswith("cfn-lint 1."):
        print(f"{cfn_lint} is {version.strip()!r}; need the Python cfn-lint 1.x")
        return 1
    errors, findings, status = lint(cfn_lint, TEMPLATE)
    for finding in findings:
        location = finding.get("Location", {}).get("Start", {})
        print(f"{finding.get('Level')} {finding['Rule']['Id']} line {location.get('LineNumber')}: "
              f"{finding.get('Message')}")
    if status & 2 or errors:
        print(f"cfn-lint found {len(errors)} error(s) (exit {status})")
        return 1

    with open(TEMPLATE, encoding="utf-8") as f:
        text = f.read()
    broken = text.replace("Runtime: provided.al2023", "Runtime: provided.al2099", 1).replace(
        "Roles: [{Ref: LambdaExecutionRole}]", "Roles: [{Ref: NoSuchRole}]", 1)
    assert broken != text
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", encoding="utf-8") as copy:
        copy.write(broken)
        copy.flush()
        broken_errors, _, broken_status = lint(cfn_lint, copy.name)
    rules = sorted({e["Rule"]["Id"] for e in broken_errors})
    if not broken_status & 2 or len(rules) < 2:
        print(f"cfn-lint did not fail the broken copy: exit {broken_status}, rules {rules}")
        return 1
    print(f"the broken copy fails as it should: {rules}")
    print(f"cfn-lint ({version.strip()}): no errors, {len(findings)} other finding(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
