"""Web identity tokens for tests: an RSA key pair made with the openssl command line and RS256
JWTs signed with it (no Python crypto package needed)."""
import base64
import json
import os
import subprocess
import time


def make_key_pair(folder):
    """Writes oidc.key (private) and oidc.pub (public, PEM) into folder; returns their paths."""
    private = os.path.join(folder, "oidc.key")
    public = os.path.join(folder, "oidc.pub")
    subprocess.run(["openssl", "genrsa", "-out", private, "2048"], check=True,
                   capture_output=True)
    subprocess.run(["openssl", "rsa", "-in", private, "-pubout", "-out", public], check=True,
                   capture_output=True)
    return private, public


def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_jwt(private_key, subject="ci-job", lifetime=3600, alg="RS256", **claims):
    """An RS256 JWT with iss, sub, aud and exp (now + lifetime, negative for an expired one)."""
    header = {"alg": alg, "typ": "JWT"}
    body = {"iss": "https://token.actions.example", "sub": subject, "aud": "sts.amazonaws.com",
            "exp": int(time.time()) + lifetime}
    body.update(claims)
    signing_input = (_b64url(json.dumps(header).encode()) + "." +
                     _b64url(json.dumps(body).encode()))
    signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", private_key],
                               input=signing_input.encode(), check=True,
                               capture_output=True).stdout
    return signing_input + "." + _b64url(signature)
