#!/usr/bin/env python3
"""Make TorchSharp's libLibTorchSharp.so load on systems whose libstdc++ predates GCC 13.

libLibTorchSharp.so 0.107 is linked against GCC 13's libstdc++ and asks for one symbol at version
GLIBCXX_3.4.32: std::ios_base_library_init(), a link-time anchor that GCC 13's <iostream> references
instead of constructing a static std::ios_base::Init in every translation unit. No relocation uses it,
so the loader only needs the version requirement itself to be satisfiable: we point it at
GLIBCXX_3.4.30 (Debian 12 / Ubuntu 22.04 have it) and drop the symbol's version binding. The iostream
initialisation the anchor stands for still happens: libtorch_cpu.so, built with an older GCC, constructs
its own std::ios_base::Init objects.

The file is only touched when `ldd` reports the missing version, so systems with GCC 13+ runtimes
(Ubuntu 24.04, Debian 13, the Docker image) are left alone.

Usage: patch_glibcxx.py LIB   (idempotent; exit 0 when nothing needs doing)
"""
import os
import shutil
import struct
import subprocess
import sys

SHT_DYNSYM = 11
SHT_GNU_VERSYM = 0x6FFFFFFF
SHT_GNU_VERNEED = 0x6FFFFFFE
WANTED = b"GLIBCXX_3.4.32"
AVAILABLE = b"GLIBCXX_3.4.30"


def elf_hash(name: bytes) -> int:
    h = 0
    for c in name:
        h = ((h << 4) + c) & 0xFFFFFFFF
        g = h & 0xF0000000
        if g:
            h ^= g >> 24
        h &= ~g & 0xFFFFFFFF
    return h


def cstr(data: bytes, off: int) -> bytes:
    return data[off:data.index(b"\0", off)]


def needs_patch(path: str) -> bool:
    if shutil.which("ldd") is None:
        sys.exit("patch_glibcxx: 'ldd' is required to check libLibTorchSharp.so (install libc-bin)")
    out = subprocess.run(["ldd", path], capture_output=True, text=True)
    return f"{WANTED.decode()}' not found" in out.stdout + out.stderr


def main(path: str) -> int:
    if not needs_patch(path):
        return 0
    with open(path, "rb") as f:
        data = bytearray(f.read())
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        sys.exit(f"patch_glibcxx: {path} is not a little-endian ELF64 file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = []
    for i in range(shnum):
        name, typ, flags, addr, off, size, link, info, align, entsize = struct.unpack_from(
            "<IIQQQQIIQQ", data, shoff + i * shentsize)
        sections.append((typ, off, size, link, entsize))

    verneed = next((s for s in sections if s[0] == SHT_GNU_VERNEED), None)
    if verneed is None:
        return 0
    strtab = sections[verneed[3]]
    dynstr = bytes(data[strtab[1]:strtab[1] + strtab[2]])
    available_off = dynstr.find(b"\0" + AVAILABLE + b"\0")
    if available_off < 0:
        sys.exit(f"patch_glibcxx: {path} has no {AVAILABLE.decode()} string to redirect to")
    available_off += 1

    patched_indices = []
    entry = verneed[1]
    while True:
        vn_version, vn_cnt, vn_file, vn_aux, vn_next = struct.unpack_from("<HHIII", data, entry)
        aux = entry + vn_aux
        for _ in range(vn_cnt):
            vna_hash, vna_flags, vna_other, vna_name, vna_next = struct.unpack_from("<IHHII", data, aux)
            if cstr(dynstr, vna_name) == WANTED:
                struct.pack_into("<IHHII", data, aux, elf_hash(AVAILABLE), vna_flags, vna_other,
                                 available_off, vna_next)
                patched_indices.append(vna_other)
            if vna_next == 0:
                break
            aux += vna_next
        if vn_next == 0:
            break
        entry += vn_next

    if not patched_indices:
        return 0

    versym = next(s for s in sections if s[0] == SHT_GNU_VERSYM)
    count = versym[2] // 2
    for i in range(count):
        pos = versym[1] + 2 * i
        ndx, = struct.unpack_from("<H", data, pos)
        if (ndx & 0x7FFF) in patched_indices:
            struct.pack_into("<H", data, pos, 1)

    # Write a new file and rename it over the old one: the output copy may be a hard link into the
    # NuGet cache, which must stay pristine.
    tmp = path + ".patching"
    with open(tmp, "wb") as f:
        f.write(data)
    os.chmod(tmp, os.stat(path).st_mode)
    os.replace(tmp, path)
    if needs_patch(path):
        sys.exit(f"patch_glibcxx: {path} still needs {WANTED.decode()} after patching")
    print(f"patch_glibcxx: redirected {WANTED.decode()} to {AVAILABLE.decode()} in {path}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
