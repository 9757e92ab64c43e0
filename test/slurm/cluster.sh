#!/usr/bin/env bash
# A throwaway one-node Slurm cluster on this machine, for tests (docs/campaigns.md, "Slurm").
#
#   test/slurm/cluster.sh start [DIR]   start one; prints on stdout, one per line:
#                                         RSRG_SLURM_DIR=<dir>
#                                         SLURM_CONF=<dir>/slurm.conf
#   test/slurm/cluster.sh stop DIR      cancel its jobs, stop its daemons, delete DIR
#                                       (RSRG_SLURM_KEEP=1 keeps DIR and its logs)
#   test/slurm/cluster.sh status DIR    sinfo and squeue of that cluster
#
# Debian's munge, slurmctld, slurmd and slurm-client are installed with apt when missing
# (apt-get update only when the packages are not known yet). apt starts no services here, so
# this script starts the daemons itself: slurmctld and `slurmd -N localhost` on free ports of
# their own, with state, spool, logs and pid files under DIR, and munged on a socket in DIR
# unless a munged already answers on the system socket (then that one is used and left alone).
# So it never stops a daemon it did not start, and a second cluster (another test file, a site's
# Slurm) can run beside it. `stop` kills only the pids recorded in DIR/pids, after checking that
# each is still the daemon it started.
#
# Every failure is loud: a message on stderr, the tail of the daemon logs, and exit status 1.
# Needs root (apt, and slurmd runs jobs as their user).
set -euo pipefail

PACKAGES=(munge slurmctld slurmd slurm-client)
SYSTEM_MUNGE_SOCKET=/run/munge/munge.socket.2
START_TIMEOUT=${RSRG_SLURM_START_TIMEOUT:-60}

say() { printf 'cluster.sh: %s\n' "$*" >&2; }
die() {
  say "error: $*"
  exit 1
}

# Seconds since the epoch, for timeouts.
now() { date +%s; }

# wait_for SECONDS WHAT COMMAND...: runs COMMAND every 0.2 s until it succeeds; false on timeout.
wait_for() {
  local seconds=$1 what=$2
  shift 2
  local deadline=$(($(now) + seconds))
  until "$@" >/dev/null 2>&1; do
    if (($(now) >= deadline)); then
      say "timed out after ${seconds}s waiting for $what"
      return 1
    fi
    sleep 0.2
  done
}

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

install_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do installed "$p" || missing+=("$p"); done
  ((${#missing[@]} == 0)) && return 0
  ((EUID == 0)) || die "Slurm is not installed (missing: ${missing[*]}) and installing it needs root"
  command -v apt-get >/dev/null || die "Slurm is not installed (missing: ${missing[*]}) and there is no apt-get"
  say "installing ${missing[*]} with apt"
  local apt=(apt-get -o DPkg::Lock::Timeout=300 -y -q install --no-install-recommends "${missing[@]}")
  # apt-get update only when the package lists do not know the packages yet.
  if ! apt-cache show "${missing[@]}" >/dev/null 2>&1; then
    apt-get -o DPkg::Lock::Timeout=300 -q update >&2 || die "apt-get update failed"
  fi
  if ! DEBIAN_FRONTEND=noninteractive "${apt[@]}" >&2; then
    say "apt-get install failed; updating the package lists and trying again"
    apt-get -o DPkg::Lock::Timeout=300 -q update >&2 || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" >&2 || die "apt-get install ${missing[*]} failed"
  fi
  for p in "${PACKAGES[@]}"; do installed "$p" || die "$p is still not installed after apt-get install"; done
}

# A TCP port that nothing listens on, from a range away from Slurm's defaults (6817-6819).
free_port() {
  local port tries=0
  while ((tries++ < 200)); do
    port=$((20000 + RANDOM % 40000))
    if [[ -z $(ss -Hltn "sport = :$port" 2>/dev/null) ]] && ! grep -qx "$port" "$D/ports" 2>/dev/null; then
      echo "$port" >>"$D/ports"
      echo "$port"
      return 0
    fi
  done
  die "found no free TCP port"
}

# pid_of NAME PIDFILE: the pid in PIDFILE when that process is alive (not a zombie) and is NAME.
pid_of() {
  local pid stat
  pid=$(cat "$2" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  # Field 2 is "(comm)", field 3 the state; a daemon whose parent does not reap it stays a zombie.
  [[ $stat =~ ^[0-9]+\ \((.*)\)\ ([A-Za-z]) ]] || return 1
  [[ ${BASH_REMATCH[1]} == "$1" && ${BASH_REMATCH[2]} != Z ]] && echo "$pid"
}

record() { echo "$1 $2" >>"$D/pids"; }
not_running() { ! pid_of "$1" "$2" >/dev/null; }

dump_logs() {
  local f
  for f in "$D"/log/*.log "$D"/munge/munged.log; do
    [[ -s $f ]] || continue
    say "---- last lines of $f"
    tail -n 25 "$f" >&2 || true
  done
}

munge_answers() { munge -n -S "$1" </dev/null | unmunge -S "$1" >/dev/null; }

start_munge() {
  if munge_answers "$SYSTEM_MUNGE_SOCKET" 2>/dev/null; then
    say "using the munged already running on $SYSTEM_MUNGE_SOCKET (it is left alone)"
    MUNGE_SOCKET=$SYSTEM_MUNGE_SOCKET
    return 0
  fi
  local key=/etc/munge/munge.key
  if [[ ! -s $key ]]; then
    say "creating the munge key $key"
    mungekey --create --keyfile="$key" >&2 || die "cannot create the munge key $key"
    chown munge:munge "$key" && chmod 0400 "$key"
  fi
  mkdir -p "$D/munge"
  chown munge:munge "$D/munge"
  chmod 0755 "$D/munge"  # munged wants execute permission for all on the socket directory
  MUNGE_SOCKET=$D/munge/munge.socket
  runuser -u munge -- /usr/sbin/munged --socket="$MUNGE_SOCKET" --key-file="$key" \
    --pid-file="$D/munge/munged.pid" --log-file="$D/munge/munged.log" \
    --seed-file="$D/munge/munged.seed" >&2 || die "munged did not start"
  wait_for 10 "munged to write its pid file" pid_of munged "$D/munge/munged.pid" || die "munged did not start"
  record munged "$D/munge/munged.pid"
  wait_for 10 "munged to answer on $MUNGE_SOCKET" munge_answers "$MUNGE_SOCKET" || die "munged does not answer"
}

write_conf() {
  local ctld_port slurmd_port cpus
  ctld_port=$(free_port)
  slurmd_port=$(free_port)
  cpus=$(nproc)
  local auth_info=''
  [[ $MUNGE_SOCKET != "$SYSTEM_MUNGE_SOCKET" ]] && auth_info="AuthInfo=socket=$MUNGE_SOCKET"
  cat >"$D/slurm.conf" <<EOF
# Written by test/slurm/cluster.sh: a one-node test cluster; delete with 'cluster.sh stop $D'.
ClusterName=rsrgtest
SlurmctldHost=localhost
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
$auth_info
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd.log
ProctrackType=proctrack/pgid
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
KillWait=5
MinJobAge=600
NodeName=localhost CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
EOF
}

ctld_up() { scontrol ping | grep -q 'is UP'; }
node_idle() { [[ $(sinfo -h -N -n localhost -o '%T' 2>/dev/null) == idle ]]; }

start() {
  ((EUID == 0)) || die "start needs root (apt, munged as user munge, slurmd)"
  command -v ss >/dev/null || die "ss (iproute2) is needed to find free ports"
  install_packages
  if [[ -n ${1:-} ]]; then
    D=$1
    [[ -e $D/pids ]] && die "$D already holds a cluster (stop it first: cluster.sh stop $D)"
    mkdir -p "$D"
  else
    D=$(mktemp -d "${TMPDIR:-/tmp}/rsrg-slurm.XXXXXX")
  fi
  D=$(cd "$D" && pwd -P)
  [[ $D =~ [[:space:]] ]] && die "the cluster directory must not contain blanks: $D"
  chmod 0755 "$D"
  mkdir -p "$D/state" "$D/spool" "$D/log"
  : >"$D/pids"
  # A failure from here on stops what was started and shows the logs.
  trap 'status=$?; if ((status != 0)); then dump_logs; say "error: the Slurm cluster did not start (logs above; state in $D)"; RSRG_SLURM_KEEP=1 stop_dir "$D" || true; fi' EXIT

  local other
  for other in slurmctld slurmd munged; do
    if pgrep -x "$other" >/dev/null 2>&1; then
      say "note: a $other is already running (pid $(pgrep -x "$other" | tr '\n' ' ')); it is left alone"
    fi
  done

  start_munge
  write_conf
  export SLURM_CONF=$D/slurm.conf

  /usr/sbin/slurmctld -f "$SLURM_CONF" >&2 || die "slurmctld did not start"
  wait_for 15 "slurmctld to write its pid file" pid_of slurmctld "$D/slurmctld.pid" || die "slurmctld did not start"
  record slurmctld "$D/slurmctld.pid"
  wait_for "$START_TIMEOUT" "slurmctld to answer 'scontrol ping'" ctld_up || die "slurmctld does not answer"

  /usr/sbin/slurmd -f "$SLURM_CONF" -N localhost >&2 || die "slurmd did not start"
  wait_for 15 "slurmd to write its pid file" pid_of slurmd "$D/slurmd.pid" || die "slurmd did not start"
  record slurmd "$D/slurmd.pid"
  if ! wait_for "$START_TIMEOUT" "the node to be idle in sinfo" node_idle; then
    sinfo -N -l >&2 || true
    sinfo -R >&2 || true
    die "node localhost is not idle"
  fi
  trap - EXIT
  say "Slurm is up: $(sinfo -h -o '%P %a %l %D %T %N' | head -n 1) (SLURM_CONF=$SLURM_CONF)"
  echo "RSRG_SLURM_DIR=$D"
  echo "SLURM_CONF=$SLURM_CONF"
}

# A job step whose slurmd is gone: its batch script (in DIR/spool) and everything in the
# script's process group, and the slurmstepd above it. Only processes of this cluster's jobs.
kill_leftover_jobs() {
  local dir=$1 proc pid pgid parent found=0
  for proc in /proc/[0-9]*; do
    pid=${proc#/proc/}
    { tr '\0' ' ' <"$proc/cmdline"; } 2>/dev/null | grep -qF "$dir/spool/job" || continue
    found=1
    pgid=$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ') || true
    parent=$(ps -o ppid= -p "$pid" 2>/dev/null | tr -d ' ') || true
    say "killing a leftover job process $pid ($({ tr '\0' ' ' <"$proc/cmdline"; } 2>/dev/null))"
    if [[ -n $pgid && $pgid != 0 && $pgid != "$$" ]]; then kill -KILL -- "-$pgid" 2>/dev/null || true; fi
    kill -KILL "$pid" 2>/dev/null || true
    # The slurmstepd of the step (its command line reads "slurmstepd: [<job>.batch]").
    if [[ -n $parent && $(cat "/proc/$parent/comm" 2>/dev/null) == slurmstepd* ]]; then kill -KILL "$parent" 2>/dev/null || true; fi
  done
  ((found)) && say "warning: jobs outlived the cluster (see above)"
  return 0
}

# Stops the daemons recorded in DIR/pids (and only those), then deletes DIR unless RSRG_SLURM_KEEP=1.
stop_dir() {
  local dir=$1 name pidfile pid
  [[ -f $dir/pids ]] || die "$dir holds no cluster started by cluster.sh (no pids file)"
  export SLURM_CONF=$dir/slurm.conf
  if pid_of slurmctld "$dir/slurmctld.pid" >/dev/null && grep -q '^slurmctld ' "$dir/pids"; then
    # Every job of this private cluster is a test's: cancel them so that no step outlives it.
    # By the ids squeue shows (1_2, 1_[3-5], 7): Slurm 22.05 refuses the plain job id of an
    # array task in scancel ("Invalid job id"), and takes the array's own id for the whole array.
    local jobs
    jobs=$(timeout 10 squeue -h -o '%i' 2>/dev/null | sort -u | tr '\n' ' ') || true
    if [[ -n ${jobs// /} ]]; then
      # shellcheck disable=SC2086
      timeout 10 scancel $jobs 2>/dev/null || true
      wait_for 20 "the jobs to end" bash -c '[[ -z $(squeue -h -o %i 2>/dev/null) ]]' || true
    fi
    timeout 15 scontrol shutdown >/dev/null 2>&1 || say "scontrol shutdown failed; stopping the daemons by pid"
  fi
  # Whatever is still alive a few seconds later is stopped by its recorded pid.
  local round
  for round in TERM KILL; do
    local alive=0
    while read -r name pidfile; do
      [[ -n $name ]] || continue
      pid=$(pid_of "$name" "$pidfile") || continue
      if [[ $round == TERM && $name != munged ]]; then
        # slurmctld and slurmd got 'scontrol shutdown': give them a moment first.
        wait_for 10 "$name (pid $pid) to exit" not_running "$name" "$pidfile" && continue
      fi
      kill "-$round" "$pid" 2>/dev/null || true
      alive=1
    done <"$dir/pids"
    ((alive)) || break
    sleep 1
  done
  while read -r name pidfile; do
    [[ -n $name ]] || continue
    if pid=$(pid_of "$name" "$pidfile"); then die "$name (pid $pid) is still running"; fi
  done <"$dir/pids"
  kill_leftover_jobs "$dir"
  if [[ ${RSRG_SLURM_KEEP:-0} == 1 ]]; then
    say "stopped; kept $dir"
  else
    rm -rf -- "$dir"
    say "stopped"
  fi
}

case ${1:-} in
start)
  start "${2:-}"
  ;;
stop)
  [[ -n ${2:-} ]] || die "usage: cluster.sh stop DIR"
  stop_dir "$2"
  ;;
status)
  [[ -n ${2:-} ]] || die "usage: cluster.sh status DIR"
  export SLURM_CONF=$2/slurm.conf
  sinfo && squeue
  ;;
*)
  echo "usage: cluster.sh start [DIR] | stop DIR | status DIR" >&2
  exit 2
  ;;
esac
