import { and, asc, desc, eq, gte, inArray, ne, type SQL } from "drizzle-orm";
import type { FaultCategory, Route } from "../core/incident/classify.js";
import type { Incident, IncidentStatus } from "../core/incident/types.js";
import { type Conn, first } from "./conn.js";
import type { incidents, people } from "./schema.js";

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
  private readonly db;
  private readonly t;

  constructor(c: Conn) {
    this.db = c.db;
    this.t = c.t;
  }

  async save(i: Incident): Promise<void> {
    await this.db
      .insert(this.t.incidents)
      .values(i)
      .onConflictDoUpdate({ target: this.t.incidents.code, set: i });
  }

  async get(code: string): Promise<Incident | null> {
    const row = first(await this.db.select().from(this.t.incidents).where(eq(this.t.incidents.code, code)));
    return row ? toIncident(row) : null;
  }

  /**
   * The open verified incident of the same kind at the same endpoint since `since`: a repeated report joins it.
   * A stranger's unverified report placed there is never joined: it must not absorb a verified one.
   */
  async openAt(endpoint: string, category: FaultCategory, since: Date): Promise<Incident | null> {
    return this.latestOpen(
      and(eq(this.t.incidents.endpoint, endpoint), eq(this.t.incidents.unverified, false))!,
      category,
      since,
    );
  }

  /** The open incident of the same kind reported by the same chat account since `since` (unverified reports). */
  async openByReporter(reporter: string, category: FaultCategory, since: Date): Promise<Incident | null> {
    return this.latestOpen(eq(this.t.incidents.reporter, reporter), category, since);
  }

  /** The latest open incident of any kind at an endpoint, opened since `since` (what «vẫn chưa được» is about). */
  async latestOpenAt(endpoint: string, since: Date): Promise<Incident | null> {
    return this.latestOpen(
      and(eq(this.t.incidents.endpoint, endpoint), eq(this.t.incidents.unverified, false))!,
      null,
      since,
    );
  }

  /** The incident at an endpoint resolved last, since `since` (what «vẫn chưa được» after «xong» is about). */
  async latestResolvedAt(endpoint: string, since: Date): Promise<Incident | null> {
    const i = this.t.incidents;
    const [row] = await this.db
      .select()
      .from(i)
      .where(
        and(
          eq(i.endpoint, endpoint),
          eq(i.unverified, false),
          eq(i.status, "resolved"),
          gte(i.updatedAt, since),
        ),
      )
      .orderBy(desc(i.updatedAt))
      .limit(1);
    return row ? toIncident(row) : null;
  }

  private async latestOpen(
    where: SQL,
    category: FaultCategory | null,
    since: Date,
  ): Promise<Incident | null> {
    const [row] = await this.db
      .select()
      .from(this.t.incidents)
      .where(
        and(
          where,
          category === null ? undefined : eq(this.t.incidents.category, category),
          ne(this.t.incidents.status, "resolved"),
          gte(this.t.incidents.openedAt, since),
        ),
      )
      .orderBy(desc(this.t.incidents.openedAt))
      .limit(1);
    return row ? toIncident(row) : null;
  }

  /** Open this.t.incidents opened since `since`: the candidates of a storm. */
  async openSince(since: Date): Promise<Incident[]> {
    return (
      await this.db
        .select()
        .from(this.t.incidents)
        .where(and(ne(this.t.incidents.status, "resolved"), gte(this.t.incidents.openedAt, since)))
    ).map(toIncident);
  }

  /** The reports joined to a major incident. */
  async byMajor(major: string): Promise<Incident[]> {
    return (
      await this.db
        .select()
        .from(this.t.incidents)
        .where(eq(this.t.incidents.major, major))
        .orderBy(asc(this.t.incidents.openedAt))
    ).map(toIncident);
  }

  async list(): Promise<Incident[]> {
    return (await this.db.select().from(this.t.incidents).orderBy(asc(this.t.incidents.openedAt))).map(
      toIncident,
    );
  }

  async addEvent(
    code: string,
    e: { at: Date; actor: string; channel: string; action: string; note?: string | null },
  ): Promise<void> {
    await this.db.insert(this.t.incidentEvents).values({ incident: code, ...e, note: e.note ?? null });
  }

  async events(code: string) {
    return await this.db
      .select()
      .from(this.t.incidentEvents)
      .where(eq(this.t.incidentEvents.incident, code))
      .orderBy(asc(this.t.incidentEvents.id));
  }

  /** The directory person behind a chat account, if linked. */
  async personByChat(platform: Platform, userId: string): Promise<ChatPerson | null> {
    const col = platform === "telegram" ? this.t.people.telegramId : this.t.people.zaloId;
    const row = first(await this.db.select().from(this.t.people).where(eq(col, userId)));
    return row ? { id: row.id, name: row.name, endpoint: row.endpoint, role: row.role } : null;
  }

  async peopleWithRole(
    role: string,
  ): Promise<(ChatPerson & { telegramId: string | null; zaloId: string | null })[]> {
    return (await this.db.select().from(this.t.people).where(eq(this.t.people.role, role))).map((p) => ({
      id: p.id,
      name: p.name,
      endpoint: p.endpoint,
      role: p.role,
      telegramId: p.telegramId,
      zaloId: p.zaloId,
    }));
  }

  async requestLink(link: Omit<ChatLink, "id" | "status">, at: Date): Promise<void> {
    await this.db
      .insert(this.t.chatLinks)
      .values({ ...link, status: "pending", requestedAt: at })
      .onConflictDoUpdate({
        target: [this.t.chatLinks.platform, this.t.chatLinks.userId],
        set: {
          name: link.name,
          endpoint: link.endpoint,
          status: "pending",
          requestedAt: at,
          decidedBy: null,
        },
      });
  }

  async pendingLinks(): Promise<ChatLink[]> {
    return (await this.db
      .select()
      .from(this.t.chatLinks)
      .where(eq(this.t.chatLinks.status, "pending"))) as ChatLink[];
  }

  async link(id: number): Promise<ChatLink | null> {
    return first(
      await this.db.select().from(this.t.chatLinks).where(eq(this.t.chatLinks.id, id)),
    ) as ChatLink | null;
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
    const colRef = link.platform === "telegram" ? this.t.people.telegramId : this.t.people.zaloId;
    const holderOf = (p: typeof people.$inferSelect): LinkHolder => ({
      personId: p.id,
      name: p.name,
      endpoint: p.endpoint,
      role: p.role,
    });
    const slot = await this.db
      .select()
      .from(this.t.people)
      .where(and(eq(this.t.people.endpoint, link.endpoint), eq(this.t.people.role, role)))
      .orderBy(asc(this.t.people.id));
    const ownerRow = first(await this.db.select().from(this.t.people).where(eq(colRef, link.userId)));
    // The applicant already is this endpoint's person with that role: a renewal, nothing to replace.
    const already = ownerRow && slot.some((p) => p.id === ownerRow.id) ? ownerRow : null;
    const taken = already ? null : (slot.find((p) => p[col] !== null) ?? null);
    const free = already ? null : (slot.find((p) => p[col] === null) ?? null);
    const owner = ownerRow && !already ? holderOf(ownerRow) : null;
    if (mode === "new" && ((taken && !free) || owner)) {
      return { kind: "conflict", link, holder: taken && !free ? holderOf(taken) : null, owner };
    }
    const audit = async (action: string, note: string) =>
      await this.db.insert(this.t.chatLinkEvents).values({ link: id, at, actor: by, action, note });
    if (ownerRow && !already) {
      await this.db
        .update(this.t.people)
        .set({ [col]: null })
        .where(eq(this.t.people.id, ownerRow.id));
      await audit("moved", `${link.platform} account taken from ${ownerRow.name} (person ${ownerRow.id})`);
    }
    let replaced: LinkHolder | null = null;
    let added = false;
    if (already) {
      // Nothing to change on this.t.people.
    } else if (free && mode !== "add") {
      await this.db
        .update(this.t.people)
        .set({ [col]: link.userId })
        .where(eq(this.t.people.id, free.id));
    } else if (taken && mode === "replace") {
      replaced = holderOf(taken);
      await this.db
        .update(this.t.people)
        .set({ [col]: link.userId })
        .where(eq(this.t.people.id, taken.id));
      await audit(
        "replaced",
        `${link.platform} account of ${taken.name} (person ${taken.id}) replaced by ${link.name}`,
      );
    } else {
      added = slot.length > 0;
      await this.db.insert(this.t.people).values({
        name: link.name,
        phone: null,
        email: null,
        endpoint: link.endpoint,
        role,
        [col]: link.userId,
      });
      if (added) await audit("added", `${link.name} added as another ${role} of ${link.endpoint}`);
    }
    await this.db
      .update(this.t.chatLinks)
      .set({ status: "approved", decidedBy: by })
      .where(eq(this.t.chatLinks.id, id));
    await audit("approved", `${link.name} → ${link.endpoint} as ${role}`);
    return { kind: "approved", link: { ...link, status: "approved" }, replaced, movedFrom: owner, added };
  }

  async linkEvents(id: number) {
    return await this.db
      .select()
      .from(this.t.chatLinkEvents)
      .where(eq(this.t.chatLinkEvents.link, id))
      .orderBy(asc(this.t.chatLinkEvents.id));
  }

  /** Desk this.t.people (MCU technicians, WAN duty, admins): the only this.t.people a fault may be handed to by name. */
  async deskPeople(roles: string[]): Promise<LinkHolder[]> {
    return (
      await this.db
        .select()
        .from(this.t.people)
        .where(inArray(this.t.people.role, roles))
        .orderBy(asc(this.t.people.id))
    ).map((p) => ({ personId: p.id, name: p.name, endpoint: p.endpoint, role: p.role }));
  }
}
