#!/usr/bin/env python3
"""docs/openapi.yaml is docs/openapi.json rendered by PyYAML (Debian's
python3-yaml); the binary embeds both files as they are committed.

  scripts/openapi_yaml.py          writes docs/openapi.yaml from the JSON
  scripts/openapi_yaml.py --check  fails unless docs/openapi.yaml is exactly
                                   that rendering and reads back (YAML 1.1,
                                   safe_load) as the same document as the JSON

The test step runs --check (CTest: docs.openapi_yaml).
"""
import json
import pathlib
import sys

import yaml

root = pathlib.Path(__file__).resolve().parent.parent
json_path = root / "docs" / "openapi.json"
yaml_path = root / "docs" / "openapi.yaml"
header = "# Generated from docs/openapi.json by scripts/openapi_yaml.py: edit the JSON.\n"


def render(doc):
    # Keys in the JSON's order; strings that would read back as another type
    # (yes, null, dates, numbers) are quoted by safe_dump.
    return header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)


def main():
    doc = json.loads(json_path.read_text(encoding="utf-8"))
    expected = render(doc)
    if sys.argv[1:] == ["--check"]:
        actual = yaml_path.read_text(encoding="utf-8")
        if actual != expected:
            print(f"{yaml_path} is not the rendering of {json_path}: run scripts/openapi_yaml.py",
                  file=sys.stderr)
            return 1
        if yaml.safe_load(actual) != doc:
            print(f"{yaml_path} does not read back as {json_path}", file=sys.stderr)
            return 1
        print("docs/openapi.yaml is docs/openapi.json, rendered")
        return 0
    if sys.argv[1:]:
        print(__doc__, file=sys.stderr)
        return 2
    yaml_path.write_text(expected, encoding="utf-8")
    return 0


sys.exit(main())
