/**
 * The emulator's time: real time plus an offset that tests and the CLI can advance. `onAdvance`
 * lets the owner persist the offset, so a reopened database keeps its time.
 */
export class Clock {
  #offsetMs: number;

  constructor(
    offsetMs = 0,
    private readonly onAdvance: (offsetMs: number) => void = () => {},
  ) {
    this.#offsetMs = offsetMs;
  }

  now(): Date {
    return new Date(Date.now() + this.#offsetMs);
  }

  /** The current time in whole seconds since the epoch, as OAuth and JWT timestamps are. */
  nowSeconds(): number {
    return Math.floor(this.now().getTime() / 1000);
  }

  /** The current time as the API writes it: ISO 8601 with a UTC offset. */
  iso(plusMs = 0): string {
    return new Date(this.now().getTime() + plusMs).toISOString().replace("Z", "+00:00");
  }

  advance(ms: number): void {
    this.#offsetMs += ms;
    this.onAdvance(this.#offsetMs);
  }
}
