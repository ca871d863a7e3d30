"""Count passed and failed tests in a log of the ADL LRS conformance suite (the JSON its runner writes).

A test is a leaf of the log tree; its status is its own. Prints "passed/total" and, with --failures, the
title path of every failed test with the first line of its error.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def leaves(node: dict[str, Any], path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], dict[str, Any]]]:
    children = node.get("tests") or []
    here = (*path, node.get("title", "")) if node.get("title") else path
    if not children:
        return [(here, node)]
    out = []
    for child in children:
        out.extend(leaves(child, here))
    return out


def main(argv: list[str]) -> int:
    with open(argv[1], encoding="utf-8") as fh:
        log = json.load(fh)
    tests = leaves(log["log"])
    passed = sum(1 for _, t in tests if t.get("status") == "passed")
    print(f"passed/total: {passed}/{len(tests)}")
    if "--failures" in argv:
        for path, test in tests:
            if test.get("status") != "passed":
                error = str(test.get("error", "")).strip().splitlines()
                print(" > ".join(path[-3:]), "::", error[0][:200] if error else test.get("status"))
    return 0 if passed == len(tests) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
