"""Load the prebuilt llama.cpp libraries of `llama-cpp-py-sync` on a glibc older than they ask for.

The wheels (tagged manylinux2014) are linked on a glibc 2.38+ system and reference the C23
variants of five functions (`__isoc23_strtol`, `__isoc23_strtoll`, `__isoc23_strtoul`,
`__isoc23_strtoull`, `__isoc23_sscanf`), which glibc 2.36 (Debian 12) does not have, so
`dlopen` fails with "version `GLIBC_2.38' not found". Those variants differ from the classic
functions only in also reading "0b" binary literals, which llama.cpp does not rely on.

`prepare()` copies the libraries to `var/llama-compat/<version>/`, marks each version
requirement newer than the running glibc as weak in the copy's `.gnu.version_r` (a missing weak
version is not an error to the dynamic loader), and compiles a five-function shim with the
system's C compiler. `activate()` loads the shim globally and points the bindings at the copies.
On a glibc that has the versions already, both do nothing.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import struct
import subprocess
from pathlib import Path

SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 0x2
SHIM_SOURCE = r"""
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
long __isoc23_strtol(const char *s, char **e, int b) { return strtol(s, e, b); }
long long __isoc23_strtoll(const char *s, char **e, int b) { return strtoll(s, e, b); }
unsigned long __isoc23_strtoul(const char *s, char **e, int b) { return strtoul(s, e, b); }
unsigned long long __isoc23_strtoull(const char *s, char **e, int b) { return strtoull(s, e, b); }
int __isoc23_sscanf(const char *s, const char *f, ...) {
    va_list a; va_start(a, f); int r = vsscanf(s, f, a); va_end(a); return r;
}
"""


def glibc_version() -> tuple[int, ...]:
    name, _, version = (os.confstr("CS_GNU_LIBC_VERSION") or "glibc 0").partition(" ")
    return tuple(int(part) for part in version.split(".")) if name == "glibc" else (0,)


def _too_new(name: str, have: tuple[int, ...]) -> bool:
    if not name.startswith("GLIBC_2."):
        return False
    return tuple(int(part) for part in name[len("GLIBC_") :].split(".")) > have


def weaken_versions(path: Path, have: tuple[int, ...]) -> list[str]:
    """Mark the glibc version requirements of the ELF file `path` newer than `have` as weak."""
    data = bytearray(path.read_bytes())
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ValueError(f"{path.name} is not a 64-bit little-endian ELF file")
    (section_offset,) = struct.unpack_from("<Q", data, 0x28)
    entry_size, count = struct.unpack_from("<HH", data, 0x3A)
    sections = [
        struct.unpack_from("<IIQQQQIIQQ", data, section_offset + i * entry_size) for i in range(count)
    ]
    weakened: list[str] = []
    for _name, kind, _flags, _addr, offset, _size, link, info, _align, _entsize in sections:
        if kind != SHT_GNU_VERNEED:
            continue
        strings = sections[link][4]

        def text(at: int, strings: int = strings) -> str:
            start = strings + at
            return data[start : data.index(0, start)].decode()

        position = offset
        for _ in range(info):
            _version, aux_count, _file, aux, following = struct.unpack_from("<HHIII", data, position)
            aux_position = position + aux
            for _ in range(aux_count):
                _hash, flags, _other, name, next_aux = struct.unpack_from("<IHHII", data, aux_position)
                if _too_new(text(name), have) and not flags & VER_FLG_WEAK:
                    struct.pack_into("<H", data, aux_position + 4, flags | VER_FLG_WEAK)
                    weakened.append(text(name))
                aux_position += next_aux
            if not following:
                break
            position += following
    if weakened:
        path.write_bytes(data)
    return weakened


def _package_dir() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("llama_cpp_py_sync")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("llama-cpp-py-sync is not installed: run `uv sync --group realmodel`")
    return Path(next(iter(spec.submodule_search_locations)))


def prepare(root: Path) -> Path | None:
    """The folder of patched libraries and the shim (built once), or None when none is needed."""
    have = glibc_version()
    if have >= (2, 38):
        return None
    source = _package_dir()
    target = root / f"{source.stat().st_mtime_ns}"
    if (target / "libisoc23.so").exists():
        return target
    staging = root / f".staging-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for library in source.glob("*.so*"):
        shutil.copy2(library, staging / library.name)
        weaken_versions(staging / library.name, have)
    (staging / "isoc23.c").write_text(SHIM_SOURCE)
    compiler = shutil.which(os.environ.get("CC", "cc")) or shutil.which("gcc")
    if compiler is None:
        raise RuntimeError(f"glibc {'.'.join(map(str, have))} needs a C compiler (cc) to build the shim")
    subprocess.run(
        [compiler, "-shared", "-fPIC", "-O2", "-o", str(staging / "libisoc23.so"), str(staging / "isoc23.c")],
        check=True,
    )
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return target


def activate(root: Path) -> None:
    """Make `llama_cpp_py_sync` load the patched libraries (call before creating a model)."""
    folder = prepare(root)
    if folder is None:
        return
    ctypes.CDLL(str(folder / "libisoc23.so"), mode=ctypes.RTLD_GLOBAL)
    from llama_cpp_py_sync import _cffi_bindings

    # The bindings look in their own package folder first; send them to the patched copies.
    _cffi_bindings._find_library = lambda: str(folder / "libllama.so")
