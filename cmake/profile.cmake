# The mbedTLS configuration this build uses, and the build-time choices the Cortex-M
# profiles read. Included by the top-level CMakeLists.txt before mbedTLS itself.
#
#   TLSP_MBEDTLS_PROFILE   host | cm_psk | cm_ecdsa: a header in core/config/
#   TLSP_MBEDTLS_CONFIG    any header (used when TLSP_MBEDTLS_PROFILE is empty)
#   TLSP_RECORD_PROFILE    SMALL | INTEROP    (Cortex-M record buffers; docs/cortex-m.md)
#   TLSP_RECORD_CONTENT_LEN  bytes: both record buffers, instead of the profile's sizes
#   TLSP_TLS_ROLES         BOTH | CLIENT | SERVER
#   TLSP_TLS_VERSIONS      BOTH | TLS12 | TLS13
#   TLSP_ENTROPY_NV_SEED   ON: entropy from an NV seed instead of a TRNG
#   TLSP_LTO               ON: link-time optimisation of everything, mbedTLS included
#
# Result: TLSP_MBEDTLS_CONFIG_FILE (the header for MBEDTLS_CONFIG_FILE) and directory-wide
# compile definitions.

# Native builds default to the host header, cross builds to the Cortex-M ECDHE-ECDSA one.
set(TLSP_MBEDTLS_PROFILE "" CACHE STRING
    "mbedTLS config profile: host, cm_psk or cm_ecdsa (empty: use TLSP_MBEDTLS_CONFIG)")
set_property(CACHE TLSP_MBEDTLS_PROFILE PROPERTY STRINGS "" host cm_psk cm_ecdsa)
if(CMAKE_CROSSCOMPILING)
    set(_tlsp_default_config "${PROJECT_SOURCE_DIR}/core/config/tlsp_mbedtls_config_cm_ecdsa.h")
else()
    set(_tlsp_default_config "${PROJECT_SOURCE_DIR}/core/config/tlsp_mbedtls_config_host.h")
endif()
set(TLSP_MBEDTLS_CONFIG "${_tlsp_default_config}"
    CACHE FILEPATH "mbedTLS configuration header (MBEDTLS_CONFIG_FILE); see TLSP_MBEDTLS_PROFILE")
if(TLSP_MBEDTLS_PROFILE)
    set(TLSP_MBEDTLS_CONFIG_FILE
        "${PROJECT_SOURCE_DIR}/core/config/tlsp_mbedtls_config_${TLSP_MBEDTLS_PROFILE}.h")
    if(NOT EXISTS "${TLSP_MBEDTLS_CONFIG_FILE}")
        message(FATAL_ERROR "TLSP_MBEDTLS_PROFILE=${TLSP_MBEDTLS_PROFILE}: no such profile "
                            "(host, cm_psk, cm_ecdsa)")
    endif()
else()
    set(TLSP_MBEDTLS_CONFIG_FILE "${TLSP_MBEDTLS_CONFIG}")
endif()
if(CMAKE_CROSSCOMPILING AND TLSP_MBEDTLS_CONFIG_FILE MATCHES "_host\\.h$")
    message(FATAL_ERROR "The host mbedTLS config does not build for a bare-metal target: "
                        "use TLSP_MBEDTLS_PROFILE=cm_ecdsa or cm_psk")
endif()

# Choices the Cortex-M profiles read (tlsp_mbedtls_config_cm_common.h; the host profile
# ignores them). Defined for every target so that mbedTLS and all code including its
# headers see one configuration.
set(TLSP_RECORD_PROFILE "SMALL" CACHE STRING
    "Cortex-M record buffers: SMALL (2 KiB each way; both ends tlspair) or INTEROP (16 KiB in)")
set_property(CACHE TLSP_RECORD_PROFILE PROPERTY STRINGS SMALL INTEROP)
if(NOT TLSP_RECORD_PROFILE MATCHES "^(SMALL|INTEROP)$")
    message(FATAL_ERROR "TLSP_RECORD_PROFILE must be SMALL or INTEROP, not '${TLSP_RECORD_PROFILE}'")
endif()
set(TLSP_TLS_ROLES "BOTH" CACHE STRING
    "Cortex-M profiles: TLS roles compiled in: BOTH, CLIENT or SERVER (one role saves flash)")
set_property(CACHE TLSP_TLS_ROLES PROPERTY STRINGS BOTH CLIENT SERVER)
if(NOT TLSP_TLS_ROLES MATCHES "^(BOTH|CLIENT|SERVER)$")
    message(FATAL_ERROR "TLSP_TLS_ROLES must be BOTH, CLIENT or SERVER, not '${TLSP_TLS_ROLES}'")
endif()
set(TLSP_TLS_VERSIONS "BOTH" CACHE STRING
    "Cortex-M profiles: TLS versions compiled in: BOTH, TLS12 (also leaves PSA out) or TLS13")
set_property(CACHE TLSP_TLS_VERSIONS PROPERTY STRINGS BOTH TLS12 TLS13)
if(NOT TLSP_TLS_VERSIONS MATCHES "^(BOTH|TLS12|TLS13)$")
    message(FATAL_ERROR "TLSP_TLS_VERSIONS must be BOTH, TLS12 or TLS13, not '${TLSP_TLS_VERSIONS}'")
endif()
set(TLSP_RECORD_CONTENT_LEN "" CACHE STRING
    "Cortex-M: record buffer size each way in bytes (64..16384), instead of TLSP_RECORD_PROFILE's")
if(TLSP_RECORD_CONTENT_LEN AND NOT TLSP_RECORD_CONTENT_LEN MATCHES "^[0-9]+$")
    message(FATAL_ERROR "TLSP_RECORD_CONTENT_LEN must be a number of bytes, not '${TLSP_RECORD_CONTENT_LEN}'")
endif()
option(TLSP_ENTROPY_NV_SEED "Cortex-M profiles: entropy from an NV seed (parts without a TRNG)" OFF)
add_compile_definitions(TLSP_RECORD_PROFILE_${TLSP_RECORD_PROFILE})
if(TLSP_RECORD_CONTENT_LEN)
    add_compile_definitions(TLSP_MBEDTLS_IN_CONTENT_LEN=${TLSP_RECORD_CONTENT_LEN}
                            TLSP_MBEDTLS_OUT_CONTENT_LEN=${TLSP_RECORD_CONTENT_LEN})
endif()
if(NOT TLSP_TLS_ROLES STREQUAL "BOTH")
    add_compile_definitions(TLSP_TLS_${TLSP_TLS_ROLES}_ONLY)
endif()
if(NOT TLSP_TLS_VERSIONS STREQUAL "BOTH")
    add_compile_definitions(TLSP_${TLSP_TLS_VERSIONS}_ONLY)
endif()
if(TLSP_ENTROPY_NV_SEED)
    add_compile_definitions(TLSP_ENTROPY_NV_SEED)
endif()

# Link-time optimisation: about 5-10 % less flash for firmware (inlining and dropping code
# across files, mbedTLS's included). Off by default because an LTO static archive holds
# compiler IR, not machine code: size tools and non-LTO links cannot use it.
option(TLSP_LTO "Link-time optimisation for everything, mbedTLS included (smaller firmware)" OFF)
if(TLSP_LTO)
    # (No check_ipo_supported(): it links a test program, which a bare-metal toolchain
    # cannot do without a board's startup code. CMake itself refuses compilers it has
    # no LTO flags for.)
    set(CMAKE_INTERPROCEDURAL_OPTIMIZATION ON)
    # mbedTLS's own cmake_minimum_required predates policy CMP0069, under which CMake
    # would silently ignore the setting for its libraries.
    set(CMAKE_POLICY_DEFAULT_CMP0069 NEW)
endif()
