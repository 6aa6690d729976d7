#!/usr/bin/env bash
# Backs up a PypiForge server's state folder and package folder, while it runs (docs/deploy.md, "Backup and restore").
#
#   deploy/pypiforge-backup.sh STATE_DIR PACKAGE_DIR DEST
#   deploy/pypiforge-backup.sh /var/lib/pypiforge /srv/pypiforge/packages /backup/pypiforge-$(date +%F)
#
# DEST/state gets the state folder without the upstream cache (fetched again when needed), DEST/packages the
# distributions. Times are kept: a restored catalog then trusts what it remembers instead of hashing every file again.
# With Queue:Storage=PostgreSql the build records and the queue live in the database: back it up with pg_dump.
set -euo pipefail

if [[ $# -ne 3 ]]; then
    echo "usage: $0 STATE_DIR PACKAGE_DIR DEST" >&2
    exit 2
fi

state=$1 packages=$2 dest=$3
for folder in "$state" "$packages"; do
    if [[ ! -d $folder ]]; then
        echo "$0: $folder is not a folder" >&2
        exit 2
    fi
done

mkdir -p "$dest/state" "$dest/packages"

# 1. catalog.json before metadata.pack. The catalog names byte ranges of the pack, which a running server only appends
#    to (it compacts the pack at start-up only), so a pack copied after the catalog holds every range the copy names.
#    Both files, like tokens.json, are replaced by an atomic rename or appended to, never rewritten in place: a copy
#    is always a whole version of each.
for file in catalog.json metadata.pack format-version tokens.json built-wheels.txt allow-fresh.json project-status.json; do
    if [[ -e $state/$file ]]; then
        cp -p "$state/$file" "$dest/state/$file"
    fi
done

# 2. Build logs (for people; a missing or cut-off log harms nothing).
if [[ -d $state/builds ]]; then
    cp -pR "$state/builds" "$dest/state/"
fi

# 3. The distributions. Every file arrives by an atomic rename, so each copied file is whole; one that arrives during the
#    copy may be missing, and one the catalog does not remember is read at the restored server's start. Hidden entries
#    (the state folder when it is inside, files being uploaded) are left out.
tar -C "$packages" --exclude='*/.*' -cf - . | tar -C "$dest/packages" -xpf -

echo "backed up $state and $packages to $dest"
