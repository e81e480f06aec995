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

/** At most this many agencies are named in the desk's notice; the rest are counted. */
const NAMED = 10;

/** The desk's notice of an import that changed official mailboxes; `by` says who imported (login or «CLI»). */
export function mailboxChangeNotice(changes: MailboxChange[], by: string): string {
  const line = (c: MailboxChange) =>
    `- ${c.agency}: ${[
      c.added.length ? `thêm ${c.added.join(", ")}` : "",
      c.removed.length ? `bỏ ${c.removed.join(", ")}` : "",
    ]
      .filter(Boolean)
      .join("; ")}`;
  return [
    `Danh bạ vừa được nhập lại (${by}) và đổi hòm thư công vụ của ${changes.length} cơ quan:`,
    ...changes.slice(0, NAMED).map(line),
    ...(changes.length > NAMED ? [`và ${changes.length - NAMED} cơ quan khác (xem trang Danh bạ).`] : []),
    "Thư từ hòm thư được thêm được xử lý như thư của cơ quan đó, trả lời gửi về đó. Nếu thay đổi không đúng, đề nghị nhập lại danh bạ đúng và báo quản trị viên ngay.",
  ].join("\n");
}
