# Cortex-M33 (ARMv8-M Mainline) with single-precision FPU, hard-float ABI.
set(TLSP_CPU_FLAGS "-mcpu=cortex-m33 -mthumb -mfloat-abi=hard -mfpu=fpv5-sp-d16")
