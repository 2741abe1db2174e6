import type { SenderOutcome } from "./emulated-polar.ts";
import type { LogEntry } from "./run-log.ts";

/** A callback run beyond an event's first, with what its attempt answered ("none": its process died first). */
export interface ExtraRun {
  id: string;
  attempts: { attempt: string; answer: number | "none" }[];
}

/** Everything the checks found; every list is empty in a run that kept its promises. */
export interface Verdict {
  events: number;
  /** Callback runs that succeeded: the side effects. */
  runs: number;
  /** Runs that threw on purpose (`failOneIn`), each followed by a retry. */
  failedRuns: number;
  /** Answers of the instances, by status. */
  answers: Record<number, number>;
  /** Events the emulator sent whose callbacks never succeeded. */
  lost: string[];
  /** Events whose callbacks succeeded more than once. */
  ranTwice: ExtraRun[];
  /** Of those, events for which two attempts that ran the callbacks both answered 2xx: never allowed. */
  handledTwice: string[];
  /** 2xx answers for an event whose callbacks had not succeeded before (in this attempt, or any for a duplicate). */
  unhandledSuccesses: { attempt: string; id: string; status: number; duplicate: boolean }[];
  /** Events the emulator does not show as delivered: queue state other than "delivered", or no successful attempt in its delivery log. */
  undelivered: string[];
  /** Runs for ids the emulator never sent. */
  strays: string[];
}

const is2xx = (status: number) => status >= 200 && status < 300;

/** Compares what the receivers did (the run log, in order) with what the emulator sent. */
export function judge(sender: SenderOutcome, log: readonly LogEntry[]): Verdict {
  const runsById = new Map<string, string[]>();
  const answerOf = new Map<string, number>();
  const unhandledSuccesses: Verdict["unhandledSuccesses"] = [];
  const answers: Record<number, number> = {};
  const ranIn = new Set<string>();
  let failedRuns = 0;
  for (const entry of log) {
    if (entry.kind === "run" && entry.failed) failedRuns++;
    if (entry.kind === "run" && !entry.failed) {
      runsById.set(entry.id, [...(runsById.get(entry.id) ?? []), entry.attempt]);
      ranIn.add(entry.attempt);
    }
    if (entry.kind === "answer") {
      answerOf.set(entry.attempt, entry.status);
      answers[entry.status] = (answers[entry.status] ?? 0) + 1;
      const handled = entry.duplicate ? runsById.has(entry.id) : ranIn.has(entry.attempt);
      if (is2xx(entry.status) && !handled) {
        unhandledSuccesses.push({
          attempt: entry.attempt,
          id: entry.id,
          status: entry.status,
          duplicate: entry.duplicate,
        });
      }
    }
  }
  const ranTwice: ExtraRun[] = [...runsById]
    .filter(([, attempts]) => attempts.length > 1)
    .map(([id, attempts]) => ({
      id,
      attempts: attempts.map((attempt) => ({ attempt, answer: answerOf.get(attempt) ?? "none" })),
    }));
  const events = [...sender.states.keys()];
  return {
    events: events.length,
    runs: [...runsById.values()].reduce((sum, attempts) => sum + attempts.length, 0),
    failedRuns,
    answers,
    lost: events.filter((id) => !runsById.has(id)),
    ranTwice,
    handledTwice: ranTwice
      .filter((extra) => extra.attempts.filter(({ answer }) => answer !== "none" && is2xx(answer)).length > 1)
      .map((extra) => extra.id),
    unhandledSuccesses,
    undelivered: events.filter((id) => sender.states.get(id) !== "delivered" || !sender.succeeded.has(id)),
    strays: [...runsById.keys()].filter((id) => !sender.states.has(id)),
  };
}
