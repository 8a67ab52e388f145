#!/usr/bin/env python3
"""Writes the hostile and broken zips the loader tests use. Run from this folder; the outputs
are committed so the tests need no Python. Each file's expected refusal is named in
Tests/CertifyTests/PackageLoaderTests.swift."""
import io, os, stat, zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
CLEAN = os.path.join(HERE, "..", "packages", "clean")

def clean_files():
    for name in sorted(os.listdir(CLEAN)):
        with open(os.path.join(CLEAN, name), "rb") as f:
            yield name, f.read()

def write(name, build):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        build(z)
    data = buffer.getvalue()
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)
    return data

def fixed(z, name, data):
    info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(info, data)

# A clean package zipped with its folder, as `zip -r clean.zip clean/` does.
write("clean-in-folder.zip", lambda z: [fixed(z, "clean/" + n, d) for n, d in clean_files()])
# Path traversal and absolute paths.
write("traversal.zip", lambda z: ([fixed(z, n, d) for n, d in clean_files()], fixed(z, "../evil.txt", b"x")))
write("absolute.zip", lambda z: ([fixed(z, n, d) for n, d in clean_files()], fixed(z, "/tmp/evil.txt", b"x")))
# A symbolic link entry pointing outside.
def symlink(z):
    for n, d in clean_files():
        fixed(z, n, d)
    info = zipfile.ZipInfo("link.md", date_time=(2024, 1, 1, 0, 0, 0))
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    z.writestr(info, "/etc/passwd")
write("symlink.zip", symlink)
# A zip bomb: 5 MB of zeros in one entry (about 1000:1).
write("bomb.zip", lambda z: ([fixed(z, n, d) for n, d in clean_files()], fixed(z, "big.txt", b"\0" * 5_000_000)))
# Too many entries.
write("many-entries.zip", lambda z: [fixed(z, "file%03d.txt" % i, b"x") for i in range(300)])
# Truncated: a valid zip cut in the middle (no central directory).
data = write("truncated.zip", lambda z: [fixed(z, n, d) for n, d in clean_files()])
with open(os.path.join(HERE, "truncated.zip"), "wb") as f:
    f.write(data[: len(data) // 2])
# Not a zip at all.
with open(os.path.join(HERE, "not-a-zip.zip"), "wb") as f:
    f.write(b"this is a text file, not a zip archive\n")
# The same path twice.
write("duplicate-entry.zip", lambda z: ([fixed(z, n, d) for n, d in clean_files()], fixed(z, "readme.md", b"# Other\n")))
