"""Release builds work offline: fill in static/sw.js and register it from index.html.

Called by scripts/csp.py (Trunk's post-build hook) *before* it computes the Content-Security-
Policy, so the registration script's hash ends up in script-src. Trunk runs the hooks of one
stage concurrently, which is why this is not a hook of its own.

- sw.js gets the list of files to cache at install (index.html and every hashed asset: JS, Wasm,
  CSS) and a version: a hash of those files' contents, so every new build installs a new worker
  whose `activate` deletes the old build's cache.
- index.html gets a tiny script (`sw-register.js`, a file: no inline scripts) that registers `./sw.js` (relative: the app may be hosted
  under a sub-path such as /berth/). Debug builds are never touched, so `trunk serve`'s live
  reload is never answered from a cache.
"""
import hashlib
import json
import os

PLACEHOLDER_LIST = "/* __BERTH_PRECACHE__ */ []"
PLACEHOLDER_VERSION = "__BERTH_VERSION__"
SW = "sw.js"
# Registered after `load` so the worker's install (which downloads the assets once more, into
# its cache) never competes with the first start. Errors are ignored: without a worker the app
# still works, only not offline (e.g. on plain http that is not localhost).
# A file of its own, not an inline script: the Content-Security-Policy allows scripts from the
# page's origin only (scripts/csp.py).
REGISTER_FILE = "sw-register.js"
REGISTER_JS = (
    "if('serviceWorker' in navigator){addEventListener('load',function(){"
    "navigator.serviceWorker.register('./sw.js').catch(function(){});});}\n"
)
REGISTER = '<script src="./%s"></script>' % REGISTER_FILE


def precache_files(staging):
    """Every file of the build except the worker itself, as '/'-separated relative paths."""
    out = []
    for root, _dirs, files in os.walk(staging):
        for name in files:
            rel = os.path.relpath(os.path.join(root, name), staging).replace(os.sep, "/")
            if rel != SW and not rel.startswith("."):
                out.append(rel)
    return sorted(out)


def apply(staging, html):
    """Fill in sw.js in `staging`; return index.html's text with the registration script."""
    sw_path = os.path.join(staging, SW)
    if not os.path.exists(sw_path):
        raise SystemExit("offline.py: %s missing from the build (static/index.html must copy it)" % SW)
    with open(sw_path, encoding="utf-8") as f:
        sw = f.read()
    if PLACEHOLDER_LIST not in sw or PLACEHOLDER_VERSION not in sw:
        raise SystemExit("offline.py: the placeholders are missing from %s" % sw_path)
    with open(os.path.join(staging, REGISTER_FILE), "w", encoding="utf-8") as f:
        f.write(REGISTER_JS)
    files = precache_files(staging)
    if "index.html" not in files:
        raise SystemExit("offline.py: index.html missing from the build")
    digest = hashlib.sha256()
    for rel in files:
        digest.update(rel.encode("utf-8") + b"\0")
        if rel == "index.html":
            digest.update(html.encode("utf-8"))
        else:
            with open(os.path.join(staging, rel), "rb") as f:
                digest.update(f.read())
        digest.update(b"\0")
    version = digest.hexdigest()[:16]
    urls = ["./" + rel for rel in files]
    sw = sw.replace(PLACEHOLDER_LIST, json.dumps(urls)).replace(PLACEHOLDER_VERSION, version)
    with open(sw_path, "w", encoding="utf-8") as f:
        f.write(sw)
    if "</head>" not in html:
        raise SystemExit("offline.py: </head> not found in index.html")
    html = html.replace("</head>", "  " + REGISTER + "\n  </head>", 1)
    print("offline.py: sw.js caches %d files (version %s); registration added" % (len(urls), version))
    return html
