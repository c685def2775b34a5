# Cortex-M0+ (ARMv6-M): no divide instruction, no FPU.
set(TLSP_CPU_FLAGS "-mcpu=cortex-m0plus -mthumb -mfloat-abi=soft")
