#!/usr/bin/env python3
"""Records the public API of each shipped package in its PublicAPI.Unshipped.txt.

Builds the solution (or the projects given as arguments), reads the public-API analyzer's
RS0016 (symbol missing from the declared API) and RS0017 (declared symbol no longer exists)
diagnostics, and adds or removes the named symbols. Run it after changing public surface,
then review the diff of the PublicAPI.*.txt files like any other change.
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIAG = re.compile(r"^(?P<file>/[^(]+)\(\d+,\d+\): error (?P<id>RS001[67]): Symbol '(?P<sym>.+?)' (?:is not part of|is part of)[^\[]*\[(?P<proj>[^\]]+\.csproj)")


def main() -> int:
    targets = sys.argv[1:] or [os.path.join(ROOT, "Swarm.sln")]
    for _ in range(3):
        changed = False
        adds: dict[str, set[str]] = {}
        removes: dict[str, set[str]] = {}
        for target in targets:
            out = subprocess.run(["dotnet", "build", target, "-nologo", "-clp:NoSummary"],
                                 cwd=ROOT, capture_output=True, text=True).stdout
            for line in out.splitlines():
                m = DIAG.match(line.strip())
                if not m:
                    continue
                folder = os.path.dirname(m.group("proj"))
                (adds if m.group("id") == "RS0016" else removes).setdefault(folder, set()).add(m.group("sym"))
        for folder in set(adds) | set(removes):
            path = os.path.join(folder, "PublicAPI.Unshipped.txt")
            lines = open(path).read().splitlines() if os.path.exists(path) else ["#nullable enable"]
            body = [l for l in lines[1:] if l and l not in removes.get(folder, set())]
            body = sorted(set(body) | adds.get(folder, set()), key=str.lower)
            new = "\n".join(["#nullable enable", *body]) + "\n"
            if new != "\n".join(lines) + "\n":
                open(path, "w").write(new)
                changed = True
                print(f"updated {os.path.relpath(path, ROOT)}: +{len(adds.get(folder, ()))} -{len(removes.get(folder, ()))}")
        if not changed:
            return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
