import { appendFileSync, readFileSync } from "node:fs";

/**
 * What receivers write down, one JSON line each, in the order things happened (every process
 * appends to the same file with O_APPEND, so lines from several processes interleave whole and in
 * the order the kernel saw them). `attempt` names one HTTP request to one instance.
 */
export type LogEntry =
  /** A callback started and will hang until its process is killed (the lease holder). */
  | { kind: "begin"; instance: string; attempt: string; id: string; type: string }
  /** A callback ran: the side effect the test counts. `failed` when it then threw, on purpose. */
  | { kind: "run"; instance: string; attempt: string; id: string; type: string; failed: boolean }
  /** What the instance answered to that attempt. */
  | { kind: "answer"; instance: string; attempt: string; id: string; status: number; duplicate: boolean };

/** One write(2) per entry: an O_APPEND write this small is never split by another process's. */
export function appendEntry(file: string, entry: LogEntry): void {
  appendFileSync(file, `${JSON.stringify(entry)}\n`);
}

export function readLog(file: string): LogEntry[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LogEntry);
}
