import type { Directory } from "../../core/directory/types.js";

/**
 * The official mailboxes an import adds to or takes from an agency (agencies by name; a new agency's mailboxes
 * are all added, a dropped one's all removed). Mail from an official mailbox books, changes and cancels the
 * agency's sessions, and the answers go there (Điều 12.2a): such a change is shown before the import and told to
 * the desk after it.
 */
export interface MailboxChange {
  agency: string;
  added: string[];
  removed: string[];
}

export function mailboxChanges(current: Directory, next: Directory): MailboxChange[] {
  const before = new Map(current.agencies.map((a) => [a.name, a.mailboxes.map((m) => m.toLowerCase())]));
  const after = new Map(next.agencies.map((a) => [a.name, a.mailboxes.map((m) => m.toLowerCase())]));
  const out: MailboxChange[] = [];
  for (const name of new Set([...before.keys(), ...after.keys()])) {
    const was = before.get(name) ?? [];
    const now = after.get(name) ?? [];
    const added = now.filter((m) => !was.includes(m));
    const removed = was.filter((m) => !now.includes(m));
    if (added.length || removed.length) out.push({ agency: name, added, removed });
  }
  return out;
}

/**
 * Whether a mailbox is in one of the official domains (DESK_OFFICIAL_DOMAINS) or a subdomain of one: «sotc.hanoi.gov.vn»
 * is the city's, «hanoi.gov.vn.attacker.example» and «gmail.com» are not. No domains configured: every mailbox is.
 */
export function inOfficialDomains(mailbox: string, domains: readonly string[]): boolean {
  if (domains.length === 0) return true;
  const at = mailbox.lastIndexOf("@");
  const domain = (at >= 0 ? mailbox.slice(at + 1) : mailbox).trim().toLowerCase().replace(/\.$/, "");
  return domains.some((d) => domain === d || domain.endsWith(`.${d}`));
}

/** An official mailbox outside DESK_OFFICIAL_DOMAINS; `added` when the import gives it to the agency. */
export interface OutsideMailbox {
  agency: string;
  mailbox: string;
  added: boolean;
}

/**
 * Every official mailbox of `next` outside the official domains. Accepted (a security or military body may use its
 * own domain), but shown in the preview, the CLI's answer and the desk's notice: a private mailbox slipped into the
 * CSV would book, change and cancel the agency's sessions and receive its answers.
 */
export function outsideMailboxes(
  current: Directory,
  next: Directory,
  domains: readonly string[],
): OutsideMailbox[] {
  const before = new Map(current.agencies.map((a) => [a.name, a.mailboxes.map((m) => m.toLowerCase())]));
  return next.agencies.flatMap((a) =>
    a.mailboxes
      .filter((m) => !inOfficialDomains(m, domains))
      .map((m) => ({
        agency: a.name,
        mailbox: m.toLowerCase(),
        added: !(before.get(a.name) ?? []).includes(m.toLowerCase()),
      })),
  );
}

/** How a person reads the official domains: «hanoi.gov.vn» or «hanoi.gov.vn, cand.gov.vn». */
export const domainsVi = (domains: readonly string[]) => domains.join(", ");

/** At most this many agencies are named in the desk's notice; the rest are counted. */
const NAMED = 10;

/** The desk's notice of an import that changed official mailboxes; `by` says who imported (login or «CLI»). */
export function mailboxChangeNotice(
  changes: MailboxChange[],
  by: string,
  domains: readonly string[] = [],
): string {
  const mark = (m: string) =>
    inOfficialDomains(m, domains) ? m : `${m} (NGOÀI miền thư công vụ ${domainsVi(domains)})`;
  const outside = changes.some((c) => c.added.some((m) => !inOfficialDomains(m, domains)));
  const line = (c: MailboxChange) =>
    `- ${c.agency}: ${[
      c.added.length ? `thêm ${c.added.map(mark).join(", ")}` : "",
      c.removed.length ? `bỏ ${c.removed.join(", ")}` : "",
    ]
      .filter(Boolean)
      .join("; ")}`;
  return [
    `Danh bạ vừa được nhập lại (${by}) và đổi hòm thư công vụ của ${changes.length} cơ quan:`,
    ...changes.slice(0, NAMED).map(line),
    ...(changes.length > NAMED ? [`và ${changes.length - NAMED} cơ quan khác (xem trang Danh bạ).`] : []),
    "Thư từ hòm thư được thêm được xử lý như thư của cơ quan đó, trả lời gửi về đó. Nếu thay đổi không đúng, đề nghị nhập lại danh bạ đúng và báo quản trị viên ngay.",
    ...(outside
      ? [
          `Lưu ý: có hòm thư được thêm nằm ngoài miền thư công vụ (${domainsVi(domains)}); đề nghị xác minh với cơ quan đó bằng điện thoại trước khi tin thư từ hòm thư này.`,
        ]
      : []),
  ].join("\n");
}
