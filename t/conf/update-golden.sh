#!/bin/sh
# Rewrite t/conf/*.ok from the current build/asan/stacd; review the diff.
STACD=build/asan/stacd
pass() { :; }
fail() { :; }
UPDATE_GOLDEN=1
. t/conf/golden.sh
conf_tier
git status --short t/conf
