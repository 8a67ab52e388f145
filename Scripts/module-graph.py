#!/usr/bin/env python3
"""Prints the package's module graph from `swift package describe --type json`: each module with
the modules of this package it depends on directly (edges implied by another path left out), in
layers from the bottom. The README's "How it is built" shows its output."""
import json, subprocess, sys

described = json.loads(subprocess.run(["swift", "package", "describe", "--type", "json"],
                                      check=True, capture_output=True, text=True).stdout)
targets = {t["name"]: t for t in described["targets"]
           if t["type"] in ("library", "executable", "system-target") and t["name"] != "EmbedResourcesTool"}
deps = {name: [d for d in t.get("target_dependencies", []) if d in targets] for name, t in targets.items()}

def reach(name, seen=None):
    seen = set() if seen is None else seen
    for d in deps[name]:
        if d not in seen:
            seen.add(d)
            reach(d, seen)
    return seen

direct = {}
for name, ds in deps.items():
    implied = set()
    for d in ds:
        implied |= reach(d)
    direct[name] = sorted(d for d in ds if d not in implied)

layer = {}
def depth(name):
    if name not in layer:
        layer[name] = 1 + max((depth(d) for d in deps[name]), default=-1)
    return layer[name]

for name in sorted(targets, key=lambda n: (depth(n), n)):
    external = [p for p in targets[name].get("product_dependencies", [])]
    line = f"{'  ' * depth(name)}{name}"
    if direct[name]:
        line += " -> " + ", ".join(direct[name])
    if external:
        line += "   [" + ", ".join(external) + "]"
    print(line)
