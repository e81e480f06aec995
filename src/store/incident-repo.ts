import { and, asc, desc, eq, gte, inArray, ne, type SQL } from "drizzle-orm";
import type { FaultCategory, Route } from "../core/incident/classify.js";
import type { Incident, IncidentStatus } from "../core/incident/types.js";
import type { Db } from "./db.js";
import { chatLinkEvents, chatLinks, incidentEvents, incidents, people } from "./schema.js";

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
    unverified: Boolean(r.unverified),
    major: r.major ?? null,
  };
}

/** Who holds a chat link now, named in chat so an admin never replaces one without knowing. */
export interface LinkHolder {
  personId: number;
  name: string;
  endpoint: string | null;
  role: string;
}

/** How `/duyet` treats an endpoint person who already has a chat account on the platform. */
export type ApproveMode = "new" | "replace" | "add";

export type ApproveOutcome =
  | { kind: "missing" }
  /** Nothing changed: `holder` has the endpoint's slot, `owner` has the applicant's account today. */
  | { kind: "conflict"; link: ChatLink; holder: LinkHolder | null; owner: LinkHolder | null }
  | {
      kind: "approved";
      link: ChatLink;
      replaced: LinkHolder | null;
      movedFrom: LinkHolder | null;
      added: boolean;
    };

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
    return this.latestOpen(eq(incidents.endpoint, endpoint), category, since);
  }

  /** The open incident of the same kind reported by the same chat account since `since` (unverified reports). */
  async openByReporter(reporter: string, category: FaultCategory, since: Date): Promise<Incident | null> {
    return this.latestOpen(eq(incidents.reporter, reporter), category, since);
  }

  private latestOpen(where: SQL, category: FaultCategory, since: Date): Incident | null {
    const row = this.db
      .select()
      .from(incidents)
      .where(
        and(
          where,
          eq(incidents.category, category),
          ne(incidents.status, "resolved"),
          gte(incidents.openedAt, since),
        ),
      )
      .orderBy(desc(incidents.openedAt))
      .get();
    return row ? toIncident(row) : null;
  }

  /** Open incidents opened since `since`: the candidates of a storm. */
  async openSince(since: Date): Promise<Incident[]> {
    return this.db
      .select()
      .from(incidents)
      .where(and(ne(incidents.status, "resolved"), gte(incidents.openedAt, since)))
      .all()
      .map(toIncident);
  }

  /** The reports joined to a major incident. */
  async byMajor(major: string): Promise<Incident[]> {
    return this.db
      .select()
      .from(incidents)
      .where(eq(incidents.major, major))
      .orderBy(asc(incidents.openedAt))
      .all()
      .map(toIncident);
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

  /**
   * Approve a request. The chat account goes to the endpoint's person with that role (created if missing). If
   * that person already has another account on the platform, or the applicant's account belongs to someone else,
   * nothing changes unless the admin chose: "replace" (the holder's account is replaced) or "add" (a second
   * person with that role). Every approval, replacement and move is written to chat_link_events.
   */
  async approveLink(
    id: number,
    role: "leader" | "technician",
    by: string,
    at: Date,
    mode: ApproveMode = "new",
  ): Promise<ApproveOutcome> {
    const link = await this.link(id);
    if (link?.status !== "pending") return { kind: "missing" };
    const col = link.platform === "telegram" ? "telegramId" : "zaloId";
    const colRef = link.platform === "telegram" ? people.telegramId : people.zaloId;
    const holderOf = (p: typeof people.$inferSelect): LinkHolder => ({
      personId: p.id,
      name: p.name,
      endpoint: p.endpoint,
      role: p.role,
    });
    const slot = this.db
      .select()
      .from(people)
      .where(and(eq(people.endpoint, link.endpoint), eq(people.role, role)))
      .orderBy(asc(people.id))
      .all();
    const ownerRow = this.db.select().from(people).where(eq(colRef, link.userId)).get() ?? null;
    // The applicant already is this endpoint's person with that role: a renewal, nothing to replace.
    const already = ownerRow && slot.some((p) => p.id === ownerRow.id) ? ownerRow : null;
    const taken = already ? null : (slot.find((p) => p[col] !== null) ?? null);
    const free = already ? null : (slot.find((p) => p[col] === null) ?? null);
    const owner = ownerRow && !already ? holderOf(ownerRow) : null;
    if (mode === "new" && ((taken && !free) || owner)) {
      return { kind: "conflict", link, holder: taken && !free ? holderOf(taken) : null, owner };
    }
    const audit = (action: string, note: string) =>
      this.db.insert(chatLinkEvents).values({ link: id, at, actor: by, action, note }).run();
    if (ownerRow && !already) {
      this.db
        .update(people)
        .set({ [col]: null })
        .where(eq(people.id, ownerRow.id))
        .run();
      audit("moved", `${link.platform} account taken from ${ownerRow.name} (person ${ownerRow.id})`);
    }
    let replaced: LinkHolder | null = null;
    let added = false;
    if (already) {
      // Nothing to change on people.
    } else if (free && mode !== "add") {
      this.db
        .update(people)
        .set({ [col]: link.userId })
        .where(eq(people.id, free.id))
        .run();
    } else if (taken && mode === "replace") {
      replaced = holderOf(taken);
      this.db
        .update(people)
        .set({ [col]: link.userId })
        .where(eq(people.id, taken.id))
        .run();
      audit(
        "replaced",
        `${link.platform} account of ${taken.name} (person ${taken.id}) replaced by ${link.name}`,
      );
    } else {
      added = slot.length > 0;
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
      if (added) audit("added", `${link.name} added as another ${role} of ${link.endpoint}`);
    }
    this.db.update(chatLinks).set({ status: "approved", decidedBy: by }).where(eq(chatLinks.id, id)).run();
    audit("approved", `${link.name} → ${link.endpoint} as ${role}`);
    return { kind: "approved", link: { ...link, status: "approved" }, replaced, movedFrom: owner, added };
  }

  async linkEvents(id: number) {
    return this.db
      .select()
      .from(chatLinkEvents)
      .where(eq(chatLinkEvents.link, id))
      .orderBy(asc(chatLinkEvents.id))
      .all();
  }

  /** Desk people (MCU technicians, WAN duty, admins): the only people a fault may be handed to by name. */
  async deskPeople(roles: string[]): Promise<LinkHolder[]> {
    return this.db
      .select()
      .from(people)
      .where(inArray(people.role, roles))
      .orderBy(asc(people.id))
      .all()
      .map((p) => ({ personId: p.id, name: p.name, endpoint: p.endpoint, role: p.role }));
  }
}
