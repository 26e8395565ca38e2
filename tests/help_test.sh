#!/bin/sh
# tests/help_test.sh OPTDYN — help that is true: every option each subcommand's getopt table
# accepts (long and short) appears in `optdyn CMD --help` and in docs/cli.md; every command of
# the dispatch table in the top-level help, the unknown-command message and docs/cli.md; no
# literal printf escapes; --help and --version take no arguments; `list` aligns its columns.
OPTDYN=${1:-build/optdyn}
. tests/lib.sh

cmds=$(sed -n 's/^    { "\([a-z]*\)", cmd_[a-z]*,.*/\1/p' sim/cli/main.c)
[ "$(echo $cmds | wc -w)" -ge 7 ] && ok || bad "commands not found in sim/cli/main.c: $cmds"
"$OPTDYN" --help > "$tmp/top.txt"
"$OPTDYN" no-such-command 2> "$tmp/unknown.txt"
for c in $cmds; do
    grep -q "^  optdyn $c" "$tmp/top.txt" && ok || bad "optdyn --help lacks command $c"
    grep -q "[ ,:]$c[,)]" "$tmp/unknown.txt" && ok || bad "unknown-command message lacks $c"
    grep -q "^optdyn $c" docs/cli.md && ok || bad "docs/cli.md synopsis lacks optdyn $c"
    src=sim/cli/cmd_$c.c
    [ -f "$src" ] || { bad "no $src"; continue; }
    "$OPTDYN" "$c" --help > "$tmp/help.txt" 2>&1 && ok || bad "optdyn $c --help failed"
    grep -q "^Usage: optdyn $c" "$tmp/help.txt" && ok || bad "optdyn $c --help: no usage line"
    grep -q '%%' "$tmp/help.txt" && bad "optdyn $c --help prints a literal %%" || ok
    # long options: the { "name", ..._argument, ... } entries of the command's option table
    for o in $(grep -o '{ "[a-z-]*", \(no\|required\|optional\)_argument' "$src" | cut -d'"' -f2); do
        grep -q -- "--$o\b" "$tmp/help.txt" && ok || bad "optdyn $c --help lacks --$o"
        [ "$o" = help ] && continue
        grep -q -- "--$o\b" docs/cli.md && ok || bad "docs/cli.md lacks $c --$o"
        grep -q -- "\\\\-\\\\-$o\b" docs/optdyn.1 && ok || bad "docs/optdyn.1 lacks $c --$o"
    done
    grep -q "^\.B optdyn $c" docs/optdyn.1 && ok || bad "docs/optdyn.1 synopsis lacks optdyn $c"
    # short options: the letters of the getopt_long string
    for s in $(grep -o 'getopt_long(argc, argv, "[^"]*"' "$src" | cut -d'"' -f2 | tr -d ':' | fold -w1); do
        grep -q -- "-$s\b" "$tmp/help.txt" && ok || bad "optdyn $c --help lacks -$s"
    done
done
# the manual page renders without warnings
if command -v man > /dev/null; then
    MANWIDTH=80 man --warnings -l docs/optdyn.1 > "$tmp/man.txt" 2> "$tmp/man.err"
    [ -s "$tmp/man.txt" ] && [ ! -s "$tmp/man.err" ] && ok || bad "man -l docs/optdyn.1: $(head -3 "$tmp/man.err")"
fi
# commands without their own option table take --help alone (cli_simple_args)
expect_exit 2 "takes no arguments" "$OPTDYN" --version extra
expect_exit 2 "takes no arguments" "$OPTDYN" --help extra
"$OPTDYN" export --help | grep -q "17 significant digits" && bad "export --help: 17 digits" || ok
"$OPTDYN" list kinds | grep -qi "reserved" && bad "list calls a kind reserved" || ok
"$OPTDYN" list kinds | grep -q "^  onestep " && ok || bad "list kinds lacks onestep"
"$OPTDYN" list keys | grep -q "^\[onestep\] keys" && ok || bad "list keys lacks [onestep]"
# every key row's default column starts at one position
cols=$("$OPTDYN" list | awk '/^    [a-z]/ { match($0, /^    [^ ]+ +/); print RLENGTH }' | sort -u | wc -l)
[ "$cols" -eq 1 ] && ok || bad "list: the default column starts at $cols different positions"
finish help_test
