// What /proc says of a process, for the benchmark scripts.
import { readFileSync } from 'node:fs';

// CPU seconds it has used, user and system (clock ticks of 1/100 s in /proc/PID/stat).
export function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 };
}

// Resident memory now and at its peak (VmRSS, VmHWM), and now the part of it that is the
// process's own (RssAnon) and the part that is mapped files (RssFile), in MiB.
export function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mib = (key) => Number(status.match(new RegExp(`${key}:\\s+(\\d+) kB`))[1]) / 1024;
  return { rss: mib('VmRSS'), peak: mib('VmHWM'), anon: mib('RssAnon'), file: mib('RssFile') };
}
