# Cortex-M3 (ARMv7-M): no FPU. QEMU board: mps2-an385.
set(TLSP_CPU_FLAGS "-mcpu=cortex-m3 -mthumb -mfloat-abi=soft")
