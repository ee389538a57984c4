"""Run a command that may write only inside the folders named (Linux Landlock; reads stay free).

    python tests/support/confine.py FOLDER [FOLDER…] -- COMMAND [ARG…]

What the command (and everything it starts) writes anywhere else fails with EACCES, so a process
that keeps its files where it was told to runs as before, and one that writes elsewhere fails
loudly. /dev stays writable (/dev/null, /dev/shm). Run as a script, so it imports nothing.
`available()` says whether the kernel has Landlock.
"""

from __future__ import annotations

import ctypes
import os
import sys

CREATE_RULESET, ADD_RULE, RESTRICT_SELF = 444, 445, 446  # the same numbers on x86-64 and arm64
VERSION = 1  # landlock_create_ruleset's flag: ask for the ABI version
PATH_BENEATH = 1
PR_SET_NO_NEW_PRIVS = 38
# Every right that changes the file system (ABI 1 to 3): write, truncate, make, remove, link/rename.
WRITES = sum(1 << bit for bit in (1, 4, 5, 6, 7, 8, 9, 10, 11, 12))
REFER, TRUNCATE = 1 << 13, 1 << 14


class PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def available() -> bool:
    return _libc().syscall(CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(VERSION)) >= 1


def restrict_writes(folders: list[str]) -> None:
    libc = _libc()
    abi = libc.syscall(CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(VERSION))
    if abi < 1:
        raise OSError(ctypes.get_errno(), "Landlock is not available")
    handled = WRITES | (REFER if abi >= 2 else 0) | (TRUNCATE if abi >= 3 else 0)
    attr = ctypes.c_uint64(handled)
    ruleset = libc.syscall(CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(8), ctypes.c_uint32(0))
    if ruleset < 0:
        raise OSError(ctypes.get_errno(), "landlock_create_ruleset")
    for folder in [*folders, "/dev"]:
        fd = os.open(folder, os.O_PATH | os.O_CLOEXEC)
        rule = PathBeneath(handled, fd)
        if libc.syscall(ADD_RULE, ruleset, PATH_BENEATH, ctypes.byref(rule), ctypes.c_uint32(0)) != 0:
            raise OSError(ctypes.get_errno(), f"landlock_add_rule {folder}")
        os.close(fd)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS)")
    if libc.syscall(RESTRICT_SELF, ruleset, ctypes.c_uint32(0)) != 0:
        raise OSError(ctypes.get_errno(), "landlock_restrict_self")
    os.close(ruleset)


def main(argv: list[str]) -> None:
    split = argv.index("--")
    folders, command = argv[:split], argv[split + 1 :]
    restrict_writes(folders)
    os.execvp(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
