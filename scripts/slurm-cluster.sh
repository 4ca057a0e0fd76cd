#!/usr/bin/env bash
# A one-node Slurm cluster on this machine for tests, on loopback only: `slurm-cluster.sh start DIR` installs Debian's
# slurm-wlm and munge when missing (as root), writes DIR/slurm.conf and a munge key, starts munged, slurmctld and
# slurmd with their state, spool, sockets and logs under DIR, records their pids in DIR/pids and waits until the node
# is idle; `slurm-cluster.sh stop DIR` stops them by those pids. Point the Slurm commands at it with
# SLURM_CONF=DIR/slurm.conf.
set -euo pipefail
action="${1:-}"; dir="${2:-}"
[ -n "$action" ] && [ -n "$dir" ] || { echo "usage: slurm-cluster.sh start|stop DIR" >&2; exit 2; }

stop() {
  [ -f "$dir/pids" ] || return 0
  while read -r name pid; do
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done < <(tac "$dir/pids")
  rm -f "$dir/pids"
}

if [ "$action" = stop ]; then stop; exit 0; fi
[ "$action" = start ] || { echo "slurm-cluster.sh: unknown action $action (use start or stop)" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "slurm-cluster.sh start must run as root (it installs packages and runs slurmd as SlurmUser root)." >&2; exit 1; }

missing=()
for p in slurm-wlm munge; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

mkdir -p "$dir"/{state,spool,munge}
dir="$(cd "$dir" && pwd)"
chmod 755 "$dir"
node="$(hostname -s)"
# Free loopback ports for slurmctld and slurmd, so the test cluster never meets a real one.
read -r ctld_port slurmd_port < <(python3 -c 'import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')
cat > "$dir/slurm.conf" <<CONF
ClusterName=subnettest
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=2,bf_interval=1
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
JobRequeue=1
MinJobAge=600
NodeName=$node NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
[ -f "$dir/munge/munge.key" ] || { dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none; chmod 400 "$dir/munge/munge.key"; }
chmod 711 "$dir/munge"
: > "$dir/pids"
munged -F --force --key-file "$dir/munge/munge.key" --socket "$dir/munge/munge.socket" --pid-file "$dir/munge/munged.pid" \
  --log-file "$dir/munge/munged.log" --seed-file "$dir/munge/munged.seed" 2>> "$dir/munge/munged.err" &
echo "munged $!" >> "$dir/pids"
for _ in $(seq 100); do [ -S "$dir/munge/munge.socket" ] && break; sleep 0.1; done
export SLURM_CONF="$dir/slurm.conf"
slurmctld -D -i -f "$dir/slurm.conf" > "$dir/slurmctld.out" 2>&1 &
echo "slurmctld $!" >> "$dir/pids"
slurmd -D -N "$node" -f "$dir/slurm.conf" > "$dir/slurmd.out" 2>&1 &
echo "slurmd $!" >> "$dir/pids"
for _ in $(seq 300); do
  state="$(sinfo -h -N -o %T 2>/dev/null || true)"
  [ "$state" = idle ] && { echo "slurm test cluster up: node $node idle (SLURM_CONF=$dir/slurm.conf)"; exit 0; }
  sleep 0.2
done
echo "slurm test cluster did not come up within 60 s (node state '${state:-none}'); logs:" >&2
tail -n 20 "$dir"/slurmctld.log "$dir"/slurmd.log "$dir"/munge/munged.log >&2 || true
stop
exit 1
