# SPDX-License-Identifier: MIT
"""The loader's manifest code against the real tools: keys from openssl
genpkey, manifests from sha256sum and build/scripts/sign-manifest,
signatures from openssl pkeyutl, the public key from openssl pkey and
build/scripts/ed25519-public-key, all checked by generated/host/manifest_check
(manifest.c, SHA-256 and Ed25519 as the loader has them)."""

import os
import subprocess

import pytest

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHECK = os.path.join(TOP, "generated", "host", "manifest_check")
SIGN_MANIFEST = os.path.join(TOP, "build", "scripts", "sign-manifest")
PUBLIC_KEY = os.path.join(TOP, "build", "scripts", "ed25519-public-key")

# What the volume holds: path below its root, contents.
FILES = {
    "boot/kernel": os.urandom(100_000),
    "boot/module one.bin": b"a module with a space in its name\n",
    "boot/loader.cfg": b"timeout = 5\n",
    "EFI/BOOT/BOOTX64.EFI": b"MZ" + bytes(1000),
}


def run(*command, cwd=None, check=True):
    result = subprocess.run(command, cwd=cwd, capture_output=True)
    if check:
        assert result.returncode == 0, (command, result.stdout, result.stderr)
    return result


def check_volume(key, root, *paths):
    assert os.access(CHECK, os.X_OK), "generated/host/manifest_check is not built (run jam)"
    result = subprocess.run([CHECK, str(key), str(root), *paths], capture_output=True,
        text=True)
    return result.returncode, result.stdout, result.stderr


def make_key(directory, name):
    key = directory / f"{name}.pem"
    run("openssl", "genpkey", "-algorithm", "ed25519", "-out", str(key))
    return key


def raw_public_key(key, directory):
    """The last 32 bytes of the DER public key, as the brief of issue 17 says."""
    der = run("openssl", "pkey", "-in", str(key), "-pubout", "-outform", "DER").stdout
    assert len(der) == 44
    raw = directory / (key.stem + ".bin")
    raw.write_bytes(der[-32:])
    return raw


def make_volume(directory):
    root = directory / "volume"
    for path, data in FILES.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    return root


def sign_by_hand(key, root, manifest):
    """sha256sum's lines as given, then openssl's signature of the file."""
    (root / "boot" / "loader.sha256").write_bytes(manifest)
    run("openssl", "pkeyutl", "-sign", "-rawin", "-inkey", str(key),
        "-in", str(root / "boot" / "loader.sha256"),
        "-out", str(root / "boot" / "loader.sha256.sig"))
    assert (root / "boot" / "loader.sha256.sig").stat().st_size == 64


def sha256sum(root, *arguments):
    return run("sha256sum", *arguments, cwd=root).stdout


@pytest.fixture
def signed(tmp_path):
    """A volume with a manifest sha256sum made (text and binary mode) and openssl signed."""
    key = make_key(tmp_path, "key")
    root = make_volume(tmp_path)
    manifest = (b"# made by hand\n" + sha256sum(root, "boot/kernel", "boot/module one.bin")
        + sha256sum(root, "-b", "boot/loader.cfg", "EFI/BOOT/BOOTX64.EFI"))
    assert b" *boot/loader.cfg\n" in manifest
    sign_by_hand(key, root, manifest)
    return key, raw_public_key(key, tmp_path), root


def test_real_tools_manifest_is_trusted(signed):
    key, public, root = signed
    status, out, err = check_volume(public, root, *FILES)
    assert status == 0, err
    assert out.splitlines()[:4] == ["2 /boot/kernel", "3 /boot/module one.bin",
        "4 /boot/loader.cfg", "5 /EFI/BOOT/BOOTX64.EFI"]
    assert [line for line in out.splitlines() if line.startswith("trusted")] == [
        f"trusted /{path}" for path in FILES]


def test_paths_found_in_any_case_and_with_slash(signed):
    _, public, root = signed
    status, out, err = check_volume(public, root, "/BOOT/KERNEL", "efi/boot/bootx64.efi")
    assert status == 0, err
    assert "trusted /boot/kernel" in out and "trusted /EFI/BOOT/BOOTX64.EFI" in out


def test_tampered_manifest_refused(signed):
    _, public, root = signed
    manifest = root / "boot" / "loader.sha256"
    data = bytearray(manifest.read_bytes())
    # one hex digit of the kernel's digest, to another hex digit
    offset = data.index(b"\n") + 1
    data[offset] = ord("0") if data[offset] != ord("0") else ord("1")
    manifest.write_bytes(bytes(data))
    status, _, err = check_volume(public, root)
    assert status == 1
    assert err == f"{root}/boot/loader.sha256: signature does not match the built-in key\n"


def test_other_key_refused(signed, tmp_path):
    _, _, root = signed
    other = raw_public_key(make_key(tmp_path, "other"), tmp_path)
    status, _, err = check_volume(other, root)
    assert status == 1
    assert err.endswith(": signature does not match the built-in key\n")


def test_signature_by_other_key_refused(signed, tmp_path):
    _, public, root = signed
    other = make_key(tmp_path, "other")
    sign_by_hand(other, root, (root / "boot" / "loader.sha256").read_bytes())
    status, _, err = check_volume(public, root)
    assert status == 1
    assert err.endswith(": signature does not match the built-in key\n")


@pytest.mark.parametrize("size", [0, 63, 65])
def test_signature_of_wrong_length_refused(signed, size):
    _, public, root = signed
    signature = root / "boot" / "loader.sha256.sig"
    data = signature.read_bytes()
    signature.write_bytes((data + b"\0")[:size])
    status, _, err = check_volume(public, root)
    assert status == 1
    assert err.endswith(f": signature is {size} bytes, not 64\n")


def test_changed_file_refused(signed):
    _, public, root = signed
    (root / "boot" / "loader.cfg").write_bytes(b"timeout = 0\n")
    status, _, err = check_volume(public, root, "boot/kernel", "boot/loader.cfg")
    assert status == 1
    assert err == "boot/loader.cfg: SHA-256 differs from line 4 of the manifest\n"


def test_dot_slash_paths_refused(tmp_path):
    """`sha256sum ./boot/kernel` prints "./boot/kernel", which no lookup would match."""
    key = make_key(tmp_path, "key")
    root = make_volume(tmp_path)
    sign_by_hand(key, root, sha256sum(root, "boot/loader.cfg", "./boot/kernel"))
    status, _, err = check_volume(raw_public_key(key, tmp_path), root)
    assert status == 1
    assert err.endswith(": line 2: the path has an empty, '.' or '..' component\n")


def test_sign_manifest_script(tmp_path):
    key = make_key(tmp_path, "key")
    root = make_volume(tmp_path)
    # a file named twice is refused, and nothing is written; so are two names
    # that differ in case only, which are one file on FAT
    result = run(SIGN_MANIFEST, str(key), str(root), *FILES, "/boot/loader.cfg", check=False)
    assert result.returncode == 1
    assert b"boot/loader.cfg is named twice" in result.stderr
    (root / "boot" / "Kernel").write_bytes(b"another kernel")
    result = run(SIGN_MANIFEST, str(key), str(root), "boot/kernel", "boot/Kernel", check=False)
    assert result.returncode == 1
    assert b"boot/kernel is named twice" in result.stderr
    assert not (root / "boot" / "loader.sha256").exists()

    run(SIGN_MANIFEST, str(key), str(root), *FILES)
    manifest = (root / "boot" / "loader.sha256").read_bytes()
    # exactly sha256sum's output for the same names, run in the volume's root
    assert manifest == sha256sum(root, *FILES)
    public = tmp_path / "public.bin"
    run(PUBLIC_KEY, str(key), str(public))
    assert public.read_bytes() == raw_public_key(key, tmp_path).read_bytes()
    status, _, err = check_volume(public, root, *FILES)
    assert status == 0, err

    # signing again replaces both files; a leading '/' names the same file
    run(SIGN_MANIFEST, str(key), str(root), "/boot/kernel")
    assert (root / "boot" / "loader.sha256").read_bytes() == sha256sum(root, "boot/kernel")
    status, out, err = check_volume(public, root, "boot/kernel")
    assert status == 0, err
    status, _, err = check_volume(public, root, "boot/loader.cfg")
    assert status == 1 and err == "boot/loader.cfg: not in the manifest\n"


@pytest.mark.parametrize("name,message", [
    ("./boot/kernel", b"without '.', '..' or '//'"),
    ("boot//kernel", b"without '.', '..' or '//'"),
    ("boot/../boot/kernel", b"without '.', '..' or '//'"),
    ("boot/nothing", b"is not a file"),
    ("boot/loader.sha256", b"the manifest does not list itself"),
    ("boot/back\\slash", b"names with control characters or '\\' cannot be listed"),
    ("boot/tab\there", b"names with control characters or '\\' cannot be listed"),
])
def test_sign_manifest_refuses_names(tmp_path, name, message):
    key = make_key(tmp_path, "key")
    root = make_volume(tmp_path)
    run(SIGN_MANIFEST, str(key), str(root), "boot/kernel")
    before = (root / "boot" / "loader.sha256").read_bytes()
    result = run(SIGN_MANIFEST, str(key), str(root), "boot/loader.cfg", name, check=False)
    assert result.returncode == 1
    assert message in result.stderr
    # the old manifest stays as it was
    assert (root / "boot" / "loader.sha256").read_bytes() == before


def test_sign_manifest_refuses_other_keys(tmp_path):
    rsa = tmp_path / "rsa.pem"
    run("openssl", "genpkey", "-algorithm", "rsa", "-pkeyopt", "rsa_keygen_bits:1024",
        "-out", str(rsa))
    root = make_volume(tmp_path)
    result = run(SIGN_MANIFEST, str(rsa), str(root), "boot/kernel", check=False)
    assert result.returncode == 1
    assert b"is not an Ed25519 key" in result.stderr
    assert not (root / "boot" / "loader.sha256").exists()


def test_public_key_script_forms(tmp_path):
    key = make_key(tmp_path, "key")
    expected = raw_public_key(key, tmp_path).read_bytes()
    # from the public half alone, as a build without the private key does
    public_pem = tmp_path / "public.pem"
    run("openssl", "pkey", "-in", str(key), "-pubout", "-out", str(public_pem))
    out = tmp_path / "from-public.bin"
    run(PUBLIC_KEY, str(public_pem), str(out))
    assert out.read_bytes() == expected
    # as a C initializer's body
    text = run(PUBLIC_KEY, "--c", str(key)).stdout.decode()
    values = [int(value, 16) for value in text.replace(",", " ").split()]
    assert bytes(values) == expected
    assert all(line.startswith("\t0x") for line in text.splitlines())
    assert len(text.splitlines()) == 4

    rsa = tmp_path / "rsa.pem"
    run("openssl", "genpkey", "-algorithm", "rsa", "-pkeyopt", "rsa_keygen_bits:1024",
        "-out", str(rsa))
    result = run(PUBLIC_KEY, str(rsa), str(tmp_path / "rsa.bin"), check=False)
    assert result.returncode == 1 and b"is not an Ed25519 key" in result.stderr
    assert not (tmp_path / "rsa.bin").exists()
