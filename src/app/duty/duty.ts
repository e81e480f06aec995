import { dateVi, dayVi, isoWeekday, localDateOf, localTimeOf } from "../../core/calendar/zone.js";
import {
  covers,
  DIRECTORY_ROLE,
  DUTY_ROLES,
  type DutyRole,
  hhmm,
  onDuty,
  parseMinute,
  type Shift,
} from "../../core/duty/roster.js";
import { fold, nfc } from "../../core/text/fold.js";
import type { Repos } from "../../store/store.js";
import type { Actor } from "../context.js";
import { SAVE_AS_UTF8 } from "../directory/csv.js";

/** How chat and the CLI name a duty role. */
export const DUTY_ROLE_VI: Record<DutyRole, string> = {
  mcu: "Kỹ thuật MCU",
  wan: "Trực ban mạng WAN",
};

export const DUTY_USAGE =
  "/truc mcu @Tên cán bộ hoặc /truc wan @Tên cán bộ (quản trị viên đổi người trực hôm nay)";

/** A duty role as typed: `mcu`, `wan` (any case, with or without diacritics). */
export function parseDutyRole(text: string): DutyRole | null {
  const key = fold(text).replace(/ /g, "");
  return (DUTY_ROLES as readonly string[]).includes(key) ? (key as DutyRole) : null;
}

/** Today's roster as chat and the CLI show it: each role's shifts today, today's change, and who is on duty now. */
export async function dutyText(r: Repos, now: Date, zone: string): Promise<string> {
  const date = localDateOf(now, zone);
  const weekday = isoWeekday(date);
  const shifts = await r.duty.shifts();
  const overrides = await r.duty.overrides(date);
  const lines = [`Lịch trực hôm nay (${dayVi(date)}):`];
  for (const role of DUTY_ROLES) {
    const changed = overrides.filter((o) => o.role === role).at(-1);
    const today = shifts.filter(
      (s) =>
        s.role === role &&
        // Today's own shifts, and the morning part of last night's shift past midnight.
        (s.weekday === weekday || (s.fromMinute > s.toMinute && covers(s, weekday, 0))),
    );
    const plan = changed
      ? // The audit keeps the chat account; the roster names only the person.
        `cả ngày ${changed.person} (đổi bởi ${changed.actor.replace(/ \(.*\)$/, "")} lúc ${hhmm(minuteOfDay(changed.at, zone))})`
      : today.length
        ? today.map((s) => `${s.person} ${shiftHours(s, weekday)}`).join("; ")
        : "chưa xếp lịch";
    const current = onDuty(shifts, overrides, role, now, zone);
    lines.push(`• ${DUTY_ROLE_VI[role]}: ${plan}. Đang trực: ${current ?? "không có ai"}.`);
  }
  lines.push(`Đổi người trực hôm nay: ${DUTY_USAGE}.`);
  return lines.join("\n");
}

function minuteOfDay(at: Date, zone: string): number {
  return parseMinute(localTimeOf(at, zone)) ?? 0;
}

function shiftHours(s: Shift, weekday: number): string {
  if (s.fromMinute < s.toMinute) return `${hhmm(s.fromMinute)}–${hhmm(s.toMinute)}`;
  // A shift past midnight: today's part of it.
  return s.weekday === weekday ? `${hhmm(s.fromMinute)}–24:00` : `00:00–${hhmm(s.toMinute)}`;
}

export type DutyChangeOutcome = { ok: true; notice: string } | { ok: false; message: string };

/**
 * An admin puts a person on duty for a role for today (the local date of `now`): audited (who, when, through which
 * channel) in the overrides' rows. The person must be in the directory with the role's desk role.
 */
export async function setTodayDutyIn(
  r: Repos,
  actor: Actor,
  roleText: string,
  personText: string,
  now: Date,
  zone: string,
): Promise<DutyChangeOutcome> {
  if (actor.channel !== "cli" && actor.person?.role !== "admin")
    return { ok: false, message: "Chỉ quản trị viên mới đổi được người trực." };
  const role = parseDutyRole(roleText);
  const name = personText.trim().replace(/^@/, "").trim();
  if (!role || !name) return { ok: false, message: `Cách dùng: ${DUTY_USAGE}.` };
  const key = fold(name).replace(/ /g, "");
  const candidates = (await r.incidents.deskPeople([DIRECTORY_ROLE[role]])).filter(
    (p) => fold(p.name).replace(/ /g, "") === key,
  );
  const names = [...new Set(candidates.map((p) => p.name))];
  if (names.length !== 1) {
    const all = (await r.incidents.deskPeople([DIRECTORY_ROLE[role]])).map((p) => p.name);
    return {
      ok: false,
      message: `«${name}» không phải ${DUTY_ROLE_VI[role]} trong danh bạ${all.length ? ` (có: ${[...new Set(all)].join(", ")})` : ""}.`,
    };
  }
  const person = names[0]!;
  const date = localDateOf(now, zone);
  await r.duty.setOverride({
    date,
    role,
    person,
    actor: actor.person?.name ? `${actor.person.name} (${actor.id})` : actor.id,
    channel: actor.channel,
    at: now,
  });
  return {
    ok: true,
    notice: `Đã đổi người trực ${DUTY_ROLE_VI[role]} hôm nay (${dateVi(date)}) thành ${person}.`,
  };
}

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * A roster file's bytes read as `parseRosterCsv` reads its text, or one error when the bytes are not UTF-8 text:
 * Excel's plain CSV on Vietnamese Windows is Windows-1258 and its «Unicode Text» UTF-16; read as UTF-8 anyway,
 * every name came out as «B�i Ng�c Giang» and was refused as unknown, the file's encoding never named.
 */
export function parseRosterFile(bytes: Buffer): { shifts: Shift[]; errors: string[] } {
  const fail = (why: string) => ({ shifts: [], errors: [why] });
  if (bytes.length >= 4 && bytes.readUInt32LE(0) === 0x04034b50)
    return fail(
      "Tệp là sổ Excel (.xlsx), không phải CSV: hãy lưu lại trang lịch trực dưới dạng «CSV UTF-8 (Comma delimited)».",
    );
  if (
    bytes.length >= 2 &&
    ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
  )
    return fail(`Tệp được lưu dạng UTF-16, không phải UTF-8: ${SAVE_AS_UTF8}`);
  let text: string;
  try {
    text = STRICT_UTF8.decode(bytes);
  } catch {
    return fail(
      `Tệp không phải UTF-8 (có lẽ là bảng mã Windows-1258 của Excel), tên có dấu sẽ bị hỏng: ${SAVE_AS_UTF8}`,
    );
  }
  if (text.includes("\0")) return fail("Tệp có ký tự NUL: đây không phải tệp CSV văn bản.");
  return parseRosterCsv(text);
}

/** A roster row of the duty CSV: `role,weekday,from,to,person` (weekday 1 = Thứ Hai … 7 = Chủ nhật). */
export function parseRosterCsv(text: string): { shifts: Shift[]; errors: string[] } {
  const shifts: Shift[] = [];
  const errors: string[] = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (!line || (i === 0 && /^role\s*,/i.test(line))) continue;
    const [roleText, weekdayText, fromText, toText, ...rest] = line.split(",").map((x) => x.trim());
    const role = parseDutyRole(roleText ?? "");
    const weekday = Number(weekdayText);
    const from = parseMinute(fromText ?? "");
    const to = parseMinute(toText ?? "");
    const person = nfc(rest.join(",").trim().replace(/^"|"$/g, ""));
    const row = i + 1;
    if (!role) errors.push(`Dòng ${row}: vai trò «${roleText ?? ""}» phải là mcu hoặc wan.`);
    else if (!Number.isInteger(weekday) || weekday < 1 || weekday > 7)
      errors.push(`Dòng ${row}: thứ «${weekdayText ?? ""}» phải từ 1 (Thứ Hai) đến 7 (Chủ nhật).`);
    else if (from === null || to === null || from === to)
      errors.push(
        `Dòng ${row}: giờ «${fromText ?? ""}–${toText ?? ""}» không hợp lệ (HH:mm, giờ đầu khác giờ cuối).`,
      );
    else if (!person) errors.push(`Dòng ${row}: thiếu tên cán bộ trực.`);
    else shifts.push({ role, weekday, fromMinute: from, toMinute: to === 0 ? 1440 : to, person });
  }
  return { shifts, errors };
}

/** Every name of the roster that is not a person of the directory with the role's desk role. */
export async function unknownRosterNames(r: Repos, shifts: readonly Shift[]): Promise<string[]> {
  const out: string[] = [];
  for (const role of DUTY_ROLES) {
    const known = new Set((await r.incidents.deskPeople([DIRECTORY_ROLE[role]])).map((p) => p.name));
    for (const s of shifts)
      if (s.role === role && !known.has(s.person)) out.push(`${s.person} (${DUTY_ROLE_VI[role]})`);
  }
  return [...new Set(out)];
}
