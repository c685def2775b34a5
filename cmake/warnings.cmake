# Warnings as errors on tlspair's own code (mbedTLS is built with its own flags).
function(tlsp_target_warnings target)
    if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
        target_compile_options(${target} PRIVATE
            -Wall -Wextra -Werror
            -Wshadow -Wconversion -Wsign-conversion
            -Wstrict-prototypes -Wmissing-prototypes -Wold-style-definition
            -Wpointer-arith -Wcast-qual -Wwrite-strings -Wformat=2
            -Wundef -Wvla -Wnull-dereference)
    endif()
endfunction()
