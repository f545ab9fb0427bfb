#!/bin/sh
# Claude Code PostToolUse hook: after Claude edits an infrastructure file, ask iaclint what the
# change destroys and feed the verdict back to the model.
#
# Claude Code passes the hook event as JSON on standard input (tool_input.file_path is the file
# just edited). Exit 2 with text on standard error is what Claude Code shows the model; exit 0
# is silent; any other exit is shown to you, not to the model.
#
# Install: copy to .claude/hooks/iaclint.sh, `chmod +x` it, and add to .claude/settings.json:
#   {"hooks": {"PostToolUse": [{"matcher": "Edit|Write|MultiEdit",
#     "hooks": [{"type": "command", "command": "\"$CLAUDE_PROJECT_DIR\"/.claude/hooks/iaclint.sh"}]}]}}
#
# IACLINT overrides the command (e.g. IACLINT="uvx iaclint"); IACLINT_BASE the git revision to
# compare with (default HEAD: the edits not yet committed).

file=$(python3 -c 'import json, sys
try:
    event = json.load(sys.stdin)
    print((event.get("tool_input") or {}).get("file_path") or "")
except Exception:
    pass')

case "$file" in
  *.tf|*.tfvars|*.yaml|*.yml|*.json|*.template) ;;
  *) exit 0 ;;
esac
[ -f "$file" ] || exit 0

# Run from the file's directory (it may be in a nested repository) and name the file: a .tf
# file stands for its whole module directory, a template for itself.
cd "$(dirname "$file")" || exit 0
verdict=$(${IACLINT:-iaclint} diff --base "${IACLINT_BASE:-HEAD}" --format agent "$(basename "$file")" 2>&1)
status=$?

if [ "$status" -eq 1 ]; then
  printf 'iaclint: your edit to %s is destructive.\n%s\n' "$file" "$verdict" >&2
  exit 2
fi
if [ "$status" -ne 0 ]; then
  printf 'iaclint could not check %s: %s\n' "$file" "$verdict" >&2
  exit 1
fi
exit 0
