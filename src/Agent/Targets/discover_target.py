# Describes the running interpreter as a PypiForge build target and prints one JSON line.
# Runs on Python 2.7 and every Python 3: no f-strings, no third-party imports required.
# The tags mirror what wheel's bdist_wheel writes into the name of a platform wheel built by
# this interpreter, and what this interpreter's own pip accepts when installing.
import json
import platform
import sys
import sysconfig


def interpreter_name():
    name = getattr(sys, "implementation", None)
    name = name.name if name is not None else platform.python_implementation().lower()
    return {"cpython": "cp", "pypy": "pp", "ironpython": "ip", "jython": "jy"}.get(name, name)


def interpreter_version():
    version = sysconfig.get_config_var("py_version_nodot")
    return str(version) if version else "%d%d" % sys.version_info[:2]


def config_flag(name, fallback):
    value = sysconfig.get_config_var(name)
    return fallback if value is None else bool(value)


def abi_tag(impl):
    soabi = sysconfig.get_config_var("SOABI")
    if soabi and impl == "cp" and soabi.startswith("cpython"):
        return "cp" + soabi.split("-")[1]
    if soabi and impl == "cp" and soabi.startswith("cp"):
        return soabi.split("-")[0]
    if soabi and impl == "pp":
        return "_".join(soabi.split("-")[:2]).replace(".", "_")
    if soabi:
        return soabi.replace(".", "_").replace("-", "_")
    # Python 2 has no SOABI: the ABI is spelled from the build flags (PEP 3149 letters).
    debug = "d" if config_flag("Py_DEBUG", hasattr(sys, "gettotalrefcount")) else ""
    pymalloc = "m" if impl == "cp" and sys.version_info < (3, 8) and config_flag("WITH_PYMALLOC", True) else ""
    ucs4 = ""
    if sys.version_info < (3, 3):
        unicode_size = sysconfig.get_config_var("Py_UNICODE_SIZE")
        ucs4 = "u" if (unicode_size == 4 if unicode_size is not None else sys.maxunicode == 0x10FFFF) else ""
    return "%s%s%s%s%s" % (impl, interpreter_version(), debug, pymalloc, ucs4)


def platform_tag():
    plat = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    # A 32-bit interpreter on a 64-bit kernel builds 32-bit wheels (as bdist_wheel decides).
    if sys.maxsize <= 2 ** 32:
        plat = {"linux_x86_64": "linux_i686", "linux_aarch64": "linux_armv7l"}.get(plat, plat)
    return plat


def running_program():
    # The ELF header of the program running this script (qemu-user shows the emulated one) as hex: its class and
    # machine say what the interpreter really is, which a wrapper or a personality (setarch, linux32) cannot change,
    # unlike sysconfig's platform. None where /proc is missing or the program is not ELF.
    try:
        with open("/proc/self/exe", "rb") as program:
            header = bytearray(program.read(20))
    except Exception:
        return None
    if len(header) < 20 or header[:4] != bytearray(b"\x7fELF"):
        return None
    return "".join("%02x" % byte for byte in header)


def pip_supported():
    try:
        from pip._internal.utils.compatibility_tags import get_supported  # pip >= 20
        return [str(tag) for tag in get_supported()], "pip._internal.utils.compatibility_tags"
    except Exception:
        pass
    for module in ("pip._internal.pep425tags", "pip.pep425tags"):  # pip 10-19, pip < 10
        try:
            get_supported = __import__(module, fromlist=["get_supported"]).get_supported
            return ["-".join(tag) for tag in get_supported()], module
        except Exception:
            pass
    for module in ("pip._vendor.packaging.tags", "packaging.tags"):
        try:
            sys_tags = __import__(module, fromlist=["sys_tags"]).sys_tags
            return [str(tag) for tag in sys_tags()], module
        except Exception:
            pass
    return [], None


def pip_version():
    try:
        import pip
        return pip.__version__
    except Exception:
        return None


def prefixes():
    # The folders this interpreter runs from (a venv, its base, a pyenv version): a sandbox shows them read-only.
    names = ("prefix", "exec_prefix", "base_prefix", "base_exec_prefix", "real_prefix")
    return sorted(set(getattr(sys, name) for name in names if getattr(sys, name, None)))


impl = interpreter_name()
supported, supported_source = pip_supported()
print(json.dumps({
    "executable": sys.executable,
    "version": "%d.%d.%d" % sys.version_info[:3],
    "interpreter": impl + interpreter_version(),
    "abi": abi_tag(impl),
    "platform": platform_tag(),
    "supported": supported,
    "supported_source": supported_source,
    "pip": pip_version(),
    "prefixes": prefixes(),
    "program": running_program(),
}))
