# What `cmake --install` puts in place, and the Debian package (cpack -G DEB)
# made of it. The layout (GNUInstallDirs, prefix /usr for the package):
#   bin/weft, bin/weft-view                    the commands
#   lib/weft/weft-scenarios                    private: run by weft list/run/explore
#   lib/weft/libweft_preload.so                private: preloaded by weft record
#   lib/libweft_tracer.a, lib/libweft_format.a the runtime programs link
#   include/weft/...                           its headers
#   lib/cmake/weft/                            find_package(weft): weft::tracer
#   lib/pkgconfig/weft.pc                      pkg-config --cflags --libs weft
#   share/man/man1/weft.1, weft-view.1         from the --help texts
#   share/bash-completion/completions/weft     commands, flags, scenario names
#   share/applications/weft-view.desktop       open .weft files in the viewer
#   share/mime/packages/weft.xml               the .weft MIME type
include(CMakePackageConfigHelpers)

set(WEFT_CMAKE_PACKAGE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/weft")

# The trace format's version, from the schema (one place states it).
file(STRINGS "${PROJECT_SOURCE_DIR}/format/include/weft/format/schema.hpp" _weft_format_lines
     REGEX "kVersion(Major|Minor) = [0-9]+")
string(REGEX MATCH "kVersionMajor = ([0-9]+)" _ "${_weft_format_lines}")
set(_weft_major ${CMAKE_MATCH_1})
string(REGEX MATCH "kVersionMinor = ([0-9]+)" _ "${_weft_format_lines}")
set(WEFT_TRACE_FORMAT_VERSION "${_weft_major}.${CMAKE_MATCH_1}")

# ---- programs ------------------------------------------------------------
install(TARGETS weft weft-view RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS weft-scenarios RUNTIME DESTINATION ${WEFT_INSTALL_PRIVATE_DIR})
if(TARGET weft_preload)
  install(TARGETS weft_preload LIBRARY DESTINATION ${WEFT_INSTALL_PRIVATE_DIR})
endif()

# ---- the runtime as a library ------------------------------------------------
install(TARGETS weft_tracer weft_format EXPORT weftTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY "${PROJECT_SOURCE_DIR}/tracer/include/weft" DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.hpp")
install(FILES "${PROJECT_BINARY_DIR}/tracer/generated/weft/version.hpp" DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/weft)
install(DIRECTORY "${PROJECT_SOURCE_DIR}/format/include/weft/format" DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/weft
        FILES_MATCHING PATTERN "*.hpp" PATTERN "*.def")
install(EXPORT weftTargets NAMESPACE weft:: DESTINATION ${WEFT_CMAKE_PACKAGE_DIR})
configure_package_config_file(cmake/weftConfig.cmake.in "${PROJECT_BINARY_DIR}/weftConfig.cmake"
                              INSTALL_DESTINATION ${WEFT_CMAKE_PACKAGE_DIR})
# 0.x: a minor version may change the API, so only the same minor matches.
write_basic_package_version_file("${PROJECT_BINARY_DIR}/weftConfigVersion.cmake" COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/weftConfig.cmake" "${PROJECT_BINARY_DIR}/weftConfigVersion.cmake"
        DESTINATION ${WEFT_CMAKE_PACKAGE_DIR})

file(RELATIVE_PATH WEFT_PC_PREFIX_FROM_PCDIR "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
configure_file(cmake/weft.pc.in "${PROJECT_BINARY_DIR}/weft.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/weft.pc" DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# ---- manual, completion, desktop ---------------------------------------------
set(_weft_man_dir "${PROJECT_BINARY_DIR}/man")
add_custom_command(
  OUTPUT "${_weft_man_dir}/weft.1" "${_weft_man_dir}/weft-view.1"
  COMMAND ${CMAKE_COMMAND} -E make_directory "${_weft_man_dir}"
  COMMAND ${CMAKE_COMMAND} -DWEFT=$<TARGET_FILE:weft> -DWEFT_VIEW=$<TARGET_FILE:weft-view> -DOUT_DIR=${_weft_man_dir}
          -DVERSION=${PROJECT_VERSION} -P "${PROJECT_SOURCE_DIR}/cmake/WeftManPage.cmake"
  DEPENDS weft weft-view weft-scenarios "${PROJECT_SOURCE_DIR}/cmake/WeftManPage.cmake"
  COMMENT "Writing weft(1) and weft-view(1) from the --help texts"
  VERBATIM)
add_custom_target(weft_man ALL DEPENDS "${_weft_man_dir}/weft.1" "${_weft_man_dir}/weft-view.1")
install(FILES "${_weft_man_dir}/weft.1" "${_weft_man_dir}/weft-view.1" DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES packaging/weft.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME weft)
install(FILES packaging/weft-view.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES packaging/weft-mime.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/mime/packages RENAME weft.xml)

# ---- the Debian package --------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME weft)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "concurrency visualizer and race detector")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "weft records what a program's threads, locks, conditions, semaphores and queues do into a trace,\n\
finds data races, deadlocks, lock-order inversions, lost wake-ups and hangs in it (weft check), and\n\
shows it as timelines (weft view). weft record traces unmodified pthread and std:: programs; weft\n\
explore runs a program under a controlled scheduler to find and replay rare interleavings. Includes\n\
the runtime library and headers (find_package(weft), pkg-config weft).")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # weft_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "weft developers <weft@localhost>")
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
# The shared libraries the programs need, found by dpkg-shlibdeps.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Programs and the preload library stripped (a tenth of the size); the
# static libraries keep their symbols (install --strip leaves archives be).
set(CPACK_STRIP_FILES ON)
set(CPACK_SOURCE_IGNORE_FILES "/build/;/\\\\.git/")
include(CPack)
