#!/usr/bin/env python3
"""Checks the man pages against the programs, driven by what the programs say.

For sightline and sightline-lab: every command of `PROG --help` ("Commands:")
has its page (man/PROG-COMMAND.1 for sightline, a section of sightline-lab.1
for the lab) and is named in the program's own page; every option that
`PROG COMMAND [SUB] --help` prints is in that page, and every option the page
lists (.It Fl ...) is one the command's help prints. For sightline.conf(5):
every key of `sightline config show --json` is documented under its
[section], and the page documents no other.

Usage: check_pages.py MANDIR SIGHTLINE [SIGHTLINE_LAB]
Prints one line per problem and exits 1 when there is any.
"""
import json
import re
import subprocess
import sys

LONG = re.compile(r'(?<![\w-])--([a-z][a-z0-9-]*)')
SHORT = re.compile(r'(?:^|[\s\[(|])-([a-zA-Z])(?=[\s,\]|)]|$)', re.M)

problems = []


def run(*argv):
    p = subprocess.run(list(argv), capture_output=True, text=True)
    return p.stdout + p.stderr


def commands(help_text):
    """The names of a help text's Commands: section."""
    out, on = [], False
    for line in help_text.splitlines():
        if line.startswith('Commands:'):
            on = True
            continue
        if on:
            m = re.match(r'^  ([a-z][a-z0-9-]*)\s', line)
            if m:
                out.append(m.group(1))
            elif not line.strip():
                break
    return out


def options(text):
    return {'--' + o for o in LONG.findall(text)} | {'-' + o for o in SHORT.findall(text)}


def leaf_help(prog, cmd):
    """The help texts of a command, or of every subcommand of a group (and of
    a group within it, such as `users token`)."""
    text = run(prog, *cmd.split(' '), '--help')
    subs = commands(text)
    if not subs:
        return [(cmd, text)]
    return [h for s in subs for h in leaf_help(prog, cmd + ' ' + s)]


def page_options(page):
    """(every option the page names with Fl, the options of its .It lines)."""
    every, items = set(), set()
    for line in page.splitlines():
        if not line.startswith('.'):
            continue
        found = set()
        for tok in re.findall(r'\bFl\s+(\S+)', line):
            if tok in ('-', '|', ','):
                continue
            found.add('-' + tok)
        every |= found
        if line.startswith('.It '):
            items |= found
    return every, items


def check_page(label, page_name, page, helps, implicit):
    every, items = page_options(page)
    said = set()
    for name, text in helps:
        opts = options(text)
        said |= opts
        for o in sorted(opts - every):
            problems.append(f'{page_name}: {o} is in `{label_of(name)} --help` but not in the page')
    for o in sorted(items - said - implicit):
        problems.append(f'{page_name}: lists {o}, which `{label} ... --help` never prints')


def label_of(name):
    return name


def check_program(mandir, prog, per_command_pages):
    top = run(prog, '--help')
    cmds = commands(top)
    if not cmds:
        problems.append(f'{prog} --help lists no commands')
    base = prog.rsplit('/', 1)[-1]
    try:
        own = open(f'{mandir}/{base}.1').read()
    except OSError:
        problems.append(f'{base}: no man page man/{base}.1')
        return
    # The program's own options.
    check_page(base, f'{base}.1', own if per_command_pages else '', [(base, top)] if per_command_pages else [],
               {'--help', '-h', '--version', '-V'})
    for c in cmds:
        helps = [(f'{base} {n}', t) for n, t in leaf_help(prog, c)]
        if per_command_pages:
            name = f'{base}-{c}.1'
            try:
                page = open(f'{mandir}/{name}').read()
            except OSError:
                problems.append(f"command '{c}' has no man page: add man/{name} "
                                f"(and name it in man/{base}.1 with .Xr {base}-{c} 1)")
                continue
            if not re.search(rf'^\.Xr {re.escape(base)}-{re.escape(c)} 1\b', own, re.M):
                problems.append(f"{base}.1 does not name command '{c}' (.Xr {base}-{c} 1)")
            check_page(f'{base} {c}', name, page, helps, {'--help', '-h'})
        else:
            if not re.search(rf'^\.It Cm {re.escape(c)}\b', own, re.M) and \
               not re.search(rf'^\.Cm {re.escape(c)}\b', own, re.M):
                problems.append(f"{base}.1 does not describe command '{c}' (.It Cm {c})")
            helps_all = helps
            every, _ = page_options(own)
            for n, t in helps_all:
                for o in sorted(options(t) - every):
                    problems.append(f'{base}.1: {o} is in `{n} --help` but not in the page')
    if not per_command_pages:
        every, items = page_options(own)
        said = options(top)
        for c in cmds:
            for _, t in leaf_help(prog, c):
                said |= options(t)
        for o in sorted(items - said - {'--help', '-h'}):
            problems.append(f'{base}.1: lists {o}, which no `{base} ... --help` prints')


def check_conf(mandir, prog):
    settings = json.loads(run(prog, 'config', 'show', '--json'))['settings']
    keys = {(s['section'], s['key']) for s in settings}
    page = open(f'{mandir}/sightline.conf.5').read()
    documented, section = set(), None
    for line in page.splitlines():
        m = re.match(r'^\.Ss \[([a-z]+)\]', line)
        if m:
            section = m.group(1)
            continue
        if line.startswith('.Sh') or line.startswith('.Ss'):
            section = None
        m = re.match(r'^\.It Cm ([a-z_]+)', line)
        if m and section:
            documented.add((section, m.group(1)))
    for s, k in sorted(keys - documented):
        problems.append(f'sightline.conf.5: [{s}] {k} (a key of the configuration) is not documented')
    for s, k in sorted(documented - keys):
        problems.append(f'sightline.conf.5: documents [{s}] {k}, which is not a key')


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    mandir, sl = sys.argv[1], sys.argv[2]
    check_program(mandir, sl, True)
    if len(sys.argv) > 3:
        check_program(mandir, sys.argv[3], False)
    check_conf(mandir, sl)
    for p in problems:
        print('FAIL:', p)
    print(f'{len(problems)} problem(s)' if problems else 'man pages agree with --help')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
