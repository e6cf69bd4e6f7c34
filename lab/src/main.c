/* main.c - sightline-lab: an emulated network of real-looking devices. */
#include <stdio.h>
#include <string.h>

#include "lab.h"
#include "util/err.h"

static const struct {
    const char *name;
    const char *summary;
    int (*run)(int, char **);
} commands[] = {
    {"up", "start a lab (daemon) and write its ground truth", lab_cmd_up},
    {"down", "stop a lab and remove everything it made", lab_cmd_down},
    {"status", "say what runs and what it served", lab_cmd_status},
    {"list-profiles", "list the device profiles", lab_cmd_list_profiles},
    {"exec", "run a command where the lab is reachable", lab_cmd_exec},
    {"check", "check that every profile answers as its file says", lab_cmd_check},
    {"probe", "talk to one device (a bounded test client)", lab_cmd_probe},
    {"can", "a simulated vehicle CAN bus from a DBC, with attacks and ground truth", lab_cmd_can},
};

static void usage(FILE *f)
{
    fprintf(f, "Usage: sightline-lab COMMAND [OPTIONS]\n\n"
               "An emulated network of cameras, recorders, routers, printers, servers and\n"
               "hostile devices, on loopback addresses or in network namespaces, for\n"
               "testing and demonstrating sightline without touching a real network.\n\n"
               "Commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-14s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n'sightline-lab COMMAND --help' tells more. Documentation: docs/lab.md\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return SL_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return SL_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(argv[1], commands[i].name) == 0) {
            char name[64];
            snprintf(name, sizeof name, "sightline-lab %s", commands[i].name);
            argv[1] = name;
            return commands[i].run(argc - 1, argv + 1);
        }
    }
    fprintf(stderr, "sightline-lab: unknown command '%s'\nTry 'sightline-lab --help'.\n", argv[1]);
    return SL_EXIT_USAGE;
}
