import { eq, sql } from "drizzle-orm";
import type { Desk } from "../../app/desk.js";
import { fold } from "../../core/text/fold.js";
import type { people } from "../../store/schema.js";
import { hashPassword, passwordProblem } from "./password.js";

/** The directory roles that may use the web desk. */
export const DESK_ROLES = ["admin", "mcu-technician", "wan-duty"] as const;
export type DeskRole = (typeof DESK_ROLES)[number];

export const ROLE_VI: Record<string, string> = {
  admin: "quản trị viên",
  "mcu-technician": "cán bộ kỹ thuật MCU",
  "wan-duty": "trực ban mạng WAN",
  leader: "lãnh đạo điểm cầu",
  technician: "kỹ thuật viên điểm cầu",
};

/** A directory person as the web desk knows them. */
export interface DeskPerson {
  id: number;
  name: string;
  email: string | null;
  role: string;
  /** The account's key: the e-mail (lower case) when the directory has one, else the name. */
  login: string;
}

/** A mistake the operator can fix; the message says how, in Vietnamese. */
export class AccountError extends Error {
  override name = "AccountError";
}

function loginOf(p: { name: string; email: string | null }): string {
  return p.email ? p.email.trim().toLowerCase() : p.name.trim();
}

/**
 * The account keys of a directory's people in `roles` (by default every desk role: whose web sessions may live on
 * after it is imported).
 */
export function deskLogins(
  dir: { people: readonly { name: string; email: string | null; role: string }[] },
  roles: readonly string[] = DESK_ROLES,
): Set<string> {
  return new Set(dir.people.filter((p) => roles.includes(p.role)).map((p) => loginOf(p)));
}

/** Of `logins`, those `dir` no longer has at the desk (removed, a role without web access, a changed e-mail). */
export function offTheDesk(logins: Iterable<string>, dir: Parameters<typeof deskLogins>[0]): string[] {
  const keep = deskLogins(dir);
  return [...new Set(logins)].filter((login) => !keep.has(login));
}

function toPerson(p: typeof people.$inferSelect): DeskPerson {
  return { id: p.id, name: p.name, email: p.email, role: p.role, login: loginOf(p) };
}

/** People of the directory matching NAME: by e-mail (any case) or by name (diacritics and case do not matter). */
export async function findPeople(desk: Desk, name: string): Promise<DeskPerson[]> {
  const key = name.trim();
  const { db, t } = desk.store.conn;
  const byMail = await db.select().from(t.people).where(sql`lower(${t.people.email}) = ${key.toLowerCase()}`);
  if (byMail.length) return byMail.map(toPerson);
  const folded = fold(key);
  return (await db.select().from(t.people))
    .filter((p) => p.name.trim() === key || fold(p.name) === folded)
    .map(toPerson);
}

/** The desk person behind a login today (the directory decides the role at every request), or null. */
export async function personByLogin(desk: Desk, login: string): Promise<DeskPerson | null> {
  const { db, t } = desk.store.conn;
  const found = (
    await db
      .select()
      .from(t.people)
      .where(sql`lower(${t.people.email}) = ${login.toLowerCase()} or ${t.people.name} = ${login}`)
  )
    .map(toPerson)
    .filter((p) => p.login === login && (DESK_ROLES as readonly string[]).includes(p.role));
  return found.length === 1 ? found[0]! : null;
}

/**
 * `npm run cli -- user password NAME`: set the web password of a desk person. Refuses names that match nobody,
 * several people, or someone who is not on the desk. Every open session of the account ends (a changed password
 * shuts out whoever knew the old one). Returns the person.
 */
export async function setPassword(
  desk: Desk,
  name: string,
  password: string,
  now: Date,
): Promise<DeskPerson> {
  const matches = await findPeople(desk, name);
  if (matches.length === 0)
    throw new AccountError(`Không có ai tên hoặc địa chỉ thư «${name}» trong danh bạ.`);
  if (matches.length > 1)
    throw new AccountError(
      `«${name}» trùng với ${matches.length} người trong danh bạ; hãy dùng địa chỉ thư:\n${matches
        .map((p) => `- ${p.name} (${ROLE_VI[p.role] ?? p.role}, ${p.email ?? "chưa có địa chỉ thư"})`)
        .join("\n")}`,
    );
  const person = matches[0]!;
  if (!(DESK_ROLES as readonly string[]).includes(person.role))
    throw new AccountError(
      `${person.name} là ${ROLE_VI[person.role] ?? person.role}: chỉ quản trị viên, cán bộ kỹ thuật MCU và trực ban mạng WAN được dùng bàn kỹ thuật trên web.`,
    );
  const problem = passwordProblem(password);
  if (problem) throw new AccountError(problem);
  const hash = await hashPassword(password);
  await desk.store.tx(async (_, { db, t }) => {
    const values = { passwordHash: hash, failedAttempts: 0, lockedUntil: null, updatedAt: now };
    await db
      .insert(t.webAccounts)
      .values({ login: person.login, ...values })
      .onConflictDoUpdate({ target: t.webAccounts.login, set: values });
    await db.delete(t.webSessions).where(eq(t.webSessions.login, person.login));
  });
  return person;
}
