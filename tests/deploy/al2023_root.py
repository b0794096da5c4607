"""A bare root folder laid out as the parts of provided.al2023 the zip may touch, for chroot:
the function in /var/task, Amazon Linux's CA bundle at /etc/pki/tls/certs/ca-bundle.crt with
/etc/ssl/certs a link to it (so Debian's /etc/ssl/certs/ca-certificates.crt is absent), /tmp,
and a /bin/sh. Nothing of Debian's arm64 world is there (no /lib/aarch64-linux-gnu, no
/usr/lib/ssl/openssl.cnf, no locales), so a zip that needed any of it fails here."""
import os
import shutil
import subprocess

# Lambda's own environment for provided.al2023 (the runtime image's defaults).
LAMBDA_ENV = {
    "LANG": "en_US.UTF-8",
    "TZ": ":/etc/localtime",
    "PATH": "/usr/local/bin:/usr/bin/:/bin:/opt/bin",
    "LD_LIBRARY_PATH": "/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:"
                       "/opt/lib",
    "LAMBDA_TASK_ROOT": "/var/task",
    "LAMBDA_RUNTIME_DIR": "/var/runtime",
}


def copy_program(root, program):
    """Copies an executable of this machine and the libraries ldd lists, at the same paths."""
    paths = [program]
    listing = subprocess.run(["ldd", program], check=True, capture_output=True, text=True).stdout
    for line in listing.splitlines():
        parts = [p for p in line.split() if p.startswith("/")]
        if parts:
            paths.append(parts[0])
    for path in paths:
        target = os.path.join(root, path.lstrip("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(os.path.realpath(path), target)


def make_root(root, unpacked, ca_bundle_pem, emulator=None):
    shutil.copytree(unpacked, os.path.join(root, "var", "task"), symlinks=False)
    certs = os.path.join(root, "etc", "pki", "tls", "certs")
    os.makedirs(certs)
    with open(os.path.join(certs, "ca-bundle.crt"), "w", encoding="utf-8") as f:
        f.write(ca_bundle_pem)
    os.makedirs(os.path.join(root, "etc", "ssl"))
    os.symlink("../pki/tls/certs", os.path.join(root, "etc", "ssl", "certs"))
    os.makedirs(os.path.join(root, "tmp"), mode=0o1777)
    copy_program(root, "/bin/sh")  # this machine's sh (dash) stands in for Amazon Linux's bash
    if emulator:  # static: no libraries to copy
        target = os.path.join(root, emulator.lstrip("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(emulator, target)


def chroot_command(root, *argv):
    """chroot needs root; elsewhere a user namespace gives it (where the kernel allows one)."""
    prefix = [] if os.geteuid() == 0 else ["unshare", "--user", "--map-root-user"]
    chroot = shutil.which("chroot") or "/usr/sbin/chroot"
    return prefix + [chroot, root, *argv]
