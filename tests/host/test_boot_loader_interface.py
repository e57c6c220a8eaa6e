# SPDX-License-Identifier: MIT
"""The Boot Loader Interface on the hosted port (docs/boot_loader_interface.md):
variables given with --loader-variable are what the operating system left
for this boot, and the port logs every variable the loader sets. The EFI
side, with real firmware variables, is in tests/boot/test_guests.py."""

import re

from test_menu import BOOT_FAILED, ENTER, PASSED, loaders  # noqa: F401 (a fixture)

# menu.img's entries (tests/boot/configs/menu.cfg) by their titles, which are
# the ids of loader.cfg's entries.
MENU_ENTRIES = ["Haiku", "Haiku with a module", "Missing kernel", "Not a kernel",
    "Missing module", "Safe mode"]


def variables_set(log):
    """{name: value} of the port's "loader variable NAME = ..." lines; text
    values as lists of strings, byte values as hex."""
    result = {}
    for name, value in re.findall(r"^host: loader variable (\w+) =(.*)$", log, re.M):
        strings = re.findall(r' "([^"]*)"', value)
        result[name] = strings if strings else value.strip()
    return result


def test_the_menu_and_the_start_are_published(loaders):
    loader = loaders("menu.img", keys=ENTER)
    assert loader.finish() == PASSED, loader.text + loader.log()
    variables = variables_set(loader.log())
    assert variables["LoaderEntries"] == MENU_ENTRIES
    assert variables["LoaderEntrySelected"] == ["Haiku"]
    assert variables["LoaderInfo"] == ["haiku-style boot loader"]
    # config timeout, one-shot timeout, default, one-shot, boot counting,
    # XBOOTLDR, sort-key
    assert variables["LoaderFeatures"] == "3f01000000000000"
    assert re.fullmatch(r"[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}",
        variables["LoaderDevicePartUUID"][0]), variables
    start = int(variables["LoaderTimeInitUSec"][0])
    execute = int(variables["LoaderTimeExecUSec"][0])
    assert 0 < start <= execute, (start, execute)


def test_a_one_shot_entry_boots_at_once_and_is_used_up(loaders):
    loader = loaders("--loader-variable", "LoaderEntryOneShot=Safe mode", "menu.img")
    assert loader.finish() == PASSED, loader.text + loader.log()
    log = loader.log()
    assert "host: loader variable LoaderEntryOneShot deleted" in log, log
    # No countdown, no menu: straight to the entry the system asked for.
    assert "Boot menu" not in loader.text, loader.text
    assert 'Booting "Safe mode"' in loader.text
    assert variables_set(log)["LoaderEntrySelected"] == ["Safe mode"]


def test_default_entry_and_timeout_come_from_the_variables(loaders):
    loader = loaders("--loader-variable", "LoaderEntryDefault=Haiku with a module",
        "--loader-variable", "LoaderConfigTimeout=menu-force",
        "--loader-variable", "LoaderConfigTimeoutOneShot=3", "menu.img")
    # The one-shot timeout wins over the persistent one, and is used up.
    loader.expect(r"^> 2\. Haiku with a module$")
    loader.expect(r'^Booting "Haiku with a module" in 3 s')
    assert loader.finish() == PASSED, loader.text + loader.log()
    log = loader.log()
    assert "host: loader variable LoaderConfigTimeoutOneShot deleted" in log
    assert "host: loader variable LoaderEntryDefault deleted" not in log
    assert "host: loader variable LoaderConfigTimeout deleted" not in log


def test_a_forced_menu_waits(loaders):
    loader = loaders("--loader-variable", "LoaderConfigTimeout=menu-force", "menu.img")
    loader.expect(r"^> 1\. Haiku$")
    loader.expect(r"^Enter boot")
    assert "Booting \"Haiku\" in" not in loader.text
    loader.send(ENTER)
    assert loader.finish() == PASSED, loader.text + loader.log()


def test_requests_that_name_nothing_are_reported_and_ignored(loaders):
    loader = loaders("--loader-variable", "LoaderEntryOneShot=no such entry",
        "--loader-variable", "LoaderConfigTimeoutOneShot=soon", "menu.img")
    loader.expect(r'^Booting "Haiku" in 5 s')
    loader.send(ENTER)
    assert loader.finish() == PASSED, loader.text + loader.log()
    assert 'bli: LoaderEntryOneShot names no entry: "no such entry"' in loader.text
    assert 'bli: LoaderConfigTimeoutOneShot ignored: "soon" is no timeout' in loader.text
    # Used or not, a one-shot request is gone.
    assert "host: loader variable LoaderEntryOneShot deleted" in loader.log()


def test_d_makes_the_selected_entry_the_default_and_takes_it_back(loaders):
    loader = loaders("--loader-variable", "LoaderEntryDefault=Haiku with a module", "menu.img")
    loader.expect(r"^> 2\. Haiku with a module$")
    # On the default entry already: the choice goes back to the file.
    loader.send("d")
    loader.expect(r"^Note: the configuration's default entry applies again$")
    loader.send("6d")
    loader.expect(r'^Note: "Safe mode" is the default entry from now on$')
    loader.send(ENTER)
    assert loader.finish() == PASSED, loader.text + loader.log()
    lines = re.findall(r"^host: persistent loader variable .*$", loader.log(), re.M)
    assert lines == ["host: persistent loader variable LoaderEntryDefault deleted",
        'host: persistent loader variable LoaderEntryDefault = "Safe mode"'], lines
