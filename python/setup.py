"""pip install . for the atlas_search package: the extension is built by CMake.

    /usr/bin/python3 -m pip install --no-build-isolation --no-deps .     # from python/

build_ext configures the repository one folder up with -DATLAS_BUILD_PYTHON=ON
(tests and tools off), builds the atlas_search_native target (the static
libraries and the pybind11 module) in setuptools' build_temp, and copies the
module into the wheel beside the pure-Python files.  Needs what the C++ build
needs (.ci/install-deps) plus pybind11-dev and python3-dev; no network.
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def project_version() -> str:
    text = (ROOT / "CMakeLists.txt").read_text()
    match = re.search(r"project\(atlas_search VERSION ([0-9.]+)", text)
    return match.group(1) if match else "0.0.0"


class CMakeBuild(build_ext):
    def build_extension(self, ext: Extension) -> None:
        build = Path(self.build_temp).resolve() / "cmake"
        build.mkdir(parents=True, exist_ok=True)
        configure = ["cmake", "-S", str(ROOT), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release",
                     "-DATLAS_BUILD_TESTS=OFF", "-DATLAS_BUILD_PYTHON=ON",
                     f"-DPython3_EXECUTABLE={sys.executable}"]
        if shutil.which("ninja"):
            configure += ["-G", "Ninja"]
        subprocess.run(configure, check=True)
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL", "2")
        subprocess.run(["cmake", "--build", str(build), "--target", "atlas_search_native",
                        "-j", jobs], check=True)
        built = list((build / "python" / "atlas_search").glob("_native*.so"))
        if len(built) != 1:
            raise RuntimeError(f"expected one _native*.so in {build}/python/atlas_search, got {built}")
        target = Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built[0], target)


setup(
    name="atlas-search",
    version=project_version(),
    description="Full-text, ranked, fielded search over scientific imaging portals' metadata "
                "(the atlas-search C++ library, embedded)",
    packages=["atlas_search"],
    package_data={"atlas_search": ["py.typed", "__init__.pyi"]},
    ext_modules=[Extension("atlas_search._native", sources=[])],
    cmdclass={"build_ext": CMakeBuild},
    python_requires=">=3.9",
    zip_safe=False,
)
