import { and, asc, desc, eq, gte, ne } from "drizzle-orm";
import type { FaultCategory, Route } from "../core/incident/classify.js";
import type { Incident, IncidentStatus } from "../core/incident/types.js";
import type { Db } from "./db.js";
import { chatLinks, incidentEvents, incidents, people } from "./schema.js";

export type Platform = "telegram" | "zalo";

export interface ChatPerson {
  id: number;
  name: string;
  endpoint: string | null;
  role: string;
}

export interface ChatLink {
  id: number;
  platform: Platform;
  userId: string;
  name: string;
  endpoint: string;
  status: "pending" | "approved" | "rejected";
}

function toIncident(r: typeof incidents.$inferSelect): Incident {
  return {
    ...r,
    category: r.category as FaultCategory,
    route: r.route as Route,
    status: r.status as IncidentStatus,
  };
}

export class IncidentRepo {
  constructor(private readonly db: Db) {}

  async save(i: Incident): Promise<void> {
    this.db.insert(incidents).values(i).onConflictDoUpdate({ target: incidents.code, set: i }).run();
  }

  async get(code: string): Promise<Incident | null> {
    const row = this.db.select().from(incidents).where(eq(incidents.code, code)).get();
    return row ? toIncident(row) : null;
  }

  /** The open incident of the same kind at the same endpoint since `since`: a repeated report joins it. */
  async openAt(endpoint: string, category: FaultCategory, since: Date): Promise<Incident | null> {
    const row = this.db
      .select()
      .from(incidents)
      .where(
        and(
          eq(incidents.endpoint, endpoint),
          eq(incidents.category, category),
          ne(incidents.status, "resolved"),
          gte(incidents.openedAt, since),
        ),
      )
      .orderBy(desc(incidents.openedAt))
      .get();
    return row ? toIncident(row) : null;
  }

  async list(): Promise<Incident[]> {
    return this.db.select().from(incidents).orderBy(asc(incidents.openedAt)).all().map(toIncident);
  }

  async addEvent(
    code: string,
    e: { at: Date; actor: string; channel: string; action: string; note?: string | null },
  ): Promise<void> {
    this.db
      .insert(incidentEvents)
      .values({ incident: code, ...e, note: e.note ?? null })
      .run();
  }

  async events(code: string) {
    return this.db
      .select()
      .from(incidentEvents)
      .where(eq(incidentEvents.incident, code))
      .orderBy(asc(incidentEvents.id))
      .all();
  }

  /** The directory person behind a chat account, if linked. */
  async personByChat(platform: Platform, userId: string): Promise<ChatPerson | null> {
    const col = platform === "telegram" ? people.telegramId : people.zaloId;
    const row = this.db.select().from(people).where(eq(col, userId)).get();
    return row ? { id: row.id, name: row.name, endpoint: row.endpoint, role: row.role } : null;
  }

  async peopleWithRole(
    role: string,
  ): Promise<(ChatPerson & { telegramId: string | null; zaloId: string | null })[]> {
    return this.db
      .select()
      .from(people)
      .where(eq(people.role, role))
      .all()
      .map((p) => ({
        id: p.id,
        name: p.name,
        endpoint: p.endpoint,
        role: p.role,
        telegramId: p.telegramId,
        zaloId: p.zaloId,
      }));
  }

  async requestLink(link: Omit<ChatLink, "id" | "status">, at: Date): Promise<void> {
    this.db
      .insert(chatLinks)
      .values({ ...link, status: "pending", requestedAt: at })
      .onConflictDoUpdate({
        target: [chatLinks.platform, chatLinks.userId],
        set: {
          name: link.name,
          endpoint: link.endpoint,
          status: "pending",
          requestedAt: at,
          decidedBy: null,
        },
      })
      .run();
  }

  async pendingLinks(): Promise<ChatLink[]> {
    return this.db.select().from(chatLinks).where(eq(chatLinks.status, "pending")).all() as ChatLink[];
  }

  async link(id: number): Promise<ChatLink | null> {
    return (
      (this.db.select().from(chatLinks).where(eq(chatLinks.id, id)).get() as ChatLink | undefined) ?? null
    );
  }

  /** Approve a request: the chat account is set on the endpoint's person with that role, created if missing. */
  async approveLink(id: number, role: "leader" | "technician", by: string): Promise<ChatLink | null> {
    const link = await this.link(id);
    if (link?.status !== "pending") return null;
    const col = link.platform === "telegram" ? "telegramId" : "zaloId";
    // One account, one person: unlink it from whoever had it.
    this.db
      .update(people)
      .set({ [col]: null })
      .where(eq(link.platform === "telegram" ? people.telegramId : people.zaloId, link.userId))
      .run();
    const person = this.db
      .select()
      .from(people)
      .where(and(eq(people.endpoint, link.endpoint), eq(people.role, role)))
      .get();
    if (person)
      this.db
        .update(people)
        .set({ [col]: link.userId })
        .where(eq(people.id, person.id))
        .run();
    else
      this.db
        .insert(people)
        .values({
          name: link.name,
          phone: null,
          email: null,
          endpoint: link.endpoint,
          role,
          [col]: link.userId,
        })
        .run();
    this.db.update(chatLinks).set({ status: "approved", decidedBy: by }).where(eq(chatLinks.id, id)).run();
    return { ...link, status: "approved" };
  }
}
