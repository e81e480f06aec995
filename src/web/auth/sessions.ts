import { createHash, randomBytes } from "node:crypto";
import { eq, inArray, lt } from "drizzle-orm";
import type { Context } from "hono";
import { setCookie } from "hono/cookie";
import type { Desk } from "../../app/desk.js";
import type { Directory } from "../../core/directory/types.js";
import type { Conn } from "../../store/conn.js";
import type { WebSettings } from "../settings.js";
import { offTheDesk } from "./accounts.js";
import { burnVerify, verifyPassword } from "./password.js";

/** The session cookie: a random 32-byte token; only its SHA-256 is stored (Lucia's guide). */
export const SESSION_COOKIE = "desk_session";

export interface Session {
  login: string;
  csrf: string;
  expiresAt: Date;
  /** True when this read moved the expiry on: the cookie's own expiry must follow. */
  slid?: boolean;
}

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/**
 * However busy, a session ends this long after its login: a copied cookie kept alive by a script every few hours
 * does not open the desk for ever. A week covers any shift; the person signs in again.
 */
export const SESSION_MAX_HOURS = 7 * 24;

/** A new session for `login`: the caller puts the token in the cookie; the table keeps only its hash. */
export async function createSession(
  desk: Desk,
  login: string,
  now: Date,
  settings: WebSettings,
): Promise<{ token: string; session: Session }> {
  const token = randomBytes(32).toString("hex");
  const csrf = randomBytes(32).toString("hex");
  const expiresAt = new Date(now.getTime() + settings.sessionHours * 3600_000);
  await desk.store.tx(async (_, { db, t }) => {
    // Expired rows go whenever someone logs in: the table never grows without bound.
    await db.delete(t.webSessions).where(lt(t.webSessions.expiresAt, now));
    await db
      .insert(t.webSessions)
      .values({ id: hashToken(token), login, csrfSecret: csrf, createdAt: now, lastSeenAt: now, expiresAt });
  });
  return { token, session: { login, csrf, expiresAt } };
}

/**
 * The session behind a cookie token, or null (unknown, expired). The expiry slides: a session in use lives on,
 * written at most once a minute so that reading a page is not a write each time.
 */
export async function readSession(
  desk: Desk,
  token: string,
  now: Date,
  settings: WebSettings,
): Promise<Session | null> {
  if (!/^[0-9a-f]{64}$/.test(token)) return null;
  const id = hashToken(token);
  const [row] = await desk.store.read((_, { db, t }) =>
    db.select().from(t.webSessions).where(eq(t.webSessions.id, id)),
  );
  if (!row) return null;
  const end = row.createdAt.getTime() + SESSION_MAX_HOURS * 3600_000;
  if (row.expiresAt.getTime() <= now.getTime() || now.getTime() >= end) {
    await desk.store.tx(async (_, { db, t }) => {
      await db.delete(t.webSessions).where(eq(t.webSessions.id, id));
    });
    return null;
  }
  let expiresAt = row.expiresAt;
  const slid = now.getTime() - row.lastSeenAt.getTime() > 60_000;
  if (slid) {
    expiresAt = new Date(Math.min(now.getTime() + settings.sessionHours * 3600_000, end));
    await desk.store.tx(async (_, { db, t }) => {
      await db.update(t.webSessions).set({ lastSeenAt: now, expiresAt }).where(eq(t.webSessions.id, id));
    });
  }
  return { login: row.login, csrf: row.csrfSecret, expiresAt, slid };
}

/**
 * The session cookie, at login and whenever the session's expiry moves on. Max-Age (which a browser prefers to
 * Expires) says how long from now, so a browser whose clock differs from the desk's still keeps the cookie as long
 * as the session lives: with Expires alone, a computer set hours ahead dropped it at once and its person could not
 * sign in at all.
 */
export function setSessionCookie(
  c: Context,
  token: string,
  expiresAt: Date,
  settings: WebSettings,
  now: Date,
): void {
  setCookie(c, SESSION_COOKIE, token, {
    path: "/",
    httpOnly: true,
    sameSite: "Strict",
    secure: settings.secureCookie,
    expires: expiresAt,
    maxAge: Math.max(0, Math.round((expiresAt.getTime() - now.getTime()) / 1000)),
  });
}

/** Logout: the row goes, so the cookie opens nothing even if it was copied. */
export async function deleteSession(desk: Desk, token: string): Promise<void> {
  await desk.store.tx(async (_, { db, t }) => {
    await db.delete(t.webSessions).where(eq(t.webSessions.id, hashToken(token)));
  });
}

/**
 * In a directory import's transaction: every web account whose login is no longer a desk person of `dir` (removed,
 * given a role without web access, or a changed e-mail) is closed with its sessions. Left, a session would open the
 * desk again when a later import put the person back, and the password would open it to whoever is given the same
 * role mailbox next (`mcu1.ttth@…`). Returns the closed logins; such a person needs `user password` again.
 */
export async function closeAccountsOffTheDesk({ db, t }: Conn, dir: Directory): Promise<string[]> {
  const sessions = await db.select({ login: t.webSessions.login }).from(t.webSessions);
  const accounts = await db.select({ login: t.webAccounts.login }).from(t.webAccounts);
  const gone = offTheDesk(
    [...sessions, ...accounts].map((s) => s.login),
    dir,
  );
  if (gone.length) {
    await db.delete(t.webSessions).where(inArray(t.webSessions.login, gone));
    await db.delete(t.webAccounts).where(inArray(t.webAccounts.login, gone));
  }
  return offTheDesk(
    accounts.map((a) => a.login),
    dir,
  );
}

/**
 * Whether `password` is the account's. An unknown login costs the same scrypt work, so the answer's timing does
 * not tell whether it exists. The limits on guessing are the web door's (login-guard.ts), by login and address.
 */
export async function checkLogin(desk: Desk, login: string, password: string): Promise<boolean> {
  const [account] = await desk.store.read((_, { db, t }) =>
    db.select().from(t.webAccounts).where(eq(t.webAccounts.login, login)),
  );
  if (!account) {
    await burnVerify(password);
    return false;
  }
  return verifyPassword(password, account.passwordHash);
}

/**
 * An admin lifts a lockout (`/tai-khoan`): the columns of the account-wide lockout that came before login-guard.ts
 * are cleared with it. Returns false when the login has no account.
 */
export async function unlockAccount(desk: Desk, login: string): Promise<boolean> {
  return desk.store.tx(async (_, { db, t }) => {
    const rows = await db
      .update(t.webAccounts)
      .set({ failedAttempts: 0, lockedUntil: null })
      .where(eq(t.webAccounts.login, login))
      .returning({ login: t.webAccounts.login });
    return rows.length > 0;
  });
}

export interface AccountRow {
  login: string;
  lockedUntil: Date | null;
  failedAttempts: number;
  updatedAt: Date;
}

export async function listAccounts(desk: Desk): Promise<AccountRow[]> {
  return desk.store.read((_, { db, t }) =>
    db
      .select({
        login: t.webAccounts.login,
        lockedUntil: t.webAccounts.lockedUntil,
        failedAttempts: t.webAccounts.failedAttempts,
        updatedAt: t.webAccounts.updatedAt,
      })
      .from(t.webAccounts),
  );
}
