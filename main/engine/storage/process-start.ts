import { readFileSync } from 'node:fs'

// A pid alone does not identify a process: after a crash and a reboot (or
// just enough forks) the lock's pid may belong to an unrelated program, and
// the data folder stayed "in use" until someone deleted the lock by hand. On
// Linux the kernel's start time of a process (field 22 of /proc/<pid>/stat,
// in clock ticks since boot) tells a reused pid apart; elsewhere this returns
// undefined and callers fall back to the pid.

export function processStartTime(pid: number): string | undefined {
  if (process.platform !== 'linux') return undefined
  let stat: string
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return undefined
  }
  // The command name (field 2) is in parentheses and may itself contain spaces and ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // fields[0] is field 3 (state), so field 22 is fields[19].
  const start = fields[19]
  return start !== undefined && /^\d+$/.test(start) ? start : undefined
}
