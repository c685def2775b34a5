/*
 * Forced into the Cortex-M files cppcheck analyses (scripts/static-analysis.sh), after
 * platform.h: what arm-none-eabi-gcc predefines for the MPS2 AN386 presets (Cortex-M4F,
 * hard float) and tlspair tests in #if, so that cppcheck analyses the branches those
 * builds compile.
 */
#ifndef TLSP_CPPCHECK_CORTEX_M4F_H
#define TLSP_CPPCHECK_CORTEX_M4F_H

#define __ARM_FP 0x6

#endif
