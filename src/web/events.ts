import { sql } from "drizzle-orm";
import type { Desk } from "../app/desk.js";

/**
 * The live pages' event bus. Every change the desk makes (chat, mail, CLI, MCU runner, this web desk, another
 * process on the same database) ends in one of a few tables, so the bus polls one cheap "what changed last"
 * query each `intervalMs` while someone listens, and tells listeners when the answer moves. No hook in any use
 * case is needed, and nothing is missed when the change came from another process.
 */
export class ChangeFeed {
  private readonly listeners = new Set<(version: string) => void>();
  private timer: NodeJS.Timeout | null = null;
  private version: string | null = null;
  private polling = false;

  constructor(
    private readonly desk: Desk,
    private readonly intervalMs = 1000,
  ) {}

  /** The current version: a string that changes whenever something a desk page shows changed. */
  async current(): Promise<string> {
    return this.desk.store.read(async (_, c) => {
      const [row] = await c.all<Record<string, number | string | null>>(
        sql`select (select max(id) from booking_events) as be,
                   (select max(id) from incident_events) as ie,
                   (select max(updated_at) from incidents) as iu,
                   (select count(*) from incidents) as ic,
                   (select max(updated_at) from meta where key like 'mcu:%') as mu`,
      );
      return [row?.be, row?.ie, row?.iu, row?.ic, row?.mu].map((x) => Number(x ?? 0)).join(".");
    });
  }

  /** Listen for changes; returns the function that stops listening. Polling runs only while someone listens. */
  subscribe(fn: (version: string) => void): () => void {
    this.listeners.add(fn);
    if (!this.timer) {
      this.timer = setInterval(() => void this.poll(), this.intervalMs);
      // The baseline now, so that a change within the first interval is not taken for the baseline.
      void this.poll();
    }
    return () => {
      this.listeners.delete(fn);
      if (this.listeners.size === 0) this.stop();
    };
  }

  /** Check now (tests and actions call it to push at once rather than at the next tick). */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const v = await this.current();
      if (this.version !== null && v !== this.version) for (const fn of this.listeners) fn(v);
      this.version = v;
    } catch {
      // The database closed under us (shutdown): stop quietly.
      this.stop();
    } finally {
      this.polling = false;
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.version = null;
  }
}
