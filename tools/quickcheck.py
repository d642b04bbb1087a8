"""Stop-gap check used while the real validator is being written:
validates front matter of the given Markdown files against a JSON Schema.
Usage: .venv/bin/python tools/quickcheck.py schema/fiche.schema.json fiches/*.md"""
import json, sys, yaml, jsonschema
schema = json.load(open(sys.argv[1], encoding="utf-8"))
v = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
class L(yaml.SafeLoader): pass
L.yaml_implicit_resolvers = {k: [r for r in rs if r[0] != "tag:yaml.org,2002:timestamp"] for k, rs in yaml.SafeLoader.yaml_implicit_resolvers.items()}
bad = 0
for p in sys.argv[2:]:
    t = open(p, encoding="utf-8").read()
    if p.endswith(".md"):
        fm = t.split("\n---", 1)[0].lstrip("-\n")
        data = yaml.load(fm, Loader=L)
    else:
        data = yaml.load(t, Loader=L)
    items = data if isinstance(data, list) else [data]
    for d in items:
        for e in v.iter_errors(d):
            bad += 1
            print(f"{p}: {'/'.join(map(str, e.absolute_path))}: {e.message}")
print("errors:", bad)
