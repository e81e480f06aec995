import { and, eq } from "drizzle-orm";
import type { Db } from "./db.js";
import { deskLease } from "./schema.js";

export interface Lease {
  name: string;
  holder: string;
  pid: number;
  host: string;
  since: Date;
  heartbeatAt: Date;
  leaseUntil: Date;
}

/** Who asks for the lease: a fresh id per running desk, with its pid and host for the message a person reads. */
export interface Claimant {
  holder: string;
  pid: number;
  host: string;
}

export type LeaseVerdict =
  | { kind: "free" }
  | { kind: "expired"; previous: Lease }
  | { kind: "dead"; previous: Lease }
  | { kind: "held"; current: Lease };

/**
 * Whether a claimant may take the lease row. A row past `leaseUntil` is stale. A row from a process on the same
 * host that no longer exists (killed, crashed) is stale at once: waiting out its lease would only delay the
 * restart. A live process elsewhere, or on this host, keeps it, and so does another desk in this very process.
 */
export function judgeLease(
  row: Lease | null,
  me: Claimant,
  now: Date,
  isAlive: (pid: number) => boolean,
): LeaseVerdict {
  if (!row || row.holder === me.holder) return { kind: "free" };
  if (row.leaseUntil.getTime() <= now.getTime()) return { kind: "expired", previous: row };
  if (row.host === me.host && row.pid !== me.pid && !isAlive(row.pid)) return { kind: "dead", previous: row };
  return { kind: "held", current: row };
}

export class LeaseRepo {
  constructor(private readonly db: Db) {}

  async get(name: string): Promise<Lease | null> {
    return this.db.select().from(deskLease).where(eq(deskLease.name, name)).get() ?? null;
  }

  /** Take the row (insert or overwrite): call inside a transaction, after `judgeLease` said it may. */
  async take(name: string, me: Claimant, now: Date, until: Date): Promise<void> {
    const row = {
      holder: me.holder,
      pid: me.pid,
      host: me.host,
      since: now,
      heartbeatAt: now,
      leaseUntil: until,
    };
    this.db
      .insert(deskLease)
      .values({ name, ...row })
      .onConflictDoUpdate({ target: deskLease.name, set: row })
      .run();
  }

  /** Extend our own lease; false when the row is no longer ours (another desk took it over). */
  async renew(name: string, holder: string, now: Date, until: Date): Promise<boolean> {
    const res = this.db
      .update(deskLease)
      .set({ heartbeatAt: now, leaseUntil: until })
      .where(and(eq(deskLease.name, name), eq(deskLease.holder, holder)))
      .run();
    return res.changes === 1;
  }

  async release(name: string, holder: string): Promise<void> {
    this.db
      .delete(deskLease)
      .where(and(eq(deskLease.name, name), eq(deskLease.holder, holder)))
      .run();
  }
}
