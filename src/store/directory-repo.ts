import { eq, sql } from "drizzle-orm";
import type { DirectoryView } from "../core/booking/rules.js";
import { DirectoryMatcher } from "../core/directory/matcher.js";
import type { Agency, Directory, Endpoint, EndpointLevel, Person, Role } from "../core/directory/types.js";
import type { AgencyKind } from "../core/regulation.js";
import { type Conn, first, prepare } from "./conn.js";

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
    endpointName: (code) => endpointByCode.get(code)?.name,
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

/**
 * PostgreSQL: the directory's version as a literal statement, for the store's BEGIN message (one round trip fewer
 * per write transaction); `directoryVersionOf` reads its rows.
 */
export const DIRECTORY_VERSION_SQL = `SELECT value FROM meta WHERE key = '${VERSION_KEY}'`;

/** The version DIRECTORY_VERSION_SQL's rows name ("none" before any import, as `snapshot` reads it). */
export function directoryVersionOf(rows: readonly { value?: unknown }[]): string {
  const v = rows[0]?.value;
  return typeof v === "string" ? v : "none";
}

/** The snapshot last built, shared by every repository over one database (PostgreSQL makes one per transaction). */
export interface SnapshotCache {
  current: { version: string; snapshot: DirectorySnapshot } | null;
}

export class DirectoryRepo {
  /** The directory's version, read on every snapshot: prepared once. */
  private readonly versionQuery;
  private readonly db;
  private readonly t;

  /**
   * The version this transaction read, when the repository belongs to one PostgreSQL transaction (each read is a
   * round trip there; a registration asked three times). Only replaceAll changes the version, through this same
   * repository, which updates it.
   */
  private txVersion: string | undefined;

  constructor(
    c: Conn,
    private readonly cache: SnapshotCache = { current: null },
    private readonly perTransaction = false,
    /** The version already read in this transaction (PostgreSQL's BEGIN message carries it). */
    txVersion?: string,
  ) {
    this.txVersion = perTransaction ? txVersion : undefined;
    this.db = c.db;
    this.t = c.t;
    const { meta } = c.t;
    this.versionQuery = prepare(c, "directory_version", () =>
      c.db
        .select({ value: meta.value })
        .from(meta)
        .where(eq(meta.key, sql.placeholder("key"))),
    );
  }

  /** Replace the whole directory: the spreadsheet is the source of truth. Call inside a transaction. */
  async replaceAll(dir: Directory): Promise<void> {
    // Chat accounts linked through /dangky survive a re-import of a spreadsheet that does not list them.
    const { agencies, agencyMailboxes, endpoints, meta, people } = this.t;
    const linked = new Map(
      (await this.db.select().from(people))
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
    await this.db.delete(people);
    await this.db.delete(endpoints);
    await this.db.delete(agencyMailboxes);
    await this.db.delete(agencies);
    for (const a of dir.agencies) {
      await this.db.insert(agencies).values({
        name: a.name,
        kind: a.kind,
        aliases: a.aliases,
        approvedQuota: a.approvedQuota,
        approvalRef: a.approvalRef,
        notifiesFor: a.notifiesFor ?? null,
      });
      for (const m of a.mailboxes)
        await this.db.insert(agencyMailboxes).values({ address: m.toLowerCase(), agency: a.name });
    }
    // In batches: one statement per row costs a round trip each on PostgreSQL.
    for (let i = 0; i < dir.endpoints.length; i += 200)
      await this.db.insert(endpoints).values(dir.endpoints.slice(i, i + 200));
    for (let i = 0; i < dir.people.length; i += 200)
      await this.db.insert(people).values(dir.people.slice(i, i + 200));
    const version = String(Date.now()) + Math.random().toString(36).slice(2, 8);
    await this.db
      .insert(meta)
      .values({ key: VERSION_KEY, value: version })
      .onConflictDoUpdate({ target: meta.key, set: { value: version } });
    if (this.perTransaction) this.txVersion = version;
  }

  async load(): Promise<Directory> {
    const { agencies, agencyMailboxes, endpoints, people } = this.t;
    const mailboxRows = await this.db.select().from(agencyMailboxes);
    const agencyRows = await this.db.select().from(agencies);
    return {
      agencies: agencyRows.map(
        (a): Agency => ({
          name: a.name,
          kind: a.kind as AgencyKind,
          aliases: a.aliases,
          mailboxes: mailboxRows.filter((m) => m.agency === a.name).map((m) => m.address),
          approvedQuota: a.approvedQuota,
          approvalRef: a.approvalRef,
          notifiesFor: a.notifiesFor,
        }),
      ),
      endpoints: (await this.db.select().from(endpoints)).map(
        (e): Endpoint => ({ ...e, level: e.level as EndpointLevel }),
      ),
      people: (await this.db.select().from(people)).map(
        ({ id: _id, ...p }): Person => ({ ...p, role: p.role as Role }),
      ),
    };
  }

  /** The directory as the rules see it; reloaded only after an import changed it. */
  async snapshot(): Promise<DirectorySnapshot> {
    const version =
      this.txVersion ?? first(await this.versionQuery.execute({ key: VERSION_KEY }))?.value ?? "none";
    if (this.perTransaction) this.txVersion = version;
    if (this.cache.current?.version !== version)
      this.cache.current = { version, snapshot: snapshotOf(await this.load()) };
    return this.cache.current.snapshot;
  }
}
