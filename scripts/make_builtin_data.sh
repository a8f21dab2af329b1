#!/usr/bin/env bash
# Builds the repository's built-in data (data/latpred/<space>_latency_ms.csv) from `latpred measure` outputs.
#
#   scripts/make_builtin_data.sh SPACE ARCH_TABLE MEASURED.csv...
#
# ARCH_TABLE is any latency table of the space whose first column is the arch index and which has an `ops` column
# (e.g. ../shared/data/help_latency/csv/help_nb201_latency_ms.csv): it gives the index -> ops list, so the
# built-in table lists every architecture of the space (unmeasured cells empty) and latpred can load it without
# any other data. Only its index and ops columns are used. Device columns of the MEASURED files are joined on the
# index; a row whose ops differ from ARCH_TABLE's, or a device column present in two files, is an error.
set -euo pipefail
if (($# < 3)); then
  echo "usage: $0 SPACE ARCH_TABLE MEASURED.csv..." >&2
  exit 2
fi
space=$1
arch_table=$2
shift 2
out_dir="$(dirname "$0")/../data/latpred"
mkdir -p "$out_dir"
out="$out_dir/${space}_latency_ms.csv"

awk -F, -v OFS=, -v space="$space" '
  function die(msg) { print FILENAME ":" FNR ": " msg > "/dev/stderr"; failed = 1; exit 2 }
  FNR == 1 {
    file_index++
    ops_col[file_index] = 0
    for (c = 1; c <= NF; c++) if ($c == "ops") ops_col[file_index] = c
    if (!ops_col[file_index]) die("no ops column")
    if (file_index > 1) {
      for (c = 2; c <= NF; c++) {
        if (c == ops_col[file_index]) continue
        if ($c in seen_device) die("device column " $c " also in " seen_device[$c])
        seen_device[$c] = FILENAME
        ndev++; device_name[ndev] = $c; device_file[ndev] = file_index; device_col[ndev] = c
      }
    }
    next
  }
  file_index == 1 { narch++; arch_index[narch] = $1; arch_ops[$1] = $(ops_col[1]); next }
  {
    if (!($1 in arch_ops)) die("index " $1 " not in the arch table")
    if (arch_ops[$1] != $(ops_col[file_index])) die("ops " $(ops_col[file_index]) " != arch table " arch_ops[$1])
    for (d = 1; d <= ndev; d++) if (device_file[d] == file_index) value[d, $1] = $(device_col[d])
  }
  END {
    if (failed) exit 2
    line = space "_index,ops"
    for (d = 1; d <= ndev; d++) line = line OFS device_name[d]
    print line
    for (i = 1; i <= narch; i++) {
      a = arch_index[i]
      line = a OFS arch_ops[a]
      for (d = 1; d <= ndev; d++) line = line OFS ((d, a) in value ? value[d, a] : "")
      print line
    }
  }
' "$arch_table" "$@" >"$out.tmp"
mv "$out.tmp" "$out"
echo "$out: $(($(wc -l <"$out") - 1)) architectures"
