#!/usr/bin/env python3
"""Trunk post-build hook: add a strict Content-Security-Policy to the release build.

The policy allows what issue 5 asks for and nothing else: scripts from the page's own origin
and `wasm-unsafe-eval` (to compile the Wasm); styles, images, the worker and fetches from the
origin only. No inline scripts and no inline styles: Trunk's small loader (an inline module
script) is moved into a file of its own here, the service worker registration is a file
(scripts/offline.py), and the page sets no style attributes (it uses classes and the CSS object
model). Debug builds (`make serve`) are left alone: trunk serve adds a live-reload script and
websocket that a strict policy would block.

The loader is moved first, then scripts/offline.py runs (the precache list then includes both
script files). Trunk runs one stage's hooks concurrently: keep this the only post_build hook
that edits index.html.
"""
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

staging = os.environ["TRUNK_STAGING_DIR"]
INLINE = re.compile(r"<script((?![^>]*\bsrc=)[^>]*)>(.*?)</script>", flags=re.S)


def externalise(match):
    """An inline script → the same script in a file named by its content's hash."""
    attrs, body = match.group(1), match.group(2)
    name = "inline-%s.js" % hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]
    with open(os.path.join(staging, name), "w", encoding="utf-8") as f:
        f.write(body)
    return '<script%s src="./%s"></script>' % (attrs, name)


moved = len(INLINE.findall(html))
html = INLINE.sub(externalise, html)
html = offline.apply(staging, html)
if INLINE.search(html):
    sys.exit("csp.py: an inline script is left in index.html")

policy = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "style-src 'self'",
        "img-src 'self'",
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
print("csp.py: Content-Security-Policy added (%d inline script(s) moved to files)" % moved)
