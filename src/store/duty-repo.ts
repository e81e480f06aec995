import { and, asc, eq } from "drizzle-orm";
import { localDateOf } from "../core/calendar/zone.js";
import { DIRECTORY_ROLE, type DutyOverride, type DutyRole, onDuty, type Shift } from "../core/duty/roster.js";
import type { Conn } from "./conn.js";
import type { Platform } from "./incident-repo.js";

/** An audited change of today's duty. */
export interface DutyChange extends DutyOverride {
  actor: string;
  channel: string;
  at: Date;
}

/** The person on duty, with where the bot reaches them privately (absent: no private chat on that platform). */
export interface DutyContact {
  name: string;
  private: Partial<Record<Platform, string>>;
}

/** The duty roster, today's overrides (with their audit), and the private chats the bot may write to. */
export class DutyRepo {
  private readonly db;
  private readonly t;

  constructor(c: Conn) {
    this.db = c.db;
    this.t = c.t;
  }

  async shifts(): Promise<Shift[]> {
    const rows = await this.db.select().from(this.t.dutyRoster).orderBy(asc(this.t.dutyRoster.id));
    return rows.map((s) => ({ ...s, role: s.role as DutyRole }));
  }

  /** Replace the weekly roster (its source, a CSV or the CLI, is the truth). Call inside a transaction. */
  async replaceShifts(shifts: readonly Shift[]): Promise<void> {
    await this.db.delete(this.t.dutyRoster);
    for (const s of shifts) await this.db.insert(this.t.dutyRoster).values({ ...s });
  }

  /** Today's-duty rows of a local date, oldest first (the last of a role decides). */
  async overrides(date: string): Promise<DutyChange[]> {
    const rows = await this.db
      .select()
      .from(this.t.dutyOverrides)
      .where(eq(this.t.dutyOverrides.date, date))
      .orderBy(asc(this.t.dutyOverrides.id));
    return rows.map((o) => ({ ...o, role: o.role as DutyRole }));
  }

  async setOverride(change: DutyChange): Promise<void> {
    await this.db.insert(this.t.dutyOverrides).values(change);
  }

  /** Who is on duty for `role` at `at` (see `onDuty`). */
  async onDuty(role: DutyRole, at: Date, zone: string): Promise<string | null> {
    return onDuty(await this.shifts(), await this.overrides(localDateOf(at, zone)), role, at, zone);
  }

  /** The person on duty for `role` at `at`, and their private chats; null when nobody is on duty. */
  async contact(role: DutyRole, at: Date, zone: string): Promise<DutyContact | null> {
    const name = await this.onDuty(role, at, zone);
    if (!name) return null;
    const rows = await this.db
      .select()
      .from(this.t.people)
      .where(and(eq(this.t.people.name, name), eq(this.t.people.role, DIRECTORY_ROLE[role])));
    const out: DutyContact = { name, private: {} };
    for (const p of rows) {
      for (const [platform, userId] of [
        ["telegram", p.telegramId],
        ["zalo", p.zaloId],
      ] as const) {
        if (!userId || out.private[platform]) continue;
        const chat = await this.privateChat(platform, userId);
        if (chat) out.private[platform] = chat;
      }
    }
    return out;
  }

  /** A chat user wrote to the bot privately: remember the chat, so desk notices can go there. */
  async rememberPrivateChat(platform: Platform, userId: string, chatId: string, at: Date): Promise<void> {
    await this.db
      .insert(this.t.privateChats)
      .values({ platform, userId, chatId, startedAt: at })
      .onConflictDoUpdate({
        target: [this.t.privateChats.platform, this.t.privateChats.userId],
        set: { chatId },
      });
  }

  async privateChat(platform: Platform, userId: string): Promise<string | null> {
    const [row] = await this.db
      .select({ chatId: this.t.privateChats.chatId })
      .from(this.t.privateChats)
      .where(and(eq(this.t.privateChats.platform, platform), eq(this.t.privateChats.userId, userId)))
      .limit(1);
    return row?.chatId ?? null;
  }
}
