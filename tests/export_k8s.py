#!/usr/bin/env python3
"""Check that `berth export --k8s` writes Kubernetes objects the official client models accept.

Usage:
    python3 tests/export_k8s.py DIR_OR_FILE...

Every *.yaml file (a directory is searched for *.yaml) is read with PyYAML (a YAML 1.1 reader,
so a string the exporter forgot to quote, such as `on` or `512`, comes back as a boolean or a
number and is caught). Each document is then deserialised into the model class of its kind from
the official Kubernetes Python client (`kubernetes.client.ApiClient().deserialize`, the code the
client runs on API server responses, with client-side validation of required fields and enum
values), and serialised back with `sanitize_for_serialization`: anything that does not come back
identical — an unknown field the model silently dropped, a value of the wrong type — is reported
with its path. Unknown kinds and apiVersions are errors. Nothing is sent to a cluster.

Prints one line per problem and a summary `export-k8s: N documents valid, M invalid`; exits 1 if
any document is invalid, 2 on usage errors or when the kubernetes package is missing.

Setup (once):
    .tools/venv/bin/pip install -r scripts/python-requirements.txt
    berth export --k8s docs/examples/scenarios/k8s-deployment.json --out /tmp/k8s
    .tools/venv/bin/python tests/export_k8s.py /tmp/k8s
"""

import json
import os
import sys


def load_client():
    try:
        import kubernetes.client
        import yaml
    except ImportError:
        print("export-k8s: the kubernetes package is not installed (pip install kubernetes)", file=sys.stderr)
        sys.exit(2)
    return kubernetes.client, yaml


class FakeResponse:
    """What ApiClient.deserialize expects: an object with the JSON body in `.data`."""

    def __init__(self, doc):
        self.data = json.dumps(doc)


def model_name(api_version, kind):
    """`apps/v1` + `Deployment` → `V1Deployment`; `autoscaling/v2` → `V2HorizontalPodAutoscaler`."""
    version = api_version.split("/")[-1]
    return version[:1].upper() + version[1:] + kind


def differences(want, got, path):
    """Paths where the round-tripped value differs from the document."""
    if isinstance(want, dict) and isinstance(got, dict):
        out = []
        for k in want:
            p = f"{path}.{k}" if path else k
            if k not in got:
                out.append(f"{p}: unknown field (the model dropped it)")
            else:
                out.extend(differences(want[k], got[k], p))
        for k in got:
            if k not in want:
                out.append(f"{path}.{k}: added by the model" if path else f"{k}: added by the model")
        return out
    if isinstance(want, list) and isinstance(got, list):
        if len(want) != len(got):
            return [f"{path}: {len(want)} items became {len(got)}"]
        out = []
        for i, (w, g) in enumerate(zip(want, got)):
            out.extend(differences(w, g, f"{path}[{i}]"))
        return out
    if type(want) is not type(got) or want != got:
        return [f"{path}: {want!r} came back as {got!r}"]
    return []


def check_document(client, api, doc):
    """Returns a list of problems (empty when valid)."""
    if not isinstance(doc, dict):
        return [f"a document must be a mapping, got {type(doc).__name__}"]
    kind, api_version = doc.get("kind"), doc.get("apiVersion")
    if not isinstance(kind, str) or not isinstance(api_version, str):
        return ["apiVersion and kind are required strings"]
    name = model_name(api_version, kind)
    if not hasattr(client.models, name):
        return [f"unknown kind {kind} in {api_version} (no model {name} in the kubernetes client)"]
    try:
        obj = api.deserialize(FakeResponse(doc), name)
    except (ValueError, TypeError) as e:
        return [f"{kind}: the {name} model rejects it: {e}"]
    back = api.sanitize_for_serialization(obj)
    return differences(doc, back, "")


def yaml_files(args):
    files = []
    for a in args:
        if os.path.isdir(a):
            for root, _, names in os.walk(a):
                files.extend(os.path.join(root, n) for n in names if n.endswith(".yaml"))
        else:
            files.append(a)
    return sorted(files)


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    client, yaml = load_client()
    api = client.ApiClient()
    files = yaml_files(argv[1:])
    if not files:
        print("export-k8s: no .yaml files found", file=sys.stderr)
        return 2
    valid = invalid = 0
    for path in files:
        try:
            with open(path, encoding="utf-8") as f:
                docs = [d for d in yaml.safe_load_all(f) if d is not None]
        except (OSError, yaml.YAMLError) as e:
            print(f"{path}: cannot read: {e}")
            invalid += 1
            continue
        if not docs:
            print(f"{path}: no documents")
            invalid += 1
        for i, doc in enumerate(docs):
            problems = check_document(client, api, doc)
            label = f"{path}: document {i + 1}"
            if isinstance(doc, dict):
                label += f" ({doc.get('kind')} {(doc.get('metadata') or {}).get('name')})"
            for p in problems:
                print(f"{label}: {p}")
            if problems:
                invalid += 1
            else:
                valid += 1
    print(f"export-k8s: {valid} documents valid, {invalid} invalid")
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
