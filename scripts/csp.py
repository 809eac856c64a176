#!/usr/bin/env python3
"""Trunk post-build hook: add a strict Content-Security-Policy to the release build.

Trunk inlines a small module script that loads the Wasm; its SHA-256 goes into script-src, so
no other inline script can run. Debug builds (`make serve`) are left alone: trunk serve adds a
live-reload script and websocket that a strict policy would block.

First it runs scripts/offline.py (service worker precache list and registration script), so the
registration script is hashed too. Trunk runs one stage's hooks concurrently: keep this the only
post_build hook that edits index.html.
"""
import base64
import hashlib
import os
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in scripts/
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import offline  # noqa: E402

if os.environ.get("TRUNK_PROFILE") != "release":
    sys.exit(0)

path = os.path.join(os.environ["TRUNK_STAGING_DIR"], "index.html")
with open(path, encoding="utf-8") as f:
    html = f.read()

html = offline.apply(os.environ["TRUNK_STAGING_DIR"], html)

hashes = []
for body in re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, flags=re.S):
    digest = hashlib.sha256(body.encode("utf-8")).digest()
    hashes.append("'sha256-%s'" % base64.b64encode(digest).decode("ascii"))

policy = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self' 'wasm-unsafe-eval' " + " ".join(hashes),
        "style-src 'self'",
        # Yew sets style attributes (bar widths); attributes cannot run code.
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
    ]
)
meta = '<meta http-equiv="Content-Security-Policy" content="%s" />' % policy
if "Content-Security-Policy" in html:
    sys.exit("index.html already has a Content-Security-Policy")
html = html.replace('<meta charset="utf-8" />', '<meta charset="utf-8" />\n    ' + meta, 1)
if meta not in html:
    sys.exit('csp.py: <meta charset="utf-8" /> not found in index.html')
with open(path, "w", encoding="utf-8") as f:
    f.write(html)
print("csp.py: Content-Security-Policy added (%d inline script hash(es))" % len(hashes))
