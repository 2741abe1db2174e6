import type { Db } from "./db";
import { notFound } from "./errors";

/** Which organization and customer an object belongs to. */
export interface Scope {
  organizationId?: string;
  customerId?: string;
}

/** Any stored API object: the JSON the API returns, with its id. */
export type Doc = { id: string } & Record<string, unknown>;

/**
 * The data layer: API objects kept as JSON documents, one row each, with the columns that
 * queries select on (organization, customer, creation time) copied out and indexed.
 */
/** What `due()` reads: a kind's objects whose `due_at` has come, through the `resources_due` index. */
export const DUE_QUERY = "SELECT data FROM resources WHERE kind = ? AND due_at <= ? ORDER BY due_at, rowid";

export class Store {
  readonly #insert;
  readonly #update;
  readonly #get;
  readonly #delete;
  readonly #byOrg;
  readonly #byKind;
  readonly #byCustomer;
  readonly #due;

  constructor(readonly db: Db) {
    this.#insert = db.prepare(
      "INSERT INTO resources (kind, id, organization_id, customer_id, created_at, data) VALUES (?, ?, ?, ?, ?, ?)",
    );
    this.#update = db.prepare(
      "UPDATE resources SET data = ?, customer_id = COALESCE(?, customer_id) WHERE kind = ? AND id = ?",
    );
    this.#get = db.prepare("SELECT data FROM resources WHERE kind = ? AND id = ?");
    this.#delete = db.prepare("DELETE FROM resources WHERE kind = ? AND id = ?");
    this.#byOrg = db.prepare(
      "SELECT data FROM resources WHERE kind = ? AND organization_id = ? ORDER BY created_at, rowid",
    );
    this.#byKind = db.prepare("SELECT data FROM resources WHERE kind = ? ORDER BY created_at, rowid");
    this.#byCustomer = db.prepare(
      "SELECT data FROM resources WHERE kind = ? AND customer_id = ? ORDER BY created_at, rowid",
    );
    this.#due = db.prepare(DUE_QUERY);
  }

  /**
   * Stores a new object. Its organization and customer are read from its own fields unless
   * `scope` names them (for objects whose API shape does not carry them).
   */
  insert<T extends Doc>(kind: string, doc: T, scope: Scope = {}): T {
    const org = scope.organizationId ?? (typeof doc.organization_id === "string" ? doc.organization_id : null);
    const customer = scope.customerId ?? (typeof doc.customer_id === "string" ? doc.customer_id : null);
    const created = typeof doc.created_at === "string" ? doc.created_at : new Date().toISOString();
    this.#insert.run(kind, doc.id, org, customer, created, JSON.stringify(doc));
    return doc;
  }

  find<T extends Doc = Doc>(kind: string, id: string): T | undefined {
    const row = this.#get.get(kind, id) as { data: string } | undefined;
    return row && (JSON.parse(row.data) as T);
  }

  /** The object, or the API's 404. */
  get<T extends Doc = Doc>(kind: string, id: string, detail?: string): T {
    const doc = this.find<T>(kind, id);
    if (!doc) throw notFound(detail);
    return doc;
  }

  /** Replaces the stored object with `doc` (same id); its scope columns stay unless `scope` changes the customer. */
  put<T extends Doc>(kind: string, doc: T, scope: Scope = {}): T {
    const customer = scope.customerId ?? (typeof doc.customer_id === "string" ? doc.customer_id : null);
    const { changes } = this.#update.run(JSON.stringify(doc), customer, kind, doc.id);
    if (!changes) throw notFound();
    return doc;
  }

  remove(kind: string, id: string): void {
    this.#delete.run(kind, id);
  }

  /** Every object of a kind, oldest first; scoped to an organization or a customer when given. */
  all<T extends Doc = Doc>(kind: string, scope: Scope = {}): T[] {
    const rows = (
      scope.customerId
        ? this.#byCustomer.all(kind, scope.customerId)
        : scope.organizationId
          ? this.#byOrg.all(kind, scope.organizationId)
          : this.#byKind.all(kind)
    ) as { data: string }[];
    return rows.map((row) => JSON.parse(row.data) as T);
  }

  /**
   * The objects of a kind whose `due_at` (see the migrations in `db.ts`) has come at `now`, earliest
   * first. Read through an index: the cost follows what is due, not how many objects there are.
   */
  due<T extends Doc = Doc>(kind: string, now: Date): T[] {
    // A millisecond of slack against rounding in the seconds; callers check the exact time themselves.
    const rows = this.#due.all(kind, (now.getTime() + 1) / 1000) as { data: string }[];
    return rows.map((row) => JSON.parse(row.data) as T);
  }
}
