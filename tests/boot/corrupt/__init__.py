# SPDX-License-Identifier: MIT
"""The corrupted-input suite: damaged kernels, modules, configuration files,
FAT volumes and partition tables, each of which must end in the boot menu
with its own error (cases.py lists them, generate.py makes their disks,
suite.py boots them)."""
