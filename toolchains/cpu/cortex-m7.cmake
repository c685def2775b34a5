# Cortex-M7 with double-precision FPU, hard-float ABI.
set(TLSP_CPU_FLAGS "-mcpu=cortex-m7 -mthumb -mfloat-abi=hard -mfpu=fpv5-d16")
