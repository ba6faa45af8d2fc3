# cmake/packaging.cmake - install rules and the Debian package.
#
#   cmake -S . -B build/pkg -G Ninja -DCMAKE_BUILD_TYPE=Release -DATLAS_BUILD_TESTS=OFF \
#         -DATLAS_DEFAULT_INDEX=/var/lib/atlas-search/index
#   cmake --build build/pkg -j2 --target package     # or: cd build/pkg && cpack -G DEB
#
# makes atlas-search_<version>_amd64.deb: both tools in /usr/bin, the server's
# and the nightly rebuild's systemd units in /lib/systemd/system, the sources
# file (/etc/atlas-search/sources.json) and the server's options
# (/etc/default/atlas-search) as conffiles, the bundled sample in
# /usr/share/atlas-search/sample (what the shipped sources file indexes until
# the operator lists the real exports), the README in /usr/share/doc.  The
# units and the maintainer scripts are in deploy/; tests/deploy/ checks the
# package.  The rules are written for the package (prefix /usr, the units'
# ExecStart= names /usr/bin): a plain `cmake --install` wants `--prefix /usr`.

include(GNUInstallDirs)

set(ATLAS_PACKAGE_INDEX /var/lib/atlas-search/index)
if(NOT ATLAS_DEFAULT_INDEX STREQUAL ATLAS_PACKAGE_INDEX)
  # Not a warning: every development and CI tree has its own default.  The
  # units pass --index/--out, so only a command typed on the host is affected.
  message(STATUS "atlas-search package: the tools' default index is ${ATLAS_DEFAULT_INDEX}; "
                 "a package for installing wants -DATLAS_DEFAULT_INDEX=${ATLAS_PACKAGE_INDEX}")
endif()

if(NOT CMAKE_BUILD_TYPE STREQUAL Release)
  message(STATUS "atlas-search package: this is a ${CMAKE_BUILD_TYPE} build; "
                 "a package for installing wants -DCMAKE_BUILD_TYPE=Release")
endif()

set(ATLAS_DEPLOY_DIR ${PROJECT_SOURCE_DIR}/deploy)

install(TARGETS atlas-index atlas-search RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

# Debian 12 ships units in /lib/systemd/system (debhelper does; with merged /usr
# it is the same directory as /usr/lib/systemd/system).
install(FILES ${ATLAS_DEPLOY_DIR}/systemd/atlas-search.service
              ${ATLAS_DEPLOY_DIR}/systemd/atlas-index.service
              ${ATLAS_DEPLOY_DIR}/systemd/atlas-index.timer
        DESTINATION /lib/systemd/system)

# Conffiles (listed in deploy/debian/conffiles): dpkg keeps the operator's
# edits on upgrade and asks before replacing them.
install(FILES ${ATLAS_DEPLOY_DIR}/debian/sources.json DESTINATION /etc/atlas-search)
install(FILES ${ATLAS_DEPLOY_DIR}/debian/atlas-search.default
        DESTINATION /etc/default RENAME atlas-search)

install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/DESIGN.md
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/atlas-search)
# The sample of every portal (data/README.md), with each part's SOURCE.md
# (provenance and licence); not the script that cut it.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/data/cryoet ${PROJECT_SOURCE_DIR}/data/htan
                  ${PROJECT_SOURCE_DIR}/data/hoa ${PROJECT_SOURCE_DIR}/data/panosc
                  ${PROJECT_SOURCE_DIR}/data/minerva
        DESTINATION ${CMAKE_INSTALL_DATADIR}/atlas-search/sample
        PATTERN "*.py" EXCLUDE)
install(FILES ${PROJECT_SOURCE_DIR}/data/README.md
        DESTINATION ${CMAKE_INSTALL_DATADIR}/atlas-search/sample)
# Read replicas (README "Replicas behind HAProxy"): the script that ships a
# generation to them and the HAProxy configuration in front of them.
install(PROGRAMS ${ATLAS_DEPLOY_DIR}/replicas/atlas-ship DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${ATLAS_DEPLOY_DIR}/replicas/haproxy.cfg
        DESTINATION ${CMAKE_INSTALL_DATADIR}/atlas-search/replicas)

set(ATLAS_PACKAGE_MAINTAINER
    "Seed 8615e3f3 maintainers <maintainers@users.noreply.b-seed-8615e3f3.example>"
    CACHE STRING "The Debian package's Maintainer: field")

set(CPACK_GENERATOR DEB)
# The package holds the tools and what they serve: the default install
# component only.  The shared library, headers, pkg-config file and CMake
# package (component dev, capi/CMakeLists.txt) are what `cmake --install` adds.
set(CPACK_INSTALL_CMAKE_PROJECTS "${PROJECT_BINARY_DIR};${PROJECT_NAME};Unspecified;/")
set(CPACK_PACKAGE_NAME atlas-search)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "atlas-search")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "full-text, ranked, fielded search over scientific imaging data portals")
set(CPACK_PACKAGE_DESCRIPTION [[
One index over the metadata of the CryoET Data Portal, the Human Tumor
Atlas Network, the Human Organ Atlas, PaNOSC search API databases and
Minerva stories (Xapian + SQLite). atlas-index builds the index from the
portals' exports; atlas-search queries it from the command line or serves
it over HTTP (atlas-search serve). The package runs the server and a
nightly rebuild from /etc/atlas-search/sources.json as systemd units.]])
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # atlas-search_<version>_amd64.deb
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${ATLAS_PACKAGE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends from the binaries' libraries (dpkg-shlibdeps: libxapian30, libsqlite3-0,
# libfmt9, libroaring0, zlib1g, libstdc++6, libc6, ...), never a hand-kept list.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# `atlas-index verify` runs xapian-check on each shard; without it, it checks
# every file against the generation's MANIFEST only and says so.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS xapian-tools)
# atlas-ship copies generations with rsync; replicas are put behind HAProxy.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "rsync, haproxy")
# The control archive's extra files, read from deploy/debian/ when cpack runs;
# STRICT_PERMISSION gives them dpkg's modes (0755 scripts, 0644 conffiles).
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${ATLAS_DEPLOY_DIR}/debian/conffiles ${ATLAS_DEPLOY_DIR}/debian/postinst
    ${ATLAS_DEPLOY_DIR}/debian/prerm ${ATLAS_DEPLOY_DIR}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# `package_source` (include(CPack) makes it): the sources, not the build trees.
set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_IGNORE_FILES "/\\.git/" "/\\.git$" "/build[^/]*/" "/\\.cache/")
include(CPack)
