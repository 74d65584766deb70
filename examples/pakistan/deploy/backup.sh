#!/usr/bin/env bash
# Nightly backup, and deletion of backups past the retention the erasure promise depends on.
set -euo pipefail

HELPLINE_DIR="${HELPLINE_DIR:-/srv/helpline}"
HELPLINEKIT="${HELPLINEKIT:-$HELPLINE_DIR/.venv/bin/helplinekit}"
export HELPLINEKIT_CONFIG="${HELPLINEKIT_CONFIG:-$HELPLINE_DIR/helpline.toml}"

cd "$HELPLINE_DIR"
umask 077
# Writes backups/helpline-<time>.* and deletes those older than [retention] backup_days.
"$HELPLINEKIT" backup --prune

# Copies made elsewhere (off-site) must be deleted on the same schedule, or an erased
# survivor stays in them: prune them here too if you sync backups/ somewhere.
