#!/usr/bin/env python3
"""Render the small subset of Helm template syntax used by KubeFed v0.10.0's
kubefedconfig.yaml and federatedtypeconfig.yaml chart templates.

No helm binary is available here, and these two templates only use:
  {{ .Release.Namespace }}
  {{ .Values.a.b | default X }}            (X: "string", number or bare word)
  {{ .Values.a.b | default X | quote }}
  {{- if .Values.x }} ... {{- end }}       (and `or a b` conditions)
  the {{- / -}} whitespace trimming markers
Anything else makes the renderer fail loudly rather than emit bad YAML.

usage: render_helm.py TEMPLATE --namespace NS [--set key=value ...] [--truthy key ...]
Values not given are unset, so `default` applies (the chart's own defaults).
--truthy marks a .Values path as set for `if` (e.g. featureGates, which the
subchart's values.yaml sets to a map, so the chart renders that block).
"""
import argparse
import re
import sys

TOKEN = re.compile(r"\{\{(-?)\s*(.*?)\s*(-?)\}\}", re.S)


def lookup(expr, ctx):
    expr = expr.strip()
    if expr == ".Release.Namespace":
        return ctx["namespace"]
    if expr.startswith(".Values."):
        return ctx["values"].get(expr[len(".Values."):])
    if expr.startswith('"') and expr.endswith('"'):
        return expr[1:-1]
    if re.fullmatch(r"-?\d+(\.\d+)?", expr):
        return expr
    raise SystemExit(f"render_helm: unsupported expression {expr!r}")


def evaluate(expr, ctx):
    parts = [p.strip() for p in expr.split("|")]
    val = lookup(parts[0], ctx)
    quoted = False
    for fn in parts[1:]:
        if fn.startswith("default "):
            if val in (None, "", False):
                arg = fn[len("default "):].strip()
                val = arg[1:-1] if arg.startswith('"') else arg
        elif fn == "quote":
            quoted = True
        else:
            raise SystemExit(f"render_helm: unsupported function {fn!r}")
    if val is None:
        val = ""
    return '"%s"' % str(val).replace('"', '\\"') if quoted else str(val)


def truthy(cond, ctx):
    cond = cond.strip()
    if cond.startswith("or "):
        return any(truthy(c, ctx) for c in cond[3:].split())
    if cond.startswith(".Values."):
        key = cond[len(".Values."):]
        return key in ctx["truthy"] or bool(ctx["values"].get(key))
    raise SystemExit(f"render_helm: unsupported condition {cond!r}")


def render(text, ctx):
    out = []
    stack = [True]  # emit?
    pos = 0
    for m in TOKEN.finditer(text):
        if m.start() < pos:  # inside whitespace eaten by a previous -}}
            raise SystemExit("render_helm: overlapping tags")
        ltrim, body, rtrim = m.groups()
        chunk = text[pos:m.start()]
        if ltrim:
            chunk = chunk.rstrip()
        if stack[-1]:
            out.append(chunk)
        pos = m.end()
        if rtrim:
            while pos < len(text) and text[pos].isspace():
                pos += 1
        if body.startswith("if "):
            stack.append(stack[-1] and truthy(body[3:], ctx))
        elif body == "end":
            if len(stack) == 1:
                raise SystemExit("render_helm: unbalanced {{ end }}")
            stack.pop()
        elif body.startswith("/*"):
            pass
        elif stack[-1]:
            out.append(evaluate(body, ctx))
    if len(stack) != 1:
        raise SystemExit("render_helm: unterminated {{ if }}")
    out.append(text[pos:])
    return "".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("template")
    ap.add_argument("--namespace", required=True)
    ap.add_argument("--set", action="append", default=[])
    ap.add_argument("--truthy", action="append", default=[])
    a = ap.parse_args()
    values = dict(kv.split("=", 1) for kv in a.set)
    with open(a.template) as f:
        text = f.read()
    sys.stdout.write(render(text, {"namespace": a.namespace, "values": values, "truthy": set(a.truthy)}))


if __name__ == "__main__":
    main()
