import { readFileSync } from 'node:fs';

/**
 * Who holds the writer lock, as written in the lock file: `pid bootId startTime`.
 * A pid alone cannot tell a live holder from a stale lock: after a crash or a
 * power cut the lock file can outlive its process (its removal was not durable),
 * and in a container the next writer often gets the very same small pid — or a
 * stranger does. The boot id (Linux `/proc/sys/kernel/random/boot_id`) says the
 * lock was taken since this machine last booted, and the process start time
 * (`/proc/<pid>/stat`, field 22) that the pid still names the same process.
 * Where `/proc` is missing, both are absent and only the pid is compared.
 */
export interface LockHolder {
  pid: number;
  bootId?: string;
  startTime?: string;
}

export function thisProcess(): LockHolder {
  const bootId = readBootId();
  const startTime = processStartTime(process.pid);
  return { pid: process.pid, ...(bootId ? { bootId } : {}), ...(startTime ? { startTime } : {}) };
}

export function formatHolder(holder: LockHolder): string {
  return `${[holder.pid, holder.bootId ?? '-', holder.startTime ?? '-'].join(' ')}\n`;
}

/** The holder in a lock file's text; null when it names none (empty or unreadable). Older locks hold the pid only. */
export function parseHolder(text: string): LockHolder | null {
  const [pid, bootId, startTime] = text.trim().split(/\s+/);
  if (!pid || !/^\d+$/.test(pid)) return null;
  return {
    pid: Number(pid),
    ...(bootId && bootId !== '-' ? { bootId } : {}),
    ...(startTime && startTime !== '-' ? { startTime } : {}),
  };
}

/**
 * Is the process that wrote this lock still running? `heldHere` says whether this
 * process holds the lock itself (a lock naming our own pid that we do not hold was
 * left by an earlier process that had our pid).
 */
export function holderIsAlive(holder: LockHolder, heldHere: boolean): boolean {
  if (holder.pid <= 0) return false;
  if (holder.pid === process.pid) return heldHere;
  const bootId = readBootId();
  if (holder.bootId && bootId && holder.bootId !== bootId) return false; // taken before the last boot
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  if (holder.startTime) {
    const running = processStartTime(holder.pid);
    if (running !== undefined && running !== holder.startTime) return false; // the pid was reused
  }
  return true;
}

let bootIdCache: string | null | undefined;
function readBootId(): string | undefined {
  if (bootIdCache === undefined) {
    try {
      bootIdCache = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
    } catch {
      bootIdCache = null;
    }
  }
  return bootIdCache ?? undefined;
}

function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19]; // field 22, starttime (clock ticks after boot)
  } catch {
    return undefined;
  }
}
