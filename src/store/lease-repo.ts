import { and, eq } from "drizzle-orm";
import { type Conn, first } from "./conn.js";

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
  private readonly db;
  private readonly t;

  constructor(c: Conn) {
    this.db = c.db;
    this.t = c.t.deskLease;
  }

  async get(name: string): Promise<Lease | null> {
    const deskLease = this.t;
    return first(await this.db.select().from(deskLease).where(eq(deskLease.name, name)));
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
    const deskLease = this.t;
    await this.db
      .insert(deskLease)
      .values({ name, ...row })
      .onConflictDoUpdate({ target: deskLease.name, set: row });
  }

  /** Extend our own lease; false when the row is no longer ours (another desk took it over). */
  async renew(name: string, holder: string, now: Date, until: Date): Promise<boolean> {
    const deskLease = this.t;
    const rows = await this.db
      .update(deskLease)
      .set({ heartbeatAt: now, leaseUntil: until })
      .where(and(eq(deskLease.name, name), eq(deskLease.holder, holder)))
      .returning({ name: deskLease.name });
    return rows.length === 1;
  }

  async release(name: string, holder: string): Promise<void> {
    const deskLease = this.t;
    await this.db.delete(deskLease).where(and(eq(deskLease.name, name), eq(deskLease.holder, holder)));
  }
}
