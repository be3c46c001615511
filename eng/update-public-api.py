"""Applies RS0016/RS0017 diagnostics from a build log to PublicAPI.Unshipped.txt (see update-public-api.sh)."""
import pathlib
import re
import sys

project_dir = pathlib.Path(sys.argv[1]).resolve()
log = pathlib.Path(sys.argv[2]).read_text()
unshipped = project_dir / "PublicAPI.Unshipped.txt"
lines = unshipped.read_text().splitlines()
header, body = lines[0], [l for l in lines[1:] if l.strip()]


def symbols(rule, text):
    found = set()
    for m in re.finditer(rf"(?:error|warning) {rule}: Symbol '(.+?)' is .*?\[(.+?)\]$", log, re.M):
        if m.group(2).startswith(str(project_dir)):
            found.add(m.group(1))
    return found


add = symbols("RS0016", log)
remove = symbols("RS0017", log)
body = sorted((set(body) - remove) | add, key=str.lower)
unshipped.write_text("\n".join([header] + body) + "\n")
print(f"{project_dir.name}: +{len(add)} -{len(remove)}")
