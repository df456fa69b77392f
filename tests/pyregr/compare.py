#!/usr/bin/env python3
"""compare.py NATIVE.xml BENTO.xml KNOWN MODULE: compares the outcome of
every test case of one module of Python's regression suite (junit XML from
`python3 -m test --junit-xml`) as run natively and under bento. Prints the
cases whose outcome differs and that KNOWN does not list; exits 1 if any.

KNOWN has one line per expected difference: "TEST_ID  reason" (TEST_ID as
module.Class.test_name; "#" starts a comment)."""
import sys
import xml.etree.ElementTree as ET


def outcomes(path):
    """{test id: "ok" | "failure" | "error" | "skipped"} of a junit file."""
    result = {}
    try:
        tree = ET.parse(path)
    except (OSError, ET.ParseError) as e:
        return None, str(e)
    for case in tree.iter("testcase"):
        name = case.get("name", "")
        outcome = "ok"
        for kind in ("failure", "error", "skipped"):
            if case.find(kind) is not None:
                outcome = kind
                break
        result[name] = outcome
    return result, None


def known_ids(path):
    ids = set()
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                ids.add(line.split()[0])
    return ids


def short(test_id):
    """Junit names are "test.test_os.Class.test_x"; KNOWN drops "test."."""
    return test_id[5:] if test_id.startswith("test.") else test_id


def main():
    native_xml, bento_xml, known_file, module = sys.argv[1:5]
    native, err = outcomes(native_xml)
    if native is None:
        print(f"{module}: no native results ({err})")
        return 1
    bento, err = outcomes(bento_xml)
    if bento is None:
        print(f"{module}: no results under bento ({err})")
        return 1
    known = known_ids(known_file)
    bad = []
    for test_id in sorted(set(native) | set(bento)):
        a, b = native.get(test_id, "missing"), bento.get(test_id, "missing")
        if a != b and short(test_id) not in known:
            bad.append(f"  {short(test_id)}: native {a}, bento {b}")
    if not native:
        bad.append("  the native run reported no test cases")
    print(f"{module}: {len(native)} cases natively, {len(bento)} under bento, {len(bad)} unexpected differences")
    for line in bad:
        print(line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
