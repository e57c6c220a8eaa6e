# SPDX-License-Identifier: MIT
"""The Boot Loader Interface on the hosted port (docs/boot_loader_interface.md):
variables given with --loader-variable are what the operating system left
for this boot, and the port logs every variable the loader sets. The EFI
side, with real firmware variables, is in tests/boot/test_guests.py."""

import os
import re
import subprocess

import pytest

from test_menu import BOOT_FAILED, ENTER, PASSED, TOP, loaders, tar_disk  # noqa: F401 (a fixture)

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
    # XBOOTLDR, sort-key, @saved, devicetree
    assert variables["LoaderFeatures"] == "3f07000000000000"
    assert re.fullmatch(r"[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}",
        variables["LoaderDevicePartUUID"][0]), variables
    start = int(variables["LoaderTimeInitUSec"][0])
    execute = int(variables["LoaderTimeExecUSec"][0])
    assert 0 < start <= execute, (start, execute)
    # Microseconds, not whole seconds counted in them.
    assert start % 1000000 != 0 or execute % 1000000 != 0, (start, execute)


def test_a_one_shot_entry_boots_at_once_and_is_used_up(loaders):
    loader = loaders("--loader-variable", "LoaderEntryOneShot=Safe mode", "menu.img")
    assert loader.finish() == PASSED, loader.text + loader.log()
    log = loader.log()
    assert "host: loader variable LoaderEntryOneShot deleted" in log, log
    # No countdown, no menu: straight to the entry the system asked for.
    assert "Boot menu" not in loader.text, loader.text
    assert 'Booting "Safe mode"' in loader.text
    assert variables_set(log)["LoaderEntrySelected"] == ["Safe mode"]


def test_a_one_shot_boot_says_the_configuration_s_problems_on_the_console(loaders, tmp_path):
    # No menu shows them, so the console does.
    config = tar_disk(tmp_path, {"boot/loader.cfg": 'timeout = forever\nno_such_key = 1\n'
        'entry "Haiku" {\n\tkernel = /boot/kernel\n}\n'})
    loader = loaders("--loader-variable", "LoaderEntryOneShot=Haiku", "boot.img", config)
    assert loader.finish() == PASSED, loader.text + loader.log()
    assert "Boot menu" not in loader.text, loader.text
    assert re.search(r"^config: \(disk1\)/boot/loader\.cfg:2: ", loader.text, re.M), \
        loader.text


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


@pytest.mark.parametrize("variable, value, countdown", [
    ("LoaderConfigTimeout", "0", None),
    ("LoaderConfigTimeout", "menu-hidden", None),
    ("LoaderConfigTimeout", "menu-disabled", None),
    ("LoaderConfigTimeout", "2", 2),
    # The largest timeout the loader takes, not a number that wrapped.
    ("LoaderConfigTimeout", "123456789012345678901234567890", 3600),
    # Not a timeout: said, and the configuration's 5 s apply.
    ("LoaderConfigTimeout", "", 5),
    # A one-shot 0 is systemd's "show the menu": it waits.
    ("LoaderConfigTimeoutOneShot", "0", "forever"),
], ids=["0", "menu-hidden", "menu-disabled", "2", "huge", "empty", "one-shot-0"])
def test_timeouts_the_system_asks_for(loaders, variable, value, countdown):
    loader = loaders("--loader-variable", f"{variable}={value}", "menu.img")
    if countdown is None:
        assert loader.finish() == PASSED, loader.text + loader.log()
        assert "Boot menu" not in loader.text
        return
    loader.expect(r"^> 1\. Haiku$")
    if countdown == "forever":
        loader.expect(r"^Enter boot")
        assert 'Booting "Haiku" in' not in loader.text
    else:
        loader.expect(rf'^Booting "Haiku" in {countdown} s')
    loader.send(ENTER)
    assert loader.finish() == PASSED, loader.text + loader.log()
    if value == "":
        assert f'bli: {variable} ignored: "" is no timeout' in loader.text


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
    # Taken back and given again: d toggles, however often.
    loader.send("d")
    loader.expect(r"^Note: the configuration's default entry applies again$")
    loader.send("d")
    loader.expect(r'^Note: "Safe mode" is the default entry from now on$')
    loader.send(ENTER)
    assert loader.finish() == PASSED, loader.text + loader.log()
    lines = re.findall(r"^host: persistent loader variable .*$", loader.log(), re.M)
    assert lines == ["host: persistent loader variable LoaderEntryDefault deleted",
        'host: persistent loader variable LoaderEntryDefault = "Safe mode"',
        "host: persistent loader variable LoaderEntryDefault deleted",
        'host: persistent loader variable LoaderEntryDefault = "Safe mode"'], lines


def test_a_boot_volume_without_a_partition_guid_publishes_none(loaders, tmp_path):
    # A bare tar archive is a volume with no partition, so no GUID to name.
    with open(os.path.join(TOP, "generated", "kernel", "kernel_x86_64"), "rb") as kernel:
        disk = tar_disk(tmp_path, {"boot/kernel": kernel.read(),
            "boot/loader.cfg": 'timeout = 0\nentry "K" {\n\tkernel = /boot/kernel\n}\n'})
    loader = loaders(disk)
    assert loader.finish() == PASSED, loader.text + loader.log()
    variables = variables_set(loader.log())
    assert variables["LoaderEntrySelected"] == ["K"]
    assert "LoaderDevicePartUUID" not in variables, variables


def persistent_writes(log, name):
    """What the loader did to a non-volatile variable: values and deletions, in order."""
    return re.findall(rf"^host: persistent loader variable {name} (=.*|deleted)$", log, re.M)


def test_saved_selects_the_entry_that_booted_last_and_keeps_the_new_one(loaders):
    # bootctl set-default @saved; the firmware kept "Safe mode" from before.
    loader = loaders("--loader-variable", "LoaderEntryDefault=@saved",
        "--loader-variable", "LoaderEntryLastBooted=Safe mode", "menu.img")
    loader.expect(r"^> 6\. Safe mode$")
    loader.send("1" + ENTER)
    assert loader.finish() == PASSED, loader.text + loader.log()
    log = loader.log()
    assert persistent_writes(log, "LoaderEntryLastBooted") == ['= "Haiku"'], log
    # @saved is no entry: nothing to complain about
    assert "names no entry" not in log, log
    # boot counting (4) and @saved (9) among the features
    assert variables_set(log)["LoaderFeatures"] == "3f07000000000000"


def test_saved_writes_only_what_changed_and_never_for_a_one_shot(loaders):
    loader = loaders("--loader-variable", "LoaderEntryDefault=@saved",
        "--loader-variable", "LoaderEntryLastBooted=Haiku", "menu.img", keys=ENTER)
    assert loader.finish() == PASSED, loader.text + loader.log()
    assert 'Booting "Haiku"' in loader.text
    assert persistent_writes(loader.log(), "LoaderEntryLastBooted") == []

    loader = loaders("--loader-variable", "LoaderEntryDefault=@saved",
        "--loader-variable", "LoaderEntryOneShot=Safe mode",
        "--loader-variable", "LoaderEntryLastBooted=Haiku", "menu.img")
    assert loader.finish() == PASSED, loader.text + loader.log()
    assert 'Booting "Safe mode"' in loader.text
    assert persistent_writes(loader.log(), "LoaderEntryLastBooted") == []


def test_a_last_booted_entry_nothing_asks_for_is_deleted(loaders):
    loader = loaders("--loader-variable", "LoaderEntryLastBooted=Safe mode", "menu.img",
        keys=ENTER)
    # Not @saved: the configuration's default, and the old variable goes.
    assert loader.finish() == PASSED, loader.text + loader.log()
    assert 'Booting "Haiku"' in loader.text
    assert persistent_writes(loader.log(), "LoaderEntryLastBooted") == ["deleted"]


def test_saved_in_the_configuration_and_a_last_entry_that_is_gone(loaders, tmp_path):
    config = tmp_path / "loader.cfg"
    config.write_text('default = @saved\ntimeout = forever\n'
        'entry "Haiku" {\n\tkernel = /boot/kernel\n}\n'
        'entry "Haiku again" {\n\tkernel = /boot/kernel\n}\n')
    image = tmp_path / "saved.img"
    subprocess.run([os.path.join(TOP, "build", "scripts", "make-image"), "--config",
        str(config), str(image), os.path.join(TOP, "generated", "efi", "BOOTX64.efi"),
        os.path.join(TOP, "generated", "kernel", "kernel_x86_64")], check=True)
    loader = loaders("--loader-variable", "LoaderEntryLastBooted=Removed since", str(image))
    # the first entry, as before anything booted; the stale name is said
    loader.expect(r"^> 1\. Haiku$")
    loader.send("2" + ENTER)
    assert loader.finish() == PASSED, loader.text + loader.log()
    log = loader.log()
    assert 'bli: LoaderEntryLastBooted names no entry: "Removed since"' in log, log
    assert persistent_writes(log, "LoaderEntryLastBooted") == ['= "Haiku again"'], log


def test_requests_may_name_entries_by_pattern(loaders):
    # bootctl set-default 'debian-*' keeps the newest kernel the default.
    loader = loaders("--loader-variable", "LoaderEntryDefault=haiku W*",
        "--loader-variable", "LoaderConfigTimeout=menu-force", "menu.img")
    loader.expect(r"^> 2\. Haiku with a module$")
    loader.send(ENTER)
    assert loader.finish() == PASSED, loader.text + loader.log()
    assert 'bli: LoaderEntryDefault is "haiku W*"' in loader.log()

    loader = loaders("--loader-variable", "LoaderEntryOneShot=*[Mm]ode", "menu.img")
    assert loader.finish() == PASSED, loader.text + loader.log()
    assert 'Booting "Safe mode"' in loader.text
