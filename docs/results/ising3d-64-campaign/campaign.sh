#!/usr/bin/env bash
# The 64³ majority campaign of docs/campaigns.md ("A 64³ campaign on a cluster"): the settings of
# docs/results/ising3d-64 as an 8-shard Slurm array on a local one-node cluster, one task killed
# with -9 midway and resumed, then merged and compared with the single-process table.
#
#   docs/results/ising3d-64-campaign/campaign.sh <run-dir> [kill-after-seconds]
#
# Writes <run-dir>/campaign.log (commands, status snapshots, wall times). Needs root for the
# local cluster (test/slurm/cluster.sh); stops only what it started.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
run=${1:?run directory}
kill_after=${2:-600}
rsrg=(node "$repo/packages/cli/dist/bin.js")
log="$run.campaign.log"
: >"$log"
say() { printf '%s  %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$log"; }
show() { say "\$ $*"; "$@" 2>&1 | tee -a "$log"; }

t0=$(date +%s)
show "${rsrg[@]}" mcrg --model ising3d --size 64 --coupling 0.221654626 --sampler wolff-wasm \
  --samples 100000 --thermalize 20000 --interval 20 --seed 1 --chains 8 --projector majority \
  --levels 4 --bins 16 --run-dir "$run" --plan-only

eval "$("$repo/test/slurm/cluster.sh" start | sed 's/^/export /')"
trap '"$repo/test/slurm/cluster.sh" stop "$RSRG_SLURM_DIR" >/dev/null 2>&1 || true' EXIT
say "local Slurm cluster: $SLURM_CONF"

show "${rsrg[@]}" submit "$run" --scheduler slurm --shards 8
sleep "$kill_after"
show "${rsrg[@]}" status "$run"
# kill -9 the rsrg process of shard 3: its task fails, and Slurm cancels the merge job
victim=$(pgrep -f -- "mcrg --run-dir $run --shard 3/8" | head -1)
say "kill -9 $victim (shard 3/8)"
kill -9 "$victim"
sleep 5
show squeue --all
while squeue -h -n "rsrg-$(basename "$run")" | grep -q .; do sleep 30; done
show "${rsrg[@]}" status "$run"
say "array ended; resubmitting: done shards end at once, shard 3 resumes from its checkpoint"
show "${rsrg[@]}" submit "$run" --scheduler slurm --shards 8 --wait
show "${rsrg[@]}" status "$run"
say "campaign wall time $(($(date +%s) - t0)) s"
