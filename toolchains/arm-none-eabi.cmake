# Toolchain: GNU Arm Embedded (arm-none-eabi-gcc with newlib), bare metal.
#
# Pick the CPU with TLSP_CPU (a file in toolchains/cpu/: cortex-m0plus, cortex-m3,
# cortex-m4f, cortex-m33, cortex-m7); the presets in CMakePresets.json set both.
#   cmake --preset cortex-m4f
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(TLSP_CPU "cortex-m4f" CACHE STRING "Target CPU: a file name in toolchains/cpu/ without .cmake")
# try_compile projects re-read this file: pass the CPU on to them.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES TLSP_CPU)
include("${CMAKE_CURRENT_LIST_DIR}/cpu/${TLSP_CPU}.cmake")

find_program(TLSP_ARM_GCC arm-none-eabi-gcc REQUIRED)
set(CMAKE_C_COMPILER "${TLSP_ARM_GCC}")
set(CMAKE_ASM_COMPILER "${TLSP_ARM_GCC}")
set(CMAKE_AR arm-none-eabi-ar CACHE FILEPATH "")
set(CMAKE_RANLIB arm-none-eabi-ranlib CACHE FILEPATH "")
set(CMAKE_OBJCOPY arm-none-eabi-objcopy CACHE FILEPATH "")
set(CMAKE_SIZE arm-none-eabi-size CACHE FILEPATH "")

# No operating system to link a test program against: test the compiler with a library.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(CMAKE_C_FLAGS_INIT "${TLSP_CPU_FLAGS} -ffunction-sections -fdata-sections")
set(CMAKE_ASM_FLAGS_INIT "${TLSP_CPU_FLAGS}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "${TLSP_CPU_FLAGS} -Wl,--gc-sections --specs=nano.specs")

# Libraries and headers come from the toolchain's sysroot, programs from the host.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
