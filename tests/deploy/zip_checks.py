"""Checks of the Lambda zip's contents (deploy/package.sh), read with readelf only, so they work
for a cross-built arm64 zip on an x86-64 machine:

- the layout: `bootstrap` (the sh entry point), bin/bootstrap, lib/ with the loader;
- the closure: every NEEDED library of every ELF file is in lib/, every symbol version a file
  needs is defined by the library it names, and every undefined (non-weak) symbol is defined,
  with that version, by a bundled library; so the loader never needs a system library;
- the loader and libc.so.6 come from one glibc build (they share private interfaces).
"""
import os
import re
import subprocess
import zipfile

AMAZON_LINUX_2023_GLIBC = (2, 34)
ENTRY_LINE = re.compile(r'exec \$\{CSV2DDB_EMULATOR:\+"\$CSV2DDB_EMULATOR"\} "\$here/lib/([^"]+)" '
                        r'--library-path "\$here/lib" \\\n  "\$here/bin/bootstrap" "\$@"\n')
SYMBOL = re.compile(r"^\s*\d+:\s+\S+\s+\S+\s+(\S+)\s+(\S+)\s+\S+(?:\s+\[[^\]]*\])?\s+(\S+)\s+(\S+)"
                    r"(?:\s+\((\d+)\))?\s*$")


def readelf(*args):
    return subprocess.run(["readelf", "--wide", *args], check=True, capture_output=True,
                          text=True).stdout


def is_elf(path):
    with open(path, "rb") as f:
        return f.read(4) == b"\x7fELF"


def version_key(name):
    return tuple(int(p) for p in name.split("_", 1)[1].split("."))


class Elf:
    """What the dynamic loader would need from one file and what the file offers others."""

    def __init__(self, path):
        self.path = path
        dynamic = readelf("-d", path)
        self.needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic)
        match = re.search(r"Requesting program interpreter: ([^\]]+)\]", readelf("-l", path))
        self.interpreter = match.group(1) if match else None
        versions = readelf("-V", path)
        # Version needs: index -> (library, version name).
        self.version_needs = {}
        needs = versions.split("Version needs section", 1)
        if len(needs) == 2:
            library = None
            for line in needs[1].splitlines():
                file_match = re.search(r"File: (\S+)", line)
                if file_match:
                    library = file_match.group(1)
                name_match = re.search(r"Name: (\S+)\s+Flags: \S+\s+Version: (\d+)", line)
                if name_match:
                    self.version_needs[int(name_match.group(2))] = (library, name_match.group(1))
        self.defined = set()  # (symbol, version or None)
        self.version_definitions = set()
        definitions = versions.split("Version definition section", 1)
        if len(definitions) == 2:
            text = re.split(r"Version (?:needs|symbols) section", definitions[1])[0]
            self.version_definitions = set(re.findall(r"Name: (\S+)", text))
        self.undefined = []  # (symbol, version index or None) of strong undefined symbols
        for line in readelf("--dyn-syms", path).splitlines():
            m = SYMBOL.match(line)
            if not m:
                continue
            kind, bind, index, name, version_index = m.groups()
            symbol, _, version = name.partition("@")
            version = version.lstrip("@") or None
            if index == "UND":
                if bind != "WEAK" and symbol:
                    self.undefined.append((symbol, int(version_index) if version_index else None,
                                           version))
            elif kind != "SECTION" and bind in ("GLOBAL", "WEAK", "GNU_UNIQUE"):
                self.defined.add((symbol, version))
                self.defined.add((symbol, None))


def unpack(zip_path, target):
    """unzip(1) would do; Python's zipfile keeps the Unix modes only when asked."""
    with zipfile.ZipFile(zip_path) as archive:
        for info in archive.infolist():
            extracted = archive.extract(info, target)
            os.chmod(extracted, (info.external_attr >> 16) & 0o777)
        return sorted(archive.namelist())


def glibc_build(path):
    with open(path, "rb") as f:
        match = re.search(rb"\(Debian GLIBC ([^)]+)\)", f.read())
    return match.group(1).decode() if match else None


def check_unpacked(unpacked, names):
    """Asserts the layout and the closure; returns (loader file name, summary line)."""
    assert {"bootstrap", "bin/bootstrap", "lib/libc.so.6"} <= set(names), names
    assert all(n == "bootstrap" or n.startswith(("bin/", "lib/")) for n in names), names
    with open(os.path.join(unpacked, "bootstrap"), encoding="utf-8") as f:
        script = f.read()
    match = ENTRY_LINE.search(script)
    assert script.startswith("#!/bin/sh\n") and match, script
    loader = match.group(1)
    for entry in ("bootstrap", "bin/bootstrap", "lib/" + loader):
        assert os.access(os.path.join(unpacked, entry), os.X_OK), entry

    lib = os.path.join(unpacked, "lib")
    files = {os.path.join("bin", "bootstrap"): Elf(os.path.join(unpacked, "bin", "bootstrap"))}
    for name in sorted(os.listdir(lib)):
        path = os.path.join(lib, name)
        assert not os.path.islink(path), f"lib/{name} is a symlink (zips keep the file)"
        if is_elf(path):
            files[os.path.join("lib", name)] = Elf(path)
    program = files["bin/bootstrap"]
    assert program.interpreter and os.path.basename(program.interpreter) == loader, \
        (program.interpreter, loader)
    assert glibc_build(os.path.join(lib, loader)) == glibc_build(os.path.join(lib, "libc.so.6")), \
        "the loader and libc.so.6 come from different glibc builds"

    libraries = {os.path.basename(p): elf for p, elf in files.items() if p.startswith("lib")}
    newest = None
    for relative, elf in files.items():
        for needed in elf.needed:
            assert needed in libraries, f"{relative} needs {needed}, which is not in lib/"
        for library, version in elf.version_needs.values():
            assert library in libraries, f"{relative} needs {version} of {library}, not in lib/"
            assert version in libraries[library].version_definitions, \
                f"{relative} needs {version} of {library}; lib/{library} does not define it"
            if version.startswith("GLIBC_2.") and (newest is None or
                                                   version_key(version) > version_key(newest)):
                newest = version
        if os.path.basename(relative) == loader:
            continue
        # The closure the loader searches for this file's symbols: the whole bundle (a superset of
        # the file's own dependency tree, which is all in lib/ as checked above).
        for symbol, index, version in elf.undefined:
            if index is not None and index in elf.version_needs:
                library, version = elf.version_needs[index]
                assert (symbol, version) in libraries[library].defined, \
                    f"{relative}: {symbol}@{version} is not defined by lib/{library}"
            else:
                spelled = symbol + (f"@{version}" if version else "")
                assert any((symbol, version) in other.defined for other in libraries.values()), \
                    f"{relative}: {spelled} is defined by no bundled library"
    beyond = newest and version_key(newest) > AMAZON_LINUX_2023_GLIBC
    summary = (f"{len(files)} ELF files, closed over lib/ (NEEDED, symbol versions, symbols); "
               f"newest glibc version needed {newest}"
               + (" (newer than Amazon Linux 2023's 2.34: the bundled loader and libc provide it)"
                  if beyond else "")
               + f"; loader lib/{loader}, glibc {glibc_build(os.path.join(lib, 'libc.so.6'))}")
    return loader, summary
