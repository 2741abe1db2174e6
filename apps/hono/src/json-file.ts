import { randomUUID } from "node:crypto";
import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";

/**
 * A JSON document in one file. Writes go to a temporary file that is flushed and then renamed
 * over the old one, so a crash never leaves half a file; updates in this process run one at a
 * time, so two webhooks arriving together cannot overwrite each other's change.
 */
export class JsonFile<T> {
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly empty: () => T,
  ) {}

  async read(): Promise<T> {
    try {
      return JSON.parse(await readFile(this.path, "utf8")) as T;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return this.empty();
      throw error;
    }
  }

  /** Runs `change` on the current document and saves the result; resolves to what `change` returned. */
  update<R>(change: (data: T) => R): Promise<R> {
    const run = this.#queue.then(async () => {
      const data = await this.read();
      const result = change(data);
      await this.#write(data);
      return result;
    });
    // A failed update must not block the ones queued after it.
    this.#queue = run.catch(() => {});
    return run;
  }

  async #write(data: T): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${randomUUID()}.tmp`;
    const file = await open(temporary, "w", 0o600);
    try {
      await file.writeFile(`${JSON.stringify(data, null, 2)}\n`);
      await file.sync();
    } finally {
      await file.close();
    }
    try {
      await rename(temporary, this.path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }
}
