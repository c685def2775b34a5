# Cortex-M4 with single-precision FPU, hard-float ABI. QEMU board: mps2-an386.
set(TLSP_CPU_FLAGS "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16")
