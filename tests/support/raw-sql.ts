import type { Store } from "../../src/store/store.js";
import { q } from "../helpers.js";

/**
 * Fixture rows written straight into the tables, on either dialect, in the shape better-sqlite3's handle had
 * (`s.prepare(SQL).run(...values)`), so that a suite's hand-made rows read as before. Writes are queued in order
 * and run in one transaction by `flush()` (or before any read); reads are awaited. Write SQL both dialects read:
 * `?` placeholders, numbers for instants and flags (both schemas store them so), JSON as text literals.
 */
export class RawSql {
  private pending: { text: string; params: unknown[] }[] = [];

  constructor(private readonly store: Store) {}

  prepare(text: string): { run(...params: unknown[]): void } {
    return { run: (...params) => void this.pending.push({ text, params }) };
  }

  /** Queue one statement. */
  exec(text: string, ...params: unknown[]): void {
    this.pending.push({ text, params });
  }

  /** Run the queued writes, in order, in one transaction. */
  async flush(): Promise<void> {
    const batch = this.pending.splice(0);
    if (batch.length === 0) return;
    await this.store.tx(async (_r, c) => {
      for (const s of batch) await c.run(q(s.text, ...s.params));
    });
  }

  async all<T>(text: string, ...params: unknown[]): Promise<T[]> {
    await this.flush();
    return this.store.read((_r, c) => c.all<T>(q(text, ...params)));
  }

  async get<T>(text: string, ...params: unknown[]): Promise<T | undefined> {
    return (await this.all<T>(text, ...params))[0];
  }

  /** A single number (a count or an id): PostgreSQL reads bigints as strings. */
  async num(text: string, ...params: unknown[]): Promise<number> {
    const row = await this.get<Record<string, unknown>>(text, ...params);
    return Number(row ? Object.values(row)[0] : Number.NaN);
  }

  /** Run one write now (after the queued ones): the rows it changed. */
  async run(text: string, ...params: unknown[]): Promise<number> {
    await this.flush();
    return this.store.tx((_r, c) => c.run(q(text, ...params)));
  }
}

export const rawSql = (store: Store) => new RawSql(store);
