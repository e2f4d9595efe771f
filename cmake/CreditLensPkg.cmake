# creditlens_find_pkg(<prefix> <module> HEADER <file> [PATH_SUFFIX <dir>] LIBRARIES <name>...)
#
# Defines the imported target PkgConfig::<prefix>, the name pkg_check_modules(IMPORTED_TARGET)
# gives it. Debian describes these libraries with pkg-config, and that is tried first. A GPU host
# may have neither pkg-config nor the -dev packages (issue #19 item 5): then the header and the
# libraries are looked up with find_path/find_library over CMAKE_PREFIX_PATH and the system paths,
# where `scripts/gpu-check --prepare` puts copies (headers and static libraries). Not found either
# way: configure stops naming the module.
function(creditlens_find_pkg prefix module)
    cmake_parse_arguments(ARG "" "HEADER;PATH_SUFFIX" "LIBRARIES" ${ARGN})
    if(TARGET PkgConfig::${prefix})
        return()
    endif()
    find_package(PkgConfig QUIET)
    if(PKG_CONFIG_FOUND)
        pkg_check_modules(${prefix} QUIET IMPORTED_TARGET ${module})
        if(${prefix}_FOUND)
            message(STATUS "${module} ${${prefix}_VERSION} (pkg-config)")
            return()
        endif()
    endif()
    find_path(CL_${prefix}_INCLUDE_DIR ${ARG_HEADER} PATH_SUFFIXES ${ARG_PATH_SUFFIX})
    set(libs "")
    foreach(name IN LISTS ARG_LIBRARIES)
        find_library(CL_${prefix}_${name}_LIBRARY NAMES ${name})
        if(NOT CL_${prefix}_${name}_LIBRARY)
            set(libs "") # not found: reported below
            break()
        endif()
        list(APPEND libs "${CL_${prefix}_${name}_LIBRARY}")
    endforeach()
    if(NOT CL_${prefix}_INCLUDE_DIR OR NOT libs)
        message(FATAL_ERROR
            "${module} not found (neither pkg-config nor ${ARG_HEADER} with lib${ARG_LIBRARIES}): "
            "install its -dev package (scripts/setup-debian), or on a GPU host run "
            "`scripts/gpu-check --prepare` where it is installed and carry .gpu-check")
    endif()
    add_library(PkgConfig::${prefix} INTERFACE IMPORTED)
    set_target_properties(PkgConfig::${prefix} PROPERTIES
        INTERFACE_INCLUDE_DIRECTORIES "${CL_${prefix}_INCLUDE_DIR}"
        INTERFACE_LINK_LIBRARIES "${libs}")
    message(STATUS "${module}: ${libs} (no pkg-config entry)")
endfunction()

# Whether pkg-config knows <module> (the optional parts: the scoring server's cpp-httplib and
# the sentencepiece bridge). Sets <var> to TRUE or FALSE in the caller's scope.
function(creditlens_have_pkg var module)
    find_package(PkgConfig QUIET)
    set(found FALSE)
    if(PKG_CONFIG_FOUND)
        pkg_check_modules(_cl_probe_${var} QUIET ${module})
        if(_cl_probe_${var}_FOUND)
            set(found TRUE)
        endif()
    endif()
    set(${var} ${found} PARENT_SCOPE)
endfunction()
