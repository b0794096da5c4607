"""The C++ sources under src/, read once for the lint checks."""
import os


def read_sources(src, suffixes=(".cpp", ".hpp")):
    """{path relative to src: text} of every file with one of the suffixes."""
    files = {}
    for root, _, names in os.walk(src):
        for name in names:
            if name.endswith(suffixes):
                full = os.path.join(root, name)
                with open(full, encoding="utf-8", errors="replace") as f:
                    files[os.path.relpath(full, src)] = f.read()
    return files
