#!/usr/bin/env python3
"""The layering rule of ARCHITECTURE.md ("Layout"), checked in the link graph and the includes.

csv and model know nothing of ours but common; ingest knows csv and model; the AWS clients
(aws) do not know the engine; the adapters join the two; the Lambda function never links the
local AWS or the command line; the local AWS never links the engine (it runs `bootstrap` as a
process). The link graph comes from the build (layer_graph.txt, written by CMake from each
library's LINK_LIBRARIES); the includes from the sources.

  check_layers.py --graph BUILD/layer_graph.txt --src SRC
  check_layers.py --self-test      (the checks find a broken graph and a stray include)
"""
import argparse
import re
import sys

from sources import read_sources

# What each layer may depend on, transitively (itself included).
ALLOWED = {
    "common": {"common"},
    "csv": {"common", "csv"},
    "model": {"common", "model"},
    "ingest": {"common", "csv", "model", "ingest"},
    "aws": {"common", "model", "aws"},
    "adapters": {"common", "csv", "model", "ingest", "aws", "adapters"},
    "lambda": {"common", "csv", "model", "ingest", "aws", "adapters", "lambda"},
    "local": {"common", "csv", "model", "aws", "local"},
    "cli": {"common", "csv", "model", "ingest", "aws", "adapters", "local", "cli"},
}
PREFIX = "csv2ddb_"


def parse_graph(text):
    """{layer: {directly linked layers}} from 'csv2ddb_x: a;b;c' lines (ours only)."""
    graph = {}
    for line in text.splitlines():
        if ":" not in line:
            continue
        target, links = line.split(":", 1)
        target = target.strip()
        if not target.startswith(PREFIX):
            continue
        layer = target[len(PREFIX):]
        deps = set()
        for link in re.split(r"[;\s]+", links.strip()):
            if link.startswith(PREFIX) and link[len(PREFIX):] in ALLOWED:
                deps.add(link[len(PREFIX):])
        graph[layer] = deps
    return graph


def closure(graph, layer):
    seen, todo = set(), [layer]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        todo.extend(graph.get(current, ()))
    return seen


def link_violations(graph):
    problems = []
    for layer in sorted(graph):
        if layer not in ALLOWED:
            continue
        for reached in sorted(closure(graph, layer) - ALLOWED[layer]):
            problems.append(f"link: csv2ddb_{layer} reaches csv2ddb_{reached}")
    return problems


INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/', re.M)


def include_violations(files):
    """files: {path relative to src: text}."""
    problems = []
    for path, text in sorted(files.items()):
        layer = path.split("/", 1)[0]
        if layer not in ALLOWED:
            continue
        for included in INCLUDE.findall(text):
            if included in ALLOWED and included not in ALLOWED[layer]:
                problems.append(f"include: src/{path} includes {included}/")
    return problems



def self_test():
    good = "csv2ddb_aws: csv2ddb_common;csv2ddb_model;CURL::libcurl\ncsv2ddb_model: csv2ddb_common\n"
    bad = good + "csv2ddb_local: csv2ddb_aws;csv2ddb_adapters\ncsv2ddb_adapters: csv2ddb_ingest\n"
    assert link_violations(parse_graph(good)) == [], "a good graph passes"
    found = link_violations(parse_graph(bad))
    assert "link: csv2ddb_local reaches csv2ddb_ingest" in found, found
    assert "link: csv2ddb_local reaches csv2ddb_adapters" in found, found
    stray = include_violations({"aws/x.cpp": '#include "ingest/report.hpp"\n',
                                "ingest/y.cpp": '#include "model/json.hpp"\n'})
    assert stray == ["include: src/aws/x.cpp includes ingest/"], stray
    print("check_layers self-test: ok")
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--graph")
    parser.add_argument("--src")
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    if args.self_test:
        return self_test()
    with open(args.graph) as f:
        graph = parse_graph(f.read())
    missing = [layer for layer in ("common", "csv", "model", "ingest", "aws", "adapters")
               if layer not in graph]
    problems = [f"graph: no csv2ddb_{layer}" for layer in missing]
    problems += link_violations(graph) + include_violations(read_sources(args.src, (".cpp", ".hpp", ".in")))
    for problem in problems:
        print(problem)
    print(f"check_layers: {len(graph)} libraries, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
