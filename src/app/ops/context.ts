import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes } from "node:crypto";
import type { MiddlewareHandler } from "hono";

/**
 * Correlation ids: every inbound item (a mail, a chat update, a web request, a job run, an outbox delivery) runs
 * its use case inside `withCorrelation(id, …)`, and the log (ops/log.ts) stamps `cid` on every line written
 * meanwhile, however deep the call. One `grep m-3f2a…` then finds everything that happened because of that item.
 */

/** What kind of item started the work: m mail, c chat update, w web request, j job run, o outbox delivery. */
export type CorrelationKind = "m" | "c" | "w" | "j" | "o";

const store = new AsyncLocalStorage<string>();

/**
 * Random bytes for the next ids, drawn 4 KiB at a time: a mail backlog asks for two ids a mail (the mail, its
 * answer's delivery), and one `randomBytes` call each was ≈ 1 % of the service's CPU (the call, not the bytes).
 */
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let poolAt = POOL_BYTES;

/** A fresh id such as `m-3f2a9c0d1e4b5a67`: the kind, then 64 random bits in hex. */
export function newCorrelationId(kind: CorrelationKind): string {
  if (poolAt + 8 > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolAt = 0;
  }
  const id = `${kind}-${pool.toString("hex", poolAt, poolAt + 8)}`;
  poolAt += 8;
  return id;
}

/** Run `fn` (and everything it awaits or schedules) under `id`. */
export function withCorrelation<T>(id: string, fn: () => T): T {
  return store.run(id, fn);
}

/** The id of the item whose use case is running, if any. */
export function correlationId(): string | undefined {
  return store.getStore();
}

/**
 * Run `fn` outside any item. For waking shared loops (a worker's `kick()` arms a timer): a timer armed inside an
 * item would otherwise carry its id into every later run of that loop.
 */
export function withoutCorrelation<T>(fn: () => T): T {
  return store.exit(fn);
}

/** What a client may send as `X-Request-Id`: anything else is replaced, so a log line cannot be forged or bloated. */
export const REQUEST_ID_RE = /^[A-Za-z0-9-]{1,64}$/;

export const REQUEST_ID_HEADER = "X-Request-Id";

/**
 * Hono middleware for the web server: the request runs under the `X-Request-Id` it came with (when it is 1–64
 * letters, digits or dashes, e.g. from a reverse proxy) or under a new `w-…` id, and the response carries it back.
 */
export function correlationMiddleware(): MiddlewareHandler {
  return async (c, next) => {
    const given = c.req.header(REQUEST_ID_HEADER);
    const id = given && REQUEST_ID_RE.test(given) ? given : newCorrelationId("w");
    await withCorrelation(id, () => next());
    c.header(REQUEST_ID_HEADER, id);
  };
}
