#!/bin/bash
# Written by rsrg submit: one task per shard of the campaign in
#   /work/campaign64
# Task I runs 'rsrg mcrg --run-dir <run dir> --shard I/8', which runs or resumes shard I
# of the plan stored there. Slurm sends SIGUSR1 to this shell 120 s before the time
# limit; it is forwarded to rsrg, which writes a checkpoint and exits with 75; the
# task is then requeued and resumes from that checkpoint. See docs/campaigns.md, "Slurm".
#SBATCH --job-name=rsrg-campaign64
#SBATCH --array=0-7
#SBATCH --output="/work/campaign64/logs/shard-%a.out"
#SBATCH --error="/work/campaign64/logs/shard-%a.err"
#SBATCH --open-mode=append
#SBATCH --signal=B:USR1@120
#SBATCH --requeue

RUN_DIR=/work/campaign64
SHARDS=8
RSRG=(/usr/bin/node /work/wt/campaign/packages/cli/dist/bin.js)
EXIT_CHECKPOINTED=75
TASK="${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"
SHARD="${SLURM_ARRAY_TASK_ID}/${SHARDS}"
export RSRG_PROGRESS="${RSRG_PROGRESS:-60}"

log() { echo "rsrg-slurm: $(date -u +%Y-%m-%dT%H:%M:%SZ) task $TASK (job $SLURM_JOB_ID) shard $SHARD: $*" >&2; }
cd "$RUN_DIR" || { log "cannot enter the run directory $RUN_DIR"; exit 1; }
log "start on $(hostname), restart ${SLURM_RESTART_COUNT:-0}"

# With --signal=B: only this shell gets SIGUSR1: pass it on to rsrg.
signalled=
child=
forward() {
  signalled=$1
  log "got SIG$1: asking rsrg to write a checkpoint and stop"
  [ -n "$child" ] && kill -s "$1" "$child" 2>/dev/null
}
trap 'forward USR1' USR1

"${RSRG[@]}" mcrg --run-dir "$RUN_DIR" --shard "$SHARD" &
child=$!
[ -n "$signalled" ] && kill -s "$signalled" "$child" 2>/dev/null
# wait returns early when a trapped signal arrives: wait again while rsrg still runs.
while :; do
  wait "$child"
  code=$?
  kill -0 "$child" 2>/dev/null || break
done
trap - USR1

if [ "$code" -eq "$EXIT_CHECKPOINTED" ] && [ -n "$signalled" ]; then
  log "checkpointed after SIG$signalled; requeueing $TASK"
  # Slurm ends this run and queues the task again (it may start after a short hold).
  scontrol requeue "$TASK" || log "scontrol requeue $TASK failed"
  exit "$EXIT_CHECKPOINTED"
fi
log "rsrg exited with code $code"
exit "$code"
