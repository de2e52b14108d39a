"""A real single-node Slurm cluster in a temporary folder (Debian's slurm-wlm and munge), for the tests and for
bench/sweep. Started by `SlurmCluster.start(folder)`, stopped by `stop()`; clients find it through SLURM_CONF."""
import os
import shutil
import socket
import subprocess
import time


def why_not():
    """None when a cluster can be started here, else the reason (for a skip message)."""
    if os.geteuid() != 0:
        return "Slurm test cluster needs root (slurmd runs jobs as any user); not root here"
    missing = [p for p in ("munged", "slurmctld", "slurmd", "sbatch", "squeue") if shutil.which(p) is None]
    if missing:
        return ("Slurm is not installed (missing %s); `./assay test` installs Debian's slurm-wlm and munge when it "
                "runs as root with apt-get" % ", ".join(missing))
    return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SlurmCluster:
    def __init__(self, folder):
        self.folder = folder
        self.conf = os.path.join(folder, "slurm.conf")
        self.env = dict(os.environ, SLURM_CONF=self.conf)

    @classmethod
    def start(cls, folder):
        c = cls(folder)
        c._start()
        return c

    def _start(self):
        f = self.folder
        for d in ("state", "spool"):
            os.makedirs(os.path.join(f, d), exist_ok=True)
        key = os.path.join(f, "munge.key")
        with open(key, "wb") as out:
            out.write(os.urandom(1024))
        os.chmod(key, 0o400)
        subprocess.run(["munged", "--force", "--socket=%s/munge.socket" % f, "--key-file=%s" % key,
                        "--pid-file=%s/munged.pid" % f, "--log-file=%s/munged.log" % f,
                        "--seed-file=%s/munged.seed" % f], check=True)
        host = socket.gethostname().split(".")[0]
        cpus = os.cpu_count() or 1
        with open(self.conf, "w") as out:
            out.write(f"""ClusterName=assaytest
SlurmctldHost={host}
SlurmUser=root
SlurmdUser=root
SlurmctldPort={free_port()}
SlurmdPort={free_port()}
AuthType=auth/munge
AuthInfo=socket={f}/munge.socket
StateSaveLocation={f}/state
SlurmdSpoolDir={f}/spool
SlurmctldPidFile={f}/slurmctld.pid
SlurmdPidFile={f}/slurmd.pid
SlurmctldLogFile={f}/slurmctld.log
SlurmdLogFile={f}/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
NodeName={host} CPUs={cpus} RealMemory=4000 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
""")
        subprocess.run(["slurmctld", "-f", self.conf], check=True, env=self.env)
        subprocess.run(["slurmd", "-f", self.conf], check=True, env=self.env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            r = subprocess.run(["sinfo", "--noheader", "--format=%T"], capture_output=True, text=True, env=self.env)
            if r.returncode == 0 and "idle" in r.stdout:
                return
            time.sleep(0.5)
        self.stop()
        raise RuntimeError("the Slurm test cluster did not come up; see %s/slurmctld.log and slurmd.log" % f)

    def stop(self):
        for name in ("slurmd", "slurmctld", "munged"):
            pid_file = os.path.join(self.folder, name + ".pid")
            try:
                with open(pid_file) as pf:
                    os.kill(int(pf.read().strip()), 15)
            except (OSError, ValueError):
                pass
        time.sleep(0.5)
