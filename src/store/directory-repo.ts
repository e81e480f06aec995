import { eq, sql } from "drizzle-orm";
import type { DirectoryView } from "../core/booking/rules.js";
import { DirectoryMatcher } from "../core/directory/matcher.js";
import type { Agency, Directory, Endpoint, EndpointLevel, Person, Role } from "../core/directory/types.js";
import type { AgencyKind } from "../core/regulation.js";
import type { Db } from "./db.js";
import { agencies, agencyMailboxes, endpoints, meta, people } from "./schema.js";

/** An in-memory view of the directory for the rules, rebuilt when an import bumps the version. */
export interface DirectorySnapshot extends DirectoryView {
  directory: Directory;
  endpoint(code: string): Endpoint | undefined;
  agencyByMailbox(address: string): Agency | undefined;
  /** The name matcher of this directory (built on first use). */
  matcher(): DirectoryMatcher;
}

export function snapshotOf(directory: Directory): DirectorySnapshot {
  const agencyByName = new Map(directory.agencies.map((a) => [a.name, a]));
  const endpointByCode = new Map(directory.endpoints.map((e) => [e.code, e]));
  const byMailbox = new Map(
    directory.agencies.flatMap((a) => a.mailboxes.map((m) => [m.toLowerCase(), a] as const)),
  );
  let matcher: DirectoryMatcher | null = null;
  const hostOf = new Map<string, string>();
  for (const e of [...directory.endpoints].sort((a, b) => a.code.localeCompare(b.code))) {
    if (!hostOf.has(e.agency)) hostOf.set(e.agency, e.code);
  }
  return {
    directory,
    hasEndpoint: (code) => endpointByCode.has(code),
    endpoint: (code) => endpointByCode.get(code),
    agency: (name) => agencyByName.get(name),
    hostEndpoint: (agency) => hostOf.get(agency) ?? null,
    agencyByMailbox: (address) => byMailbox.get(address.toLowerCase()),
    suggest: (name) => {
      matcher ??= new DirectoryMatcher(directory);
      return matcher.resolve(name).suggestions;
    },
    matcher: () => {
      matcher ??= new DirectoryMatcher(directory);
      return matcher;
    },
  };
}

const VERSION_KEY = "directory_version";

export class DirectoryRepo {
  private cache: { version: string; snapshot: DirectorySnapshot } | null = null;

  /** The directory's version, read on every snapshot: prepared once. */
  private readonly versionQuery;

  constructor(private readonly db: Db) {
    this.versionQuery = db
      .select({ value: meta.value })
      .from(meta)
      .where(eq(meta.key, sql.placeholder("key")))
      .prepare();
  }

  /** Replace the whole directory: the spreadsheet is the source of truth. Call inside a transaction. */
  async replaceAll(dir: Directory): Promise<void> {
    // Chat accounts linked through /dangky survive a re-import of a spreadsheet that does not list them.
    const linked = new Map(
      this.db
        .select()
        .from(people)
        .all()
        .filter((p) => p.telegramId || p.zaloId)
        .map((p) => [`${p.endpoint}|${p.role}|${p.name}`, { telegramId: p.telegramId, zaloId: p.zaloId }]),
    );
    const taken = new Set(
      dir.people
        .flatMap((p) => [p.telegramId && `t:${p.telegramId}`, p.zaloId && `z:${p.zaloId}`])
        .filter(Boolean),
    );
    dir = {
      ...dir,
      people: dir.people.map((p) => {
        const old = linked.get(`${p.endpoint}|${p.role}|${p.name}`);
        if (!old) return p;
        return {
          ...p,
          telegramId:
            p.telegramId ?? (old.telegramId && !taken.has(`t:${old.telegramId}`) ? old.telegramId : null),
          zaloId: p.zaloId ?? (old.zaloId && !taken.has(`z:${old.zaloId}`) ? old.zaloId : null),
        };
      }),
    };
    this.db.delete(people).run();
    this.db.delete(endpoints).run();
    this.db.delete(agencyMailboxes).run();
    this.db.delete(agencies).run();
    for (const a of dir.agencies) {
      this.db
        .insert(agencies)
        .values({
          name: a.name,
          kind: a.kind,
          aliases: a.aliases,
          approvedQuota: a.approvedQuota,
          approvalRef: a.approvalRef,
        })
        .run();
      for (const m of a.mailboxes)
        this.db.insert(agencyMailboxes).values({ address: m.toLowerCase(), agency: a.name }).run();
    }
    for (const e of dir.endpoints) this.db.insert(endpoints).values(e).run();
    for (const p of dir.people) this.db.insert(people).values(p).run();
    const version = String(Date.now()) + Math.random().toString(36).slice(2, 8);
    this.db
      .insert(meta)
      .values({ key: VERSION_KEY, value: version })
      .onConflictDoUpdate({ target: meta.key, set: { value: version } })
      .run();
  }

  async load(): Promise<Directory> {
    const mailboxRows = this.db.select().from(agencyMailboxes).all();
    const agencyRows = this.db.select().from(agencies).all();
    return {
      agencies: agencyRows.map(
        (a): Agency => ({
          name: a.name,
          kind: a.kind as AgencyKind,
          aliases: a.aliases,
          mailboxes: mailboxRows.filter((m) => m.agency === a.name).map((m) => m.address),
          approvedQuota: a.approvedQuota,
          approvalRef: a.approvalRef,
        }),
      ),
      endpoints: this.db
        .select()
        .from(endpoints)
        .all()
        .map((e): Endpoint => ({ ...e, level: e.level as EndpointLevel })),
      people: this.db
        .select()
        .from(people)
        .all()
        .map(({ id: _id, ...p }): Person => ({ ...p, role: p.role as Role })),
    };
  }

  /** The directory as the rules see it; reloaded only after an import changed it. */
  async snapshot(): Promise<DirectorySnapshot> {
    const version = this.versionQuery.get({ key: VERSION_KEY })?.value ?? "none";
    if (this.cache?.version !== version) this.cache = { version, snapshot: snapshotOf(await this.load()) };
    return this.cache.snapshot;
  }
}
