/*
 * The command line of tlspair: parse and check it, print --help.
 */
#ifndef CLI_ARGS_H
#define CLI_ARGS_H

#include <stdio.h>

#include "cli.h"

/**
 * Parse argv into o. Returns 0 when the program should run; CLI_EXIT_OK (with *help set)
 * after --help was printed to stdout; CLI_EXIT_USAGE after a one-line reason was printed
 * to stderr (unknown option, missing value, options that do not go together).
 */
int cli_parse_args(int argc, char **argv, cli_opts *o, int *help);

/** The full --help text. */
void cli_print_help(FILE *out);

#endif /* CLI_ARGS_H */
