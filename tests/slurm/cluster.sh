#!/usr/bin/env bash
# Brings up a single-node Slurm cluster on this machine (Debian's slurm-wlm
# and munge, no init system), submits exactly the job array and merge job that
# README.md shows, and checks that the merged study is byte-identical to an
# unsharded sweep. Needs root. Stops the daemons it started, by pid file.
#
#   bash tests/slurm/cluster.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"

if [ "$(id -u)" != 0 ]; then
    echo "tests/slurm/cluster.sh: needs root to install and start Slurm" >&2
    exit 1
fi

echo "== installing slurm-wlm and munge"
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # The packages try to start their services; without an init system that is
    # refused, which is harmless: the daemons are started by hand below.
    apt-get install -y -qq slurm-wlm munge >/dev/null 2>&1 || apt-get install -y -qq slurm-wlm munge
fi

work=$(mktemp -d /tmp/detente-slurm.XXXXXX)
pids=()
cleanup() {
    for pidfile in /run/slurmd.pid /run/slurmctld.pid /run/munge/munged.pid; do
        if [ -f "$pidfile" ]; then
            kill "$(cat "$pidfile")" 2>/dev/null || true
        fi
    done
    rm -rf "$work"
}
trap cleanup EXIT

echo "== starting munge"
[ -f /etc/munge/munge.key ] || /usr/sbin/mungekey --create
mkdir -p /run/munge /var/log/munge /var/lib/munge
chown munge:munge /run/munge /var/log/munge /var/lib/munge /etc/munge/munge.key
chmod 0400 /etc/munge/munge.key
chmod 0755 /run/munge
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    runuser -u munge -- /usr/sbin/munged --pid-file=/run/munge/munged.pid
fi
for _ in $(seq 50); do munge -n 2>/dev/null | unmunge 2>/dev/null | grep -q 'STATUS: *Success' && break; sleep 0.2; done
munge -n | unmunge | grep -q 'STATUS: *Success'

echo "== configuring a one-node cluster"
node=$(hostname -s)
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=detente
SlurmctldHost=$node
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MailProg=/bin/true
ReturnToService=2
DependencyParameters=kill_invalid_depend
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
NodeName=$node CPUs=$(nproc) State=UNKNOWN
PartitionName=main Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF

echo "== starting slurmctld and slurmd"
/usr/sbin/slurmctld
/usr/sbin/slurmd
for _ in $(seq 100); do sinfo -h -o %T 2>/dev/null | grep -qE '^idle' && break; sleep 0.3; done
sinfo

echo "== building detente"
cargo build --release --locked --quiet
export PATH="$repo/target/release:$PATH"

# The study runs in a scratch copy of the configs, as a user's checkout would.
mkdir -p "$work/configs"
cp configs/*.toml "$work/configs/"
cd "$work"

echo "== submitting the README's job array and merge job"
sed -n '/^# slurm: begin/,/^# slurm: end/p' "$repo/README.md" > submit.sh
grep -q sbatch submit.sh || { echo "README.md has no '# slurm: begin' block" >&2; exit 1; }
cat submit.sh
bash submit.sh > submitted.txt
cat submitted.txt

echo "== waiting for the jobs"
for _ in $(seq 600); do
    [ -z "$(squeue -h 2>/dev/null)" ] && break
    sleep 0.5
done
if [ -n "$(squeue -h)" ]; then
    squeue
    echo "jobs did not finish within 5 minutes" >&2
    exit 1
fi
cat slurm-*.out 2>/dev/null | tail -20 || true

echo "== comparing with an unsharded sweep"
detente sweep configs/baseline.toml --out unsharded --quiet
grep -q '"complete": true' runs/baseline/manifest.json
for f in runs.csv summary.csv design.csv; do
    cmp "runs/baseline/$f" "unsharded/$f"
done
echo "slurm: merged study is byte-identical to the unsharded sweep"

echo "== submitting the README's sharded calibration, a job array and a join per generation"
sed -n '/^# slurm-calibrate: begin/,/^# slurm-calibrate: end/p' "$repo/README.md" > calibrate.sh
grep -q sbatch calibrate.sh || { echo "README.md has no '# slurm-calibrate: begin' block" >&2; exit 1; }
cat calibrate.sh
timeout 600 bash calibrate.sh
grep -q '"complete": true' runs/history-calibration/manifest.json

echo "== comparing with a calibration on one machine"
detente calibrate configs/history.toml --out single-calibration --quiet
for f in particles.csv generations.csv posterior.csv predictive.csv; do
    cmp "runs/history-calibration/$f" "single-calibration/$f"
done
echo "slurm: sharded calibration is byte-identical to the one-machine calibration"
