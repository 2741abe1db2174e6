import type { operations } from "@polar-kit/core";
import type { Subject } from "./auth";
import type { Clock } from "./clock";
import type { Db } from "./db";
import type { Store } from "./store";

export type OperationId = keyof operations;

/** What every operation handler can reach. */
export interface EmulatorState {
  db: Db;
  store: Store;
  clock: Clock;
  /** The emulator's own origin, e.g. `http://127.0.0.1:8787`, for URLs it hands out. */
  publicUrl: () => string;
  /** Queues a webhook event for every endpoint of the organization subscribed to `type`. */
  emit: (organizationId: string, type: string, data: unknown) => void;
  /** Moves the clock forward and applies every transition that became due. */
  advanceClock: (ms: number) => void;
}

type Op<Id extends OperationId> = operations[Id];
type Content<T> = T extends { content: infer C } ? C[keyof C] : undefined;

/** The request an operation handler gets: typed body and query from the spec, auth already checked. */
export interface OperationContext<Id extends OperationId = OperationId> {
  state: EmulatorState;
  subject: Subject;
  params: Record<string, string>;
  query: Op<Id>["parameters"] extends { query?: infer Q } ? NonNullable<Q> : Record<string, never>;
  body: Op<Id> extends { requestBody: infer B }
    ? Content<B>
    : Op<Id> extends { requestBody?: infer B }
      ? Content<NonNullable<B>> | undefined
      : undefined;
  request: Request;
}

/** A response other than the operation's default success status with a JSON body. */
export class Reply {
  constructor(
    readonly status: number,
    readonly body?: unknown,
    readonly contentType = "application/json",
    readonly headers: Record<string, string> = {},
  ) {}
}

/**
 * Handles one operation. Runs inside a database transaction, so it is synchronous: it returns the
 * JSON body (sent with the operation's success status) or a `Reply`, or throws an `ApiFailure`.
 */
export type OperationHandler<Id extends OperationId = OperationId> = (context: OperationContext<Id>) => unknown;

/** Handlers keyed by operation id, e.g. `"products:create"`. */
export type OperationHandlers = { [Id in OperationId]?: OperationHandler<Id> };
