# mbedTLS 3.6 LTS, built from source inside this build with the project's own config.
#
# Where the source comes from, in order:
#   1. -DTLSP_MBEDTLS_DIR=/path/to/mbedtls-3.6.x (an existing checkout or release tree);
#   2. third_party/mbedtls, put there by scripts/fetch-mbedtls.sh (from Debian's source
#      archive). With TLSP_FETCH_MBEDTLS=ON (the default) configure runs that script
#      when the folder is missing.
set(TLSP_MBEDTLS_DIR "" CACHE PATH "mbedTLS 3.6.x source tree (default: third_party/mbedtls)")
option(TLSP_FETCH_MBEDTLS "Run scripts/fetch-mbedtls.sh at configure time if mbedTLS is missing" ON)

if(TLSP_MBEDTLS_DIR)
    set(_tlsp_mbedtls_dir "${TLSP_MBEDTLS_DIR}")
else()
    set(_tlsp_mbedtls_dir "${PROJECT_SOURCE_DIR}/third_party/mbedtls")
    if(NOT EXISTS "${_tlsp_mbedtls_dir}/CMakeLists.txt" AND TLSP_FETCH_MBEDTLS)
        message(STATUS "mbedTLS not found: running scripts/fetch-mbedtls.sh")
        execute_process(COMMAND bash "${PROJECT_SOURCE_DIR}/scripts/fetch-mbedtls.sh"
                        RESULT_VARIABLE _tlsp_fetch_result)
        if(NOT _tlsp_fetch_result EQUAL 0)
            message(FATAL_ERROR "scripts/fetch-mbedtls.sh failed; pass -DTLSP_MBEDTLS_DIR=/path/to/mbedtls-3.6.x")
        endif()
    endif()
endif()

if(NOT EXISTS "${_tlsp_mbedtls_dir}/include/mbedtls/build_info.h")
    message(FATAL_ERROR "No mbedTLS source at '${_tlsp_mbedtls_dir}'. Run scripts/fetch-mbedtls.sh "
                        "or pass -DTLSP_MBEDTLS_DIR=/path/to/mbedtls-3.6.x")
endif()
file(STRINGS "${_tlsp_mbedtls_dir}/include/mbedtls/build_info.h" _tlsp_mbedtls_version_line
     REGEX "^#define MBEDTLS_VERSION_STRING ")
string(REGEX MATCH "\"([0-9.]+)\"" _ "${_tlsp_mbedtls_version_line}")
set(TLSP_MBEDTLS_VERSION "${CMAKE_MATCH_1}")
if(NOT TLSP_MBEDTLS_VERSION MATCHES "^3\\.6\\.")
    message(FATAL_ERROR "mbedTLS at '${_tlsp_mbedtls_dir}' is ${TLSP_MBEDTLS_VERSION}; tlspair needs 3.6.x")
endif()
message(STATUS "mbedTLS ${TLSP_MBEDTLS_VERSION} from ${_tlsp_mbedtls_dir}, config ${TLSP_MBEDTLS_CONFIG_FILE}")

# mbedTLS's own options, fixed before its CMakeLists reads them.
set(ENABLE_PROGRAMS OFF CACHE BOOL "" FORCE)
set(ENABLE_TESTING OFF CACHE BOOL "" FORCE)
set(MBEDTLS_FATAL_WARNINGS OFF CACHE BOOL "" FORCE)
set(USE_SHARED_MBEDTLS_LIBRARY OFF CACHE BOOL "" FORCE)
set(USE_STATIC_MBEDTLS_LIBRARY ON CACHE BOOL "" FORCE)
set(DISABLE_PACKAGE_CONFIG_AND_INSTALL ON CACHE BOOL "" FORCE)
set(GEN_FILES OFF CACHE BOOL "" FORCE)
set(MBEDTLS_CONFIG_FILE "${TLSP_MBEDTLS_CONFIG_FILE}" CACHE FILEPATH "" FORCE)

# SYSTEM: mbedTLS headers are included by our code, but their warnings are not ours.
add_subdirectory("${_tlsp_mbedtls_dir}" "${CMAKE_BINARY_DIR}/mbedtls" EXCLUDE_FROM_ALL SYSTEM)
