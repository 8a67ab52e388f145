#!/usr/bin/env python3
"""Writes the seed corpus of one fuzz target into a folder, from Fixtures/ and, when it is
there, ../shared/corpus/certified. Usage: fuzz-seeds.py TARGET OUTPUT_DIR"""
import io, json, os, re, sys, zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(os.path.dirname(ROOT), "shared", "corpus", "certified")
FIXTURES = os.path.join(ROOT, "Fixtures")
# Seeds larger than this slow every execution down (under AddressSanitizer a large input costs
# mostly page faults): small inputs reach the same code many times more often.
LIMIT = {"json": 16 * 1024, "schema-stage": 8 * 1024, "package": 12 * 1024, "png": 64 * 1024,
         "pattern": 4 * 1024, "multipart": 64 * 1024}

def corpus_files(name):
    if not os.path.isdir(CORPUS):
        return []
    found = []
    for connector in sorted(os.listdir(CORPUS)):
        path = os.path.join(CORPUS, connector, name)
        if os.path.isfile(path):
            found.append(path)
    return found

def fixture_files(suffix):
    for folder, _, names in os.walk(FIXTURES):
        if os.sep + "fuzz" in folder:
            continue
        for n in sorted(names):
            if n.endswith(suffix):
                yield os.path.join(folder, n)

def read(path):
    with open(path, "rb") as f:
        return f.read()

def zipped(folder):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for n in sorted(os.listdir(folder)):
            p = os.path.join(folder, n)
            if os.path.isfile(p):
                z.writestr(zipfile.ZipInfo(n, date_time=(2024, 1, 1, 0, 0, 0)), read(p), zipfile.ZIP_DEFLATED)
    return buffer.getvalue()

def seeds(target):
    if target == "json":
        for p in list(fixture_files(".json")) + corpus_files("apiProperties.json") + corpus_files("apiDefinition.swagger.json"):
            yield read(p)
    elif target == "schema-stage":
        for p in list(fixture_files(".swagger.json")) + corpus_files("apiDefinition.swagger.json"):
            yield read(p)
    elif target == "package":
        for p in fixture_files(".zip"):
            yield read(p)
        packages = os.path.join(FIXTURES, "packages")
        for n in sorted(os.listdir(packages)):
            yield zipped(os.path.join(packages, n))
        if os.path.isdir(CORPUS):
            for n in sorted(os.listdir(CORPUS)):
                yield zipped(os.path.join(CORPUS, n))
            # The folder form: D, then name NUL content NUL ...
            clean = os.path.join(packages, "clean")
            parts = []
            for n in sorted(os.listdir(clean)):
                parts += [n.encode(), read(os.path.join(clean, n))]
            yield b"D" + b"\0".join(parts)
    elif target == "pattern":
        texts = ["", "abc", "2024-01-01", "user@example.com", "aaaaaaaaaaaaaaaaaaaa!", "ÄÖü 😀", "1234567890"]
        patterns = set([r"^(a+)+$", r"^[a-z]+\d{2,}$", r"(?<year>\d{4})-(?<m>\d\d)", r"[^]", r"\p{L}+", r"x{2,3}?y*"])
        for p in corpus_files("apiDefinition.swagger.json"):
            for m in re.finditer(rb'"pattern"\s*:\s*"((?:[^"\\]|\\.)*)"', read(p)):
                try:
                    patterns.add(json.loads(b'"' + m.group(1) + b'"'))
                except ValueError:
                    pass
        for i, pattern in enumerate(sorted(patterns)):
            yield (pattern + "\n" + texts[i % len(texts)]).encode("utf-8", "surrogatepass")
    elif target == "png":
        for p in list(fixture_files(".png")) + corpus_files("icon.png"):
            yield read(p)
    elif target == "multipart":
        boundary = b"------------------------d74496d66958873e"
        body = read(os.path.join(FIXTURES, "zips", "clean-in-folder.zip"))
        form = (b"--" + boundary + b"\r\nContent-Disposition: form-data; name=\"probeBaseUrl\"\r\n\r\nhttps://api.contoso.example\r\n"
                b"--" + boundary + b"\r\nContent-Disposition: form-data; name=\"package\"; filename=\"c.zip\"\r\nContent-Type: application/zip\r\n\r\n"
                + body + b"\r\n--" + boundary + b"--\r\n")
        # The content type goes first, on its own line, as FuzzChecks.multipart reads it.
        yield b"multipart/form-data; boundary=" + boundary + b"\n" + form
        yield b"multipart/form-data; boundary=\"" + boundary + b"\"\n" + form.replace(b"\r\n", b"\n")
    else:
        sys.exit("unknown target " + target)

def main():
    target, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    count = 0
    for data in seeds(target):
        if len(data) > LIMIT[target]:
            continue
        with open(os.path.join(out, "seed-%05d" % count), "wb") as f:
            f.write(data)
        count += 1
    print("%s: %d seeds" % (target, count))

main()
