using PypiForge.Agent.Pip;
using PypiForge.Protos.Jobs;

namespace PypiForge.Agent.Tests.Pip;

/// <summary>The one-line reason for pip's real output. Every sample is the whole console output of a real
/// <c>pip wheel --no-cache-dir --disable-pip-version-check --no-input --progress-bar off -w DIR</c> run on a tiny sdist (made
/// for it: pf-foo 1.0/1.1, pf-hdr including a missing header, pf-cc built with CC=pf-nosuch-gcc, pf-nobackend whose
/// pyproject.toml requires pf-nosuch-backend, pf-crash whose setup.py exits 1, pf-usesdep depending on it, pf-py37 with
/// Requires-Python &gt;=3.7), against a find-links folder with setuptools 65.5 and wheel 0.38 (py3 only) or a static index
/// page; the pip version and Python are named per sample. Collected on this machine with pyenv's interpreters.</summary>
public sealed class PipReasonSpecs
{
    public static TheoryData<string, string, string, FailureKind, string> Samples => new()
    {
        // pip 23.2.1 (Python 3.11.7)
        {
            "nomatch-311",
            """
Looking in links: /tmp/samples/links
ERROR: Could not find a version that satisfies the requirement pf-foo==9.9 (from versions: 1.0, 1.1)
ERROR: No matching distribution found for pf-foo==9.9
""",
            "3.11.7",
            FailureKind.NoMatchingDistribution,
            "no release of pf-foo matches pf-foo==9.9 (pip saw versions 1.0, 1.1)"
        },
        // pip 24.2 (Python 3.13.0)
        {
            "nomatch-313",
            """
Looking in links: /tmp/samples/links
ERROR: Could not find a version that satisfies the requirement pf-foo==9.9 (from versions: 1.0, 1.1)
ERROR: No matching distribution found for pf-foo==9.9
""",
            "3.13.0",
            FailureKind.NoMatchingDistribution,
            "no release of pf-foo matches pf-foo==9.9 (pip saw versions 1.0, 1.1)"
        },
        // pip 19.2.3 (Python 2.7.18)
        {
            "nomatch-27",
            """
DEPRECATION: Python 2.7 will reach the end of its life on January 1st, 2020. Please upgrade your Python as Python 2.7 won't be maintained after that date. A future version of pip will drop support for Python 2.7. More details about Python 2 support in pip, can be found at https://pip.pypa.io/en/latest/development/release-process/#python-2-support
Looking in links: /tmp/samples/links
Collecting pf-foo==9.9
  ERROR: Could not find a version that satisfies the requirement pf-foo==9.9 (from versions: 1.0, 1.1)
ERROR: No matching distribution found for pf-foo==9.9
""",
            "2.7.18",
            FailureKind.NoMatchingDistribution,
            "no release of pf-foo matches pf-foo==9.9 (pip saw versions 1.0, 1.1)"
        },
        // pip 18.1 (Python 3.6.15)
        {
            "nomatch-36",
            """
Looking in links: /tmp/samples/links
Collecting pf-foo==9.9
  Could not find a version that satisfies the requirement pf-foo==9.9 (from versions: 1.0, 1.1)
No matching distribution found for pf-foo==9.9
""",
            "3.6.15",
            FailureKind.NoMatchingDistribution,
            "no release of pf-foo matches pf-foo==9.9 (pip saw versions 1.0, 1.1)"
        },
        // pip 19.2.3 (Python 2.7.18), an index page whose only file has data-requires-python >=3.7
        {
            "rp-27",
            """
DEPRECATION: Python 2.7 will reach the end of its life on January 1st, 2020. Please upgrade your Python as Python 2.7 won't be maintained after that date. A future version of pip will drop support for Python 2.7. More details about Python 2 support in pip, can be found at https://pip.pypa.io/en/latest/development/release-process/#python-2-support
Looking in indexes: http://127.0.0.1:18765/simple/
Collecting pf-py37==1.0
  ERROR: Could not find a version that satisfies the requirement pf-py37==1.0 (from versions: none)
ERROR: No matching distribution found for pf-py37==1.0
""",
            "2.7.18",
            FailureKind.NoMatchingDistribution,
            "no release of pf-py37 matches pf-py37==1.0: pip saw no version it could use for Python 2.7.18 (the index may not have pf-py37, or its Requires-Python excludes this Python)"
        },
        // pip 18.1 (Python 3.6.15), the same index page
        {
            "rp-36",
            """
Looking in indexes: http://127.0.0.1:18765/simple/
Collecting pf-py37==1.0
  Could not find a version that satisfies the requirement pf-py37==1.0 (from versions: )
No matching distribution found for pf-py37==1.0
""",
            "3.6.15",
            FailureKind.NoMatchingDistribution,
            "no release of pf-py37 matches pf-py37==1.0: pip saw no version it could use for Python 3.6.15 (the index may not have pf-py37, or its Requires-Python excludes this Python)"
        },
        // pip 23.2.1 (Python 3.11.7), an index page whose files have data-requires-python >=3.12
        {
            "ign-311",
            """
Looking in indexes: http://127.0.0.1:18766/simple/
ERROR: Ignored the following versions that require a different python version: 1.0 Requires-Python >=3.12; 1.1 Requires-Python >=3.12
ERROR: Could not find a version that satisfies the requirement pf-foo>=1.0 (from versions: none)
ERROR: No matching distribution found for pf-foo>=1.0
""",
            "3.11.7",
            FailureKind.NoMatchingDistribution,
            "no release of pf-foo matches pf-foo>=1.0 for Python 3.11.7: pip ignored 1.0 Requires-Python >=3.12; 1.1 Requires-Python >=3.12"
        },
        // pip 23.2.1 (Python 3.11.7), pyproject.toml requires pf-nosuch-backend>=1.0
        {
            "nobackend-311",
            """
Looking in links: /tmp/samples/links
Processing ./links/pf-nobackend-1.0.tar.gz
  Installing build dependencies: started
  Installing build dependencies: finished with status 'error'
  error: subprocess-exited-with-error
  
  × pip subprocess to install build dependencies did not run successfully.
  │ exit code: 1
  ╰─> [3 lines of output]
      Looking in links: /tmp/samples/links
      ERROR: Could not find a version that satisfies the requirement pf-nosuch-backend>=1.0 (from versions: none)
      ERROR: No matching distribution found for pf-nosuch-backend>=1.0
      [end of output]
  
  note: This error originates from a subprocess, and is likely not a problem with pip.
error: subprocess-exited-with-error

× pip subprocess to install build dependencies did not run successfully.
│ exit code: 1
╰─> See above for output.

note: This error originates from a subprocess, and is likely not a problem with pip.
""",
            "3.11.7",
            FailureKind.BuildBackendUnavailable,
            "could not install the build back-end pf-nosuch-backend>=1.0 for Python 3.11.7 to build pf-nobackend; the index serves no version of it this Python can install"
        },
        // pip 24.2 (Python 3.13.0)
        {
            "nobackend-313",
            """
Looking in links: /tmp/samples/links
Processing ./links/pf-nobackend-1.0.tar.gz
  Installing build dependencies: started
  Installing build dependencies: finished with status 'error'
  error: subprocess-exited-with-error
  
  × pip subprocess to install build dependencies did not run successfully.
  │ exit code: 1
  ╰─> [3 lines of output]
      Looking in links: /tmp/samples/links
      ERROR: Could not find a version that satisfies the requirement pf-nosuch-backend>=1.0 (from versions: none)
      ERROR: No matching distribution found for pf-nosuch-backend>=1.0
      [end of output]
  
  note: This error originates from a subprocess, and is likely not a problem with pip.
error: subprocess-exited-with-error

× pip subprocess to install build dependencies did not run successfully.
│ exit code: 1
╰─> See above for output.

note: This error originates from a subprocess, and is likely not a problem with pip.
""",
            "3.13.0",
            FailureKind.BuildBackendUnavailable,
            "could not install the build back-end pf-nosuch-backend>=1.0 for Python 3.13.0 to build pf-nobackend; the index serves no version of it this Python can install"
        },
        // pip 19.2.3 (Python 2.7.18)
        {
            "nobackend-27",
            """
DEPRECATION: Python 2.7 will reach the end of its life on January 1st, 2020. Please upgrade your Python as Python 2.7 won't be maintained after that date. A future version of pip will drop support for Python 2.7. More details about Python 2 support in pip, can be found at https://pip.pypa.io/en/latest/development/release-process/#python-2-support
Looking in links: /tmp/samples/links
Collecting pf-nobackend
  Installing build dependencies: started
  Installing build dependencies: finished with status 'error'
  ERROR: Command errored out with exit status 1:
   command: /root/.pyenv/versions/2.7.18/bin/python /root/.pyenv/versions/2.7.18/lib/python2.7/site-packages/pip install --ignore-installed --no-user --prefix /tmp/pip-build-env-7UIjAJ/overlay --no-warn-script-location --no-binary :none: --only-binary :none: --no-index --find-links /tmp/samples/links -- 'pf-nosuch-backend>=1.0'
       cwd: None
  Complete output (5 lines):
  DEPRECATION: Python 2.7 will reach the end of its life on January 1st, 2020. Please upgrade your Python as Python 2.7 won't be maintained after that date. A future version of pip will drop support for Python 2.7. More details about Python 2 support in pip, can be found at https://pip.pypa.io/en/latest/development/release-process/#python-2-support
  Looking in links: /tmp/samples/links
  Collecting pf-nosuch-backend>=1.0
    ERROR: Could not find a version that satisfies the requirement pf-nosuch-backend>=1.0 (from versions: none)
  ERROR: No matching distribution found for pf-nosuch-backend>=1.0
  ----------------------------------------
ERROR: Command errored out with exit status 1: /root/.pyenv/versions/2.7.18/bin/python /root/.pyenv/versions/2.7.18/lib/python2.7/site-packages/pip install --ignore-installed --no-user --prefix /tmp/pip-build-env-7UIjAJ/overlay --no-warn-script-location --no-binary :none: --only-binary :none: --no-index --find-links /tmp/samples/links -- 'pf-nosuch-backend>=1.0' Check the logs for full command output.
""",
            "2.7.18",
            FailureKind.BuildBackendUnavailable,
            "could not install the build back-end pf-nosuch-backend>=1.0 for Python 2.7.18 to build pf-nobackend; the index serves no version of it this Python can install"
        },
        // pip 18.1 (Python 3.6.15)
        {
            "nobackend-36",
            """
Looking in links: /tmp/samples/links
Collecting pf-nobackend
  Installing build dependencies: started
  Installing build dependencies: finished with status 'error'
  Complete output from command /root/.pyenv/versions/3.6.15/bin/python -m pip install --ignore-installed --no-user --prefix /tmp/pip-build-env-5t120zrt --no-warn-script-location --no-binary :none: --only-binary :none: --no-index --find-links /tmp/samples/links -- pf-nosuch-backend>=1.0:
  Looking in links: /tmp/samples/links
  Collecting pf-nosuch-backend>=1.0
    Could not find a version that satisfies the requirement pf-nosuch-backend>=1.0 (from versions: )
  No matching distribution found for pf-nosuch-backend>=1.0
  
  ----------------------------------------
Command "/root/.pyenv/versions/3.6.15/bin/python -m pip install --ignore-installed --no-user --prefix /tmp/pip-build-env-5t120zrt --no-warn-script-location --no-binary :none: --only-binary :none: --no-index --find-links /tmp/samples/links -- pf-nosuch-backend>=1.0" failed with error code 1 in None
""",
            "3.6.15",
            FailureKind.BuildBackendUnavailable,
            "could not install the build back-end pf-nosuch-backend>=1.0 for Python 3.6.15 to build pf-nobackend; the index serves no version of it this Python can install"
        },
        // pip 19.2.3 (Python 2.7.18), only py3 setuptools served: issue 12's crcmod-on-2.7 case
        {
            "hdr-27",
            """
DEPRECATION: Python 2.7 will reach the end of its life on January 1st, 2020. Please upgrade your Python as Python 2.7 won't be maintained after that date. A future version of pip will drop support for Python 2.7. More details about Python 2 support in pip, can be found at https://pip.pypa.io/en/latest/development/release-process/#python-2-support
Looking in links: /tmp/samples/links
Collecting pf-hdr
  Installing build dependencies: started
  Installing build dependencies: finished with status 'error'
  ERROR: Command errored out with exit status 1:
   command: /root/.pyenv/versions/2.7.18/bin/python /root/.pyenv/versions/2.7.18/lib/python2.7/site-packages/pip install --ignore-installed --no-user --prefix /tmp/pip-build-env-UaZQ8a/overlay --no-warn-script-location --no-binary :none: --only-binary :none: --no-index --find-links /tmp/samples/links -- 'setuptools>=40.8.0' wheel
       cwd: None
  Complete output (5 lines):
  DEPRECATION: Python 2.7 will reach the end of its life on January 1st, 2020. Please upgrade your Python as Python 2.7 won't be maintained after that date. A future version of pip will drop support for Python 2.7. More details about Python 2 support in pip, can be found at https://pip.pypa.io/en/latest/development/release-process/#python-2-support
  Looking in links: /tmp/samples/links
  Collecting setuptools>=40.8.0
    ERROR: Could not find a version that satisfies the requirement setuptools>=40.8.0 (from versions: none)
  ERROR: No matching distribution found for setuptools>=40.8.0
  ----------------------------------------
ERROR: Command errored out with exit status 1: /root/.pyenv/versions/2.7.18/bin/python /root/.pyenv/versions/2.7.18/lib/python2.7/site-packages/pip install --ignore-installed --no-user --prefix /tmp/pip-build-env-UaZQ8a/overlay --no-warn-script-location --no-binary :none: --only-binary :none: --no-index --find-links /tmp/samples/links -- 'setuptools>=40.8.0' wheel Check the logs for full command output.
""",
            "2.7.18",
            FailureKind.BuildBackendUnavailable,
            "could not install the build back-end setuptools>=40.8.0 for Python 2.7.18 to build pf-hdr; the index serves no version of it this Python can install"
        },
        // pip 23.2.1 (Python 3.11.7), an index without setuptools
        {
            "rp-311",
            """
Looking in indexes: http://127.0.0.1:18765/simple/
Collecting pf-py37==1.0
  Downloading http://127.0.0.1:18765/pf-py37-1.0.tar.gz (273 bytes)
  Installing build dependencies: started
  Installing build dependencies: finished with status 'error'
  error: subprocess-exited-with-error
  
  × pip subprocess to install build dependencies did not run successfully.
  │ exit code: 1
  ╰─> [3 lines of output]
      Looking in indexes: http://127.0.0.1:18765/simple/
      ERROR: Could not find a version that satisfies the requirement setuptools>=40.8.0 (from versions: none)
      ERROR: No matching distribution found for setuptools>=40.8.0
      [end of output]
  
  note: This error originates from a subprocess, and is likely not a problem with pip.
error: subprocess-exited-with-error

× pip subprocess to install build dependencies did not run successfully.
│ exit code: 1
╰─> See above for output.

note: This error originates from a subprocess, and is likely not a problem with pip.
""",
            "3.11.7",
            FailureKind.BuildBackendUnavailable,
            "could not install the build back-end setuptools>=40.8.0 for Python 3.11.7 to build pf-py37; the index serves no version of it this Python can install"
        },
        // pip 23.2.1 (Python 3.11.7)
        {
            "hdr-311",
            """
Looking in links: /tmp/samples/links
Processing ./links/pf-hdr-1.0.tar.gz
  Installing build dependencies: started
  Installing build dependencies: finished with status 'done'
  Getting requirements to build wheel: started
  Getting requirements to build wheel: finished with status 'done'
  Preparing metadata (pyproject.toml): started
  Preparing metadata (pyproject.toml): finished with status 'done'
Building wheels for collected packages: pf-hdr
  Building wheel for pf-hdr (pyproject.toml): started
  Building wheel for pf-hdr (pyproject.toml): finished with status 'error'
  error: subprocess-exited-with-error
  
  × Building wheel for pf-hdr (pyproject.toml) did not run successfully.
  │ exit code: 1
  ╰─> [12 lines of output]
      running bdist_wheel
      running build
      running build_ext
      building 'pf_hdr' extension
      creating build
      creating build/temp.linux-x86_64-cpython-311
      gcc -Wsign-compare -DNDEBUG -g -fwrapv -O3 -Wall -fPIC -I/root/.pyenv/versions/3.11.7/include/python3.11 -c pf_hdr.c -o build/temp.linux-x86_64-cpython-311/pf_hdr.o
      pf_hdr.c:1:10: fatal error: pf_missing.h: No such file or directory
          1 | #include <pf_missing.h>
            |          ^~~~~~~~~~~~~~
      compilation terminated.
      error: command '/usr/bin/gcc' failed with exit code 1
      [end of output]
  
  note: This error originates from a subprocess, and is likely not a problem with pip.
  ERROR: Failed building wheel for pf-hdr
Failed to build pf-hdr
ERROR: Failed to build one or more wheels
""",
            "3.11.7",
            FailureKind.MissingHeader,
            "missing C header pf_missing.h on the build host (building pf-hdr); install the package that provides it (e.g. its -dev package)"
        },
        // pip 23.2.1 (Python 3.11.7), CC=pf-nosuch-gcc
        {
            "cc-311",
            """
Looking in links: /tmp/samples/links
Processing ./links/pf-cc-1.0.tar.gz
  Installing build dependencies: started
  Installing build dependencies: finished with status 'done'
  Getting requirements to build wheel: started
  Getting requirements to build wheel: finished with status 'done'
  Preparing metadata (pyproject.toml): started
  Preparing metadata (pyproject.toml): finished with status 'done'
Building wheels for collected packages: pf-cc
  Building wheel for pf-cc (pyproject.toml): started
  Building wheel for pf-cc (pyproject.toml): finished with status 'error'
  error: subprocess-exited-with-error
  
  × Building wheel for pf-cc (pyproject.toml) did not run successfully.
  │ exit code: 1
  ╰─> [8 lines of output]
      running bdist_wheel
      running build
      running build_ext
      building 'pf_cc' extension
      creating build
      creating build/temp.linux-x86_64-cpython-311
      pf-nosuch-gcc -Wsign-compare -DNDEBUG -g -fwrapv -O3 -Wall -fPIC -I/root/.pyenv/versions/3.11.7/include/python3.11 -c pf_cc.c -o build/temp.linux-x86_64-cpython-311/pf_cc.o
      error: command 'pf-nosuch-gcc' failed: No such file or directory
      [end of output]
  
  note: This error originates from a subprocess, and is likely not a problem with pip.
  ERROR: Failed building wheel for pf-cc
Failed to build pf-cc
ERROR: Failed to build one or more wheels
""",
            "3.11.7",
            FailureKind.CompilerMissing,
            "the compiler pf-nosuch-gcc is missing on the build host (building pf-cc); install it (e.g. build-essential)"
        },
        // pip 24.2 (Python 3.13.0), CC=pf-nosuch-gcc, setuptools 65.5 (too old for 3.13)
        {
            "cc-313",
            """
Looking in links: /tmp/samples/links
Processing ./links/pf-cc-1.0.tar.gz
  Installing build dependencies: started
  Installing build dependencies: finished with status 'done'
  Getting requirements to build wheel: started
  Getting requirements to build wheel: finished with status 'error'
  error: subprocess-exited-with-error
  
  × Getting requirements to build wheel did not run successfully.
  │ exit code: 1
  ╰─> [32 lines of output]
      Traceback (most recent call last):
        File "/root/.pyenv/versions/3.13.0/lib/python3.13/site-packages/pip/_vendor/pyproject_hooks/_in_process/_in_process.py", line 353, in <module>
          main()
          ~~~~^^
        File "/root/.pyenv/versions/3.13.0/lib/python3.13/site-packages/pip/_vendor/pyproject_hooks/_in_process/_in_process.py", line 335, in main
          json_out['return_val'] = hook(**hook_input['kwargs'])
                                   ~~~~^^^^^^^^^^^^^^^^^^^^^^^^
        File "/root/.pyenv/versions/3.13.0/lib/python3.13/site-packages/pip/_vendor/pyproject_hooks/_in_process/_in_process.py", line 112, in get_requires_for_build_wheel
          backend = _build_backend()
        File "/root/.pyenv/versions/3.13.0/lib/python3.13/site-packages/pip/_vendor/pyproject_hooks/_in_process/_in_process.py", line 77, in _build_backend
          obj = import_module(mod_path)
        File "/root/.pyenv/versions/3.13.0/lib/python3.13/importlib/__init__.py", line 88, in import_module
          return _bootstrap._gcd_import(name[level:], package, level)
                 ~~~~~~~~~~~~~~~~~~~~~~^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
        File "<frozen importlib._bootstrap>", line 1387, in _gcd_import
        File "<frozen importlib._bootstrap>", line 1360, in _find_and_load
        File "<frozen importlib._bootstrap>", line 1310, in _find_and_load_unlocked
        File "<frozen importlib._bootstrap>", line 488, in _call_with_frames_removed
        File "<frozen importlib._bootstrap>", line 1387, in _gcd_import
        File "<frozen importlib._bootstrap>", line 1360, in _find_and_load
        File "<frozen importlib._bootstrap>", line 1331, in _find_and_load_unlocked
        File "<frozen importlib._bootstrap>", line 935, in _load_unlocked
        File "<frozen importlib._bootstrap_external>", line 1022, in exec_module
        File "<frozen importlib._bootstrap>", line 488, in _call_with_frames_removed
        File "/tmp/pip-build-env-xfmoi7pd/overlay/lib/python3.13/site-packages/setuptools/__init__.py", line 16, in <module>
          import setuptools.version
        File "/tmp/pip-build-env-xfmoi7pd/overlay/lib/python3.13/site-packages/setuptools/version.py", line 1, in <module>
          import pkg_resources
        File "/tmp/pip-build-env-xfmoi7pd/overlay/lib/python3.13/site-packages/pkg_resources/__init__.py", line 2191, in <module>
          register_finder(pkgutil.ImpImporter, find_on_path)
                          ^^^^^^^^^^^^^^^^^^^
      AttributeError: module 'pkgutil' has no attribute 'ImpImporter'. Did you mean: 'zipimporter'?
      [end of output]
  
  note: This error originates from a subprocess, and is likely not a problem with pip.
error: subprocess-exited-with-error

× Getting requirements to build wheel did not run successfully.
│ exit code: 1
╰─> See above for output.

note: This error originates from a subprocess, and is likely not a problem with pip.
""",
            "3.13.0",
            FailureKind.BuildFailed,
            "preparing pf-cc for its build failed (Getting requirements to build wheel) with exit code 1: AttributeError: module 'pkgutil' has no attribute 'ImpImporter'. Did you mean: 'zipimporter'?"
        },
        // pip 23.2.1 (Python 3.11.7), setup.py exits 1
        {
            "crash-311",
            """
Looking in links: /tmp/samples/links
Processing ./links/pf-crash-1.0.tar.gz
  Installing build dependencies: started
  Installing build dependencies: finished with status 'done'
  Getting requirements to build wheel: started
  Getting requirements to build wheel: finished with status 'error'
  error: subprocess-exited-with-error
  
  × Getting requirements to build wheel did not run successfully.
  │ exit code: 1
  ╰─> [1 lines of output]
      pf-crash: refusing to build
      [end of output]
  
  note: This error originates from a subprocess, and is likely not a problem with pip.
error: subprocess-exited-with-error

× Getting requirements to build wheel did not run successfully.
│ exit code: 1
╰─> See above for output.

note: This error originates from a subprocess, and is likely not a problem with pip.
""",
            "3.11.7",
            FailureKind.BuildFailed,
            "preparing pf-crash for its build failed (Getting requirements to build wheel) with exit code 1"
        },
        // pip 23.2.1 (Python 3.11.7), a dependency's setup.py exits 1
        {
            "dep-311",
            """
Looking in links: /tmp/samples/links
Processing ./links/pf-usesdep-1.0.tar.gz
  Installing build dependencies: started
  Installing build dependencies: finished with status 'done'
  Getting requirements to build wheel: started
  Getting requirements to build wheel: finished with status 'done'
  Preparing metadata (pyproject.toml): started
  Preparing metadata (pyproject.toml): finished with status 'done'
Processing ./links/pf-crash-1.0.tar.gz (from pf-usesdep)
  Installing build dependencies: started
  Installing build dependencies: finished with status 'done'
  Getting requirements to build wheel: started
  Getting requirements to build wheel: finished with status 'error'
  error: subprocess-exited-with-error
  
  × Getting requirements to build wheel did not run successfully.
  │ exit code: 1
  ╰─> [1 lines of output]
      pf-crash: refusing to build
      [end of output]
  
  note: This error originates from a subprocess, and is likely not a problem with pip.
error: subprocess-exited-with-error

× Getting requirements to build wheel did not run successfully.
│ exit code: 1
╰─> See above for output.

note: This error originates from a subprocess, and is likely not a problem with pip.
""",
            "3.11.7",
            FailureKind.BuildFailed,
            "preparing pf-crash, a dependency of pf-usesdep, for its build failed (Getting requirements to build wheel) with exit code 1"
        },
        // pip 18.1 (Python 3.6.15), a dependency's setup.py exits 1
        {
            "dep-36",
            """
Looking in links: /tmp/samples/links
Collecting pf-usesdep
Collecting pf-crash (from pf-usesdep)
    Complete output from command python setup.py egg_info:
    pf-crash: refusing to build
    
    ----------------------------------------
Command "python setup.py egg_info" failed with error code 1 in /tmp/pip-wheel-g0y99z76/pf-crash/
""",
            "3.6.15",
            FailureKind.BuildFailed,
            "preparing pf-crash, a dependency of pf-usesdep, for its build failed (python setup.py egg_info) with exit code 1"
        },
        // pip 18.1 (Python 3.6.15), no wheel package: setup.py bdist_wheel is an invalid command
        {
            "hdr-36",
            """
Looking in links: /tmp/samples/links
Collecting pf-hdr
Building wheels for collected packages: pf-hdr
  Running setup.py bdist_wheel for pf-hdr: started
  Running setup.py bdist_wheel for pf-hdr: finished with status 'error'
  Complete output from command /root/.pyenv/versions/3.6.15/bin/python -u -c "import setuptools, tokenize;__file__='/tmp/pip-wheel-voyzm975/pf-hdr/setup.py';f=getattr(tokenize, 'open', open)(__file__);code=f.read().replace('\r\n', '\n');f.close();exec(compile(code, __file__, 'exec'))" bdist_wheel -d /tmp/pip-wheel-nzod4dy8:
  usage: -c [global_opts] cmd1 [cmd1_opts] [cmd2 [cmd2_opts] ...]
     or: -c --help [cmd1 cmd2 ...]
     or: -c --help-commands
     or: -c cmd --help
  
  error: invalid command 'bdist_wheel'
  
  ----------------------------------------
  Failed building wheel for pf-hdr
  Running setup.py clean for pf-hdr
Failed to build pf-hdr
ERROR: Failed to build one or more wheels
""",
            "3.6.15",
            FailureKind.BuildFailed,
            "building a wheel for pf-hdr failed"
        },
        // pip 22.0.4 (Python 3.7.16), no wheel package
        {
            "rp-37",
            """
Looking in indexes: http://127.0.0.1:18765/simple/
Collecting pf-py37==1.0
  Downloading http://127.0.0.1:18765/pf-py37-1.0.tar.gz (273 bytes)
  Preparing metadata (setup.py): started
  Preparing metadata (setup.py): finished with status 'done'
Building wheels for collected packages: pf-py37
  Building wheel for pf-py37 (setup.py): started
  Building wheel for pf-py37 (setup.py): finished with status 'error'
  error: subprocess-exited-with-error
  
  × python setup.py bdist_wheel did not run successfully.
  │ exit code: 1
  ╰─> [6 lines of output]
      usage: setup.py [global_opts] cmd1 [cmd1_opts] [cmd2 [cmd2_opts] ...]
         or: setup.py --help [cmd1 cmd2 ...]
         or: setup.py --help-commands
         or: setup.py cmd --help
      
      error: invalid command 'bdist_wheel'
      [end of output]
  
  note: This error originates from a subprocess, and is likely not a problem with pip.
  ERROR: Failed building wheel for pf-py37
  Running setup.py clean for pf-py37
Failed to build pf-py37
ERROR: Failed to build one or more wheels
""",
            "3.7.16",
            FailureKind.BuildFailed,
            "building a wheel for pf-py37 failed with exit code 1"
        },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void Real_pip_output_gets_its_reason_and_kind(string sample, string output, string python, FailureKind kind, string reason)
    {
        var result = Run(output, exitCode: 1);

        var (gotKind, gotReason) = PipReason.Of(result, python, buildRoot: null, TimeSpan.FromMinutes(30));

        Assert.True(kind == gotKind, $"{sample}: {gotKind} ({gotReason})");
        Assert.Equal(reason, gotReason);
    }

    /// <summary>Feeds the output line by line, as <see cref="BuildLog"/> does, and returns the run's result.</summary>
    internal static PipWheelResult Run(string output, int exitCode)
    {
        var diagnosis = new PipDiagnosis();
        var failures = new PipFailures();
        foreach (var line in output.Split('\n'))
        {
            diagnosis.Observe(line.TrimEnd('\r'));
            failures.Observe(line.TrimEnd('\r'));
        }

        return new PipWheelResult(exitCode, false, [], TimeSpan.FromSeconds(1))
        {
            Findings = diagnosis.Findings(),
            FailedProjects = failures.Projects,
            BuildFailed = failures.BuildFailed,
        };
    }
}
