#!/bin/sh
# The container's entry point: seed an empty index volume with the prebuilt index, then exec
# `newsbot` with the container's arguments (default `serve`).
#
# The copy only happens when NEWSBOT_INDEX_DIR has no CURRENT file, i.e. holds no index. The
# generations are copied first and CURRENT is renamed into place last, the same order the
# index writer uses, so a copy cut short is simply redone on the next start.
set -eu

index=${NEWSBOT_INDEX_DIR:-/data/index}
prebuilt=${NEWSBOT_PREBUILT_INDEX:-}

if [ -n "$prebuilt" ] && [ -f "$prebuilt/CURRENT" ] && [ ! -e "$index/CURRENT" ]; then
    echo "newsbot: no index in $index yet; copying the prebuilt seed index from $prebuilt" >&2
    mkdir -p "$index/generations"
    cp -R "$prebuilt/generations/." "$index/generations/"
    if [ -d "$prebuilt/cache" ] && [ ! -e "$index/cache" ]; then
        cp -R "$prebuilt/cache" "$index/cache"
    fi
    cp "$prebuilt/CURRENT" "$index/.CURRENT.seeding"
    sync
    mv -f "$index/.CURRENT.seeding" "$index/CURRENT"
fi

exec newsbot "$@"
