#!/usr/bin/env python3
"""Decisions on error codes go through named codes (src/aws/error_codes.hpp and each layer's
own constants), never a string literal compared in place: a typo there would change behaviour
silently. Fails on any comparison of something named *code (code, error_code) with a string literal in src/,
outside the one file whose tables map wire codes to decisions.

  check_error_codes.py --src SRC
  check_error_codes.py --self-test
"""
import argparse
import re
import sys

from sources import read_sources

TABLES = {"aws/error_codes.cpp"}
# `x.code == "Lit"`, `code != "Lit"`, `error().code == "Lit"`, and the literal first.
CODE_FIRST = re.compile(r'\b\w*code\b(\(\))?\s*[!=]=\s*"')
LITERAL_FIRST = re.compile(r'"\s*[!=]=\s*[\w.>\-\[\]()]*code\b')


def violations(files):
    found = []
    for path, text in sorted(files.items()):
        if path in TABLES:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            code_part = line.split("//", 1)[0]
            if CODE_FIRST.search(code_part) or LITERAL_FIRST.search(code_part):
                found.append(f"src/{path}:{number}: {line.strip()}")
    return found



def self_test():
    cases = {
        "a.cpp": 'if (error.code == "NoSuchKey") return;\n',
        "b.cpp": 'if (response.error().code != "NoSuchUpload") x();\n',
        "c.cpp": 'if ("Throttling" == failure.code) y();\n',
        "e.cpp": 'if (outcome.error_code == "ValidationException") w();\n',
        "d.cpp": 'if (has_code(error, code::kNoSuchKey)) z();  // not: code == "x"\n',
        "aws/error_codes.cpp": 'return entry.code == "Throttling";\n',
    }
    found = violations(cases)
    assert [f.split(":")[0] for f in found] == ["src/a.cpp", "src/b.cpp", "src/c.cpp", "src/e.cpp"], found
    print("check_error_codes self-test: ok")
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--src")
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    if args.self_test:
        return self_test()
    found = violations(read_sources(args.src))
    for line in found:
        print(line)
    print(f"check_error_codes: {len(found)} comparisons of an error code with a literal")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
