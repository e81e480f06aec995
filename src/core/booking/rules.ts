import { DateTime } from "luxon";
import { formatRangeVi, formatVi, zoneOffsetMs } from "../calendar/zone.js";
import type { Agency } from "../directory/types.js";
import type { Regulation } from "../regulation.js";
import {
  type BookingRequest,
  PRIORITY,
  type Priority,
  REQUIRED_FIELDS,
  type Reason,
  type RequiredField,
  type SlotHolder,
} from "./types.js";

/** What the rules may ask of the directory. */
export interface DirectoryView {
  hasEndpoint(code: string): boolean;
  agency(name: string): Agency | undefined;
  /** The endpoint through which an agency hosts, or null when it has none. */
  hostEndpoint(agency: string): string | null;
  /** The nearest endpoint names to a name the directory does not know. */
  suggest?(name: string): string[];
  /** The agency whose official mailbox this is (case-insensitive), if any. */
  agencyByMailbox?(address: string): Agency | undefined;
  /** An endpoint's name, to say a code back the way the clerk wrote it. */
  endpointName?(code: string): string | undefined;
}

export interface DecisionContext {
  now: Date;
  reg: Regulation;
  directory: DirectoryView;
  /** Bookings holding slots around the requested window (widened by the setup gap). */
  holders: readonly SlotHolder[];
  /** The booking being re-decided after a change: it never conflicts with itself. */
  self?: string;
}

/** `note` findings inform the answer without changing the outcome. */
export type Severity = "note" | "info" | "review" | "reject";

export interface Finding {
  severity: Severity;
  reason: Reason;
  missing?: RequiredField[];
  /** Lower-priority bookings this one would push to needs-review. */
  displace?: string[];
}

/** What the rules before the current one already established. */
export interface RuleState {
  priority: Priority;
  endpoints: string[];
  displaced: Set<string>;
}

export interface Rule {
  name: string;
  check(req: BookingRequest, ctx: DecisionContext, state: RuleState): Finding[];
}

const FIELD_VI: Record<RequiredField, string> = {
  host: "tên cơ quan chủ trì",
  participants: "danh sách điểm cầu thành phần",
  start: "thời gian họp",
  title: "nội dung họp",
  contact: "đầu mối liên hệ (họ tên, số điện thoại)",
};

/**
 * What is asked for a missing field. A contact read in part is asked for the part it lacks: «anh Tuấn 0912 345 678»
 * gave the phone, and «đầu mối liên hệ (họ tên, số điện thoại)» asked again for the number it had just echoed.
 */
export function fieldVi(field: RequiredField, req?: Pick<BookingRequest, "contact">): string {
  const c = field === "contact" ? req?.contact : null;
  if (c?.phone && !c.name) return "họ tên đầy đủ của đầu mối liên hệ";
  if (c?.name && !c.phone) return "số điện thoại của đầu mối liên hệ";
  return FIELD_VI[field];
}

function overlaps(aStart: Date, aEnd: Date, bStart: Date, bEnd: Date, gapMs = 0): boolean {
  return aStart.getTime() < bEnd.getTime() + gapMs && bStart.getTime() < aEnd.getTime() + gapMs;
}

function holdersOf(ctx: DecisionContext, state: RuleState): SlotHolder[] {
  return ctx.holders.filter((h) => h.code !== ctx.self && !state.displaced.has(h.code));
}

/** Điều 12.2a: the fields every registration carries. */
export const requiredFields: Rule = {
  name: "required-fields",
  check(req) {
    const missing = REQUIRED_FIELDS.filter((f) => {
      switch (f) {
        case "host":
          return !req.host;
        case "participants":
          return req.participants.length === 0 && req.unresolved.length === 0;
        case "start":
          return !req.start;
        case "title":
          return !req.title?.trim();
        case "contact":
          return !req.contact?.name || !req.contact.phone;
      }
      return false;
    });
    if (missing.length === 0) return [];
    return [
      {
        severity: "info",
        missing,
        reason: {
          code: "missing-fields",
          message: `Đăng ký còn thiếu: ${missing.map((f) => fieldVi(f, req)).join("; ")} (Điều 12.2a).`,
        },
      },
    ];
  },
};

/** The host must be an agency of the directory. */
export const knownHost: Rule = {
  name: "known-host",
  check(req, ctx) {
    if (!req.host || ctx.directory.agency(req.host)) return [];
    return [
      {
        severity: "info",
        reason: {
          code: "unknown-host",
          message: `Không tìm thấy cơ quan chủ trì «${req.host}» trong danh bạ Hệ thống.`,
        },
      },
    ];
  },
};

/**
 * The agency whose official mailbox sent a mail registration that names another agency as its host, or null
 * (another channel, an unknown mailbox or host, the host's own mailbox, or the mailbox of the office that notifies
 * for the host).
 */
export function foreignHostSender(
  req: Pick<BookingRequest, "channel" | "host" | "sender">,
  directory: DirectoryView,
): Agency | null {
  if (req.channel !== "mail" || !req.host || !directory.agencyByMailbox) return null;
  const sender = directory.agencyByMailbox(req.sender);
  const host = directory.agency(req.host);
  // Điều 11.1: a chair's office notifies the chair's sessions from its own mailbox.
  if (!sender || !host || sender.name === host.name || sender.notifiesFor === host.name) return null;
  return sender;
}

/**
 * Điều 12.2a: an agency registers from its own official mailbox. A mail naming another agency as its host (a
 * forwarded letter, a clerk booking for someone else, a mailbox claiming a chair's priority of Điều 11.1) goes to a
 * technician, who confirms it with the host; meanwhile it has a registration's priority (normal, or emergency),
 * never the chair's of a host it names (priorityOf), so it displaces nobody on that claim.
 */
export const hostIsSender: Rule = {
  name: "host-is-sender",
  check(req, ctx) {
    const sender = foreignHostSender(req, ctx.directory);
    if (!sender) return [];
    return [
      {
        severity: "review",
        reason: {
          code: "host-not-sender",
          message: `Cơ quan chủ trì «${req.host}» khác cơ quan gửi thư đăng ký (${sender.name}); cán bộ kỹ thuật sẽ xác nhận với cơ quan chủ trì trước khi bố trí.`,
        },
      },
    ];
  },
};

/** «Phường Ngọc Hà (CX-00008)», or the code alone when the directory has no name for it. */
function named(code: string, directory: DirectoryView): string {
  const name = directory.endpointName?.(code);
  return name ? `${name} (${code})` : code;
}

function nearest(name: string, directory: DirectoryView): string {
  const names = directory.suggest?.(name) ?? [];
  return names.length ? ` (có phải: ${names.join("; ")}?)` : "";
}

/**
 * Unknown names said one by one, each with its nearest names; past these, only their number. A list of a thousand
 * made-up names would otherwise come back six times its size.
 */
export const LISTED_UNKNOWN = 20;

/** Every participant must be an endpoint of the system (Điều 9). */
export const knownEndpoints: Rule = {
  name: "known-endpoints",
  check(req, ctx) {
    const unknown = [...req.participants.filter((c) => !ctx.directory.hasEndpoint(c)), ...req.unresolved];
    if (unknown.length === 0) return [];
    return [
      {
        severity: "info",
        reason: {
          code: "unknown-endpoint",
          endpoints: unknown,
          message: `Không xác định được điểm cầu: ${unknown
            .slice(0, LISTED_UNKNOWN)
            .map((u) => `«${u}»${nearest(u, ctx.directory)}`)
            .join(
              ", ",
            )}${unknown.length > LISTED_UNKNOWN ? ` và ${unknown.length - LISTED_UNKNOWN} tên khác` : ""}. Đề nghị ghi đúng tên điểm cầu theo danh bạ.`,
        },
      },
    ];
  },
};

/**
 * A session must end after it starts, and within one day. An end at or before the start is a question for the
 * clerk (which of the two times is wrong?), never a confirmation of a guess: the answer names both times.
 */
export const validTime: Rule = {
  name: "valid-time",
  check(req, ctx) {
    if (!req.start || !req.end) return [];
    const ms = req.end.getTime() - req.start.getTime();
    if (ms > 0 && ms <= 24 * 3600_000) return [];
    if (ms <= 0) {
      const zone = ctx.reg.zone;
      const hhmm = (d: Date) => DateTime.fromJSDate(d, { zone }).toFormat("HH:mm");
      return [
        {
          severity: "info",
          reason: {
            code: "invalid-time",
            message: `Giờ kết thúc ${hhmm(req.end)} không sau giờ bắt đầu ${formatVi(req.start, zone)}; đề nghị cho biết lại thời gian bắt đầu và kết thúc phiên họp.`,
          },
        },
      ];
    }
    return [
      {
        severity: "reject",
        reason: {
          code: "invalid-time",
          message: "Một phiên họp không thể kéo dài quá 24 giờ; đề nghị đăng ký từng phiên riêng.",
        },
      },
    ];
  },
};

/**
 * `instant` plus `months` in `zone`'s calendar, as luxon's `plus({ months })` computes it (the day clamped to the
 * target month's length, the wall time kept), without luxon when the zone's offset is the same at both ends (always
 * in Asia/Ho_Chi_Minh); luxon otherwise. Every decision asks it once: luxon's version was half the rules' time.
 */
export function plusMonthsMs(instant: Date, months: number, zone: string): number {
  const off = zoneOffsetMs(instant, zone);
  const w = new Date(instant.getTime() + off);
  const y = w.getUTCFullYear();
  const m = w.getUTCMonth() + Math.trunc(months);
  const days = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const target = Date.UTC(
    y,
    m,
    Math.min(w.getUTCDate(), days),
    w.getUTCHours(),
    w.getUTCMinutes(),
    w.getUTCSeconds(),
    w.getUTCMilliseconds(),
  );
  const guess = target - off;
  if (y >= 100 && zoneOffsetMs(new Date(guess), zone) === off) return guess;
  return DateTime.fromJSDate(instant, { zone }).plus({ months }).toMillis();
}

/**
 * A date further ahead than the horizon is more likely a mistyped year or month than a plan: a technician looks
 * at it before anything is held for it.
 */
export const withinHorizon: Rule = {
  name: "within-horizon",
  check(req, ctx) {
    if (!req.start) return [];
    const months = ctx.reg.horizonMonths;
    if (req.start.getTime() <= plusMonthsMs(ctx.now, months, ctx.reg.zone)) return [];
    return [
      {
        severity: "review",
        reason: {
          code: "too-far-ahead",
          message: `Thời gian họp ${formatVi(req.start, ctx.reg.zone)} xa hơn ${months} tháng kể từ hôm nay; cán bộ kỹ thuật sẽ kiểm tra lại ngày, tháng, năm trước khi bố trí.`,
        },
      },
    ];
  },
};

export const notInPast: Rule = {
  name: "not-in-the-past",
  check(req, ctx) {
    if (!req.start || req.start.getTime() > ctx.now.getTime()) return [];
    return [
      {
        severity: "reject",
        reason: {
          code: "in-the-past",
          message: `Phiên họp ${req.end ? formatRangeVi(req.start, req.end, ctx.reg.zone) : `lúc ${formatVi(req.start, ctx.reg.zone)}`} ${req.end && req.end.getTime() <= ctx.now.getTime() ? "đã qua" : "đã quá giờ bắt đầu"}; đăng ký phải gửi trước phiên họp (Điều 12.2a), đề nghị kiểm tra lại ngày họp.`,
        },
      },
    ];
  },
};

/**
 * Điều 12.2a: 24 h before a normal session, 6 h before an emergency one. A late registration is never refused
 * silently: a technician decides. Chairs (Điều 11.1) notify, and the desk prepares whatever the notice.
 */
export const leadTime: Rule = {
  name: "lead-time",
  check(req, ctx, state) {
    if (!req.start || req.start.getTime() <= ctx.now.getTime()) return [];
    if (state.priority === PRIORITY.chair) return [];
    const lead = req.emergency ? ctx.reg.leadTimeMinutes.emergency : ctx.reg.leadTimeMinutes.normal;
    const given = (req.start.getTime() - req.receivedAt.getTime()) / 60_000;
    if (given >= lead) return [];
    const kind = req.emergency ? "họp đột xuất, khẩn cấp" : "họp thông thường";
    return [
      {
        severity: "review",
        reason: {
          code: "late",
          message: `Đăng ký gửi muộn: ${kind} cần đăng ký trước ít nhất ${lead / 60} giờ (Điều 12.2a). Cán bộ kỹ thuật sẽ xem xét khả năng bố trí.`,
        },
      },
    ];
  },
};

/**
 * Điều 5.2: a mark of secrecy that may be something else («hop mat», «giữ bí mật», «Độ mật:» left blank) sends the
 * booking to a technician; meanwhile it is treated as secret. The message names no word of the request.
 */
export const secrecyUnsure: Rule = {
  name: "secrecy-unsure",
  check(req) {
    if (!req.secretUnsure) return [];
    return [
      {
        severity: "review",
        reason: {
          code: "secret-unsure",
          message:
            "Đăng ký có dấu hiệu nội dung mật nhưng chưa rõ (Điều 5.2): phiên họp được xử lý như phiên mật cho đến khi cán bộ kỹ thuật xác định.",
        },
      },
    ];
  },
};

/** Split conflicting holders into those this booking outranks and those it does not. */
function settle(
  conflicting: SlotHolder[],
  state: RuleState,
): { displace: SlotHolder[]; blocking: SlotHolder[] } {
  const displace = conflicting.filter((h) => state.priority > h.priority);
  const blocking = conflicting.filter((h) => state.priority <= h.priority);
  return { displace, blocking };
}

/** An endpoint takes part in one session at a time, with a setup gap between sessions. */
export const endpointConflicts: Rule = {
  name: "endpoint-conflicts",
  check(req, ctx, state) {
    if (!req.start || !req.end) return [];
    const gap = ctx.reg.setupGapMinutes * 60_000;
    const mine = new Set(state.endpoints);
    const conflicting = holdersOf(ctx, state).filter(
      (h) => overlaps(req.start!, req.end!, h.start, h.end, gap) && h.endpoints.some((e) => mine.has(e)),
    );
    if (conflicting.length === 0) return [];
    const { displace, blocking } = settle(conflicting, state);
    if (blocking.length > 0) {
      const busy = [...new Set(blocking.flatMap((h) => h.endpoints.filter((e) => mine.has(e))))];
      return [
        {
          severity: "reject",
          reason: {
            code: "endpoint-busy",
            endpoints: busy,
            bookings: blocking.map((h) => h.code),
            // «Phường Ngọc Hà (CX-00008)»: the clerk wrote a name, not a code. Arranging sessions is Điều 11.2.
            message: `Điểm cầu ${busy.map((c) => named(c, ctx.directory)).join(", ")} đã có lịch họp khác trùng thời gian (kể cả ${ctx.reg.setupGapMinutes} phút chuẩn bị giữa hai phiên) nên không bố trí được (Điều 11.2).`,
          },
        },
      ];
    }
    return [{ severity: "note", displace: displace.map((h) => h.code), reason: displacedReason(displace) }];
  },
};

/** The online meeting room at UBND TP headquarters hosts one session at a time. */
export const cityHallRoom: Rule = {
  name: "city-hall-room",
  check(req, ctx, state) {
    if (!req.cityHallRoom || !req.start || !req.end) return [];
    const gap = ctx.reg.setupGapMinutes * 60_000;
    const conflicting = holdersOf(ctx, state).filter(
      (h) => h.cityHallRoom && overlaps(req.start!, req.end!, h.start, h.end, gap),
    );
    if (conflicting.length === 0) return [];
    const { displace, blocking } = settle(conflicting, state);
    if (blocking.length > 0) {
      return [
        {
          severity: "reject",
          reason: {
            code: "room-busy",
            bookings: blocking.map((h) => h.code),
            message:
              "Phòng họp trực tuyến tại trụ sở UBND Thành phố đã được đăng ký trong thời gian này nên không bố trí được (Điều 11.2).",
          },
        },
      ];
    }
    return [{ severity: "note", displace: displace.map((h) => h.code), reason: displacedReason(displace) }];
  },
};

/**
 * Peak conferences and ports used by `holders` at any instant within [start, end).
 *
 * On numbers: each holder's clipped start and end become one number each (its time within the window, whether it
 * ends or starts, its position), sorted in place in a scratch typed array. The first version made an event object
 * per edge and a result object per event, and sorted with a comparator: the capacity rule's peak was 7 % of the
 * slowest 2 % of rejections' time (a busy half-day has 40–55 holders). `peakLoadReference` is that version, kept
 * for the tests and for windows too long to encode.
 */
export function peakLoad(
  holders: readonly Pick<SlotHolder, "start" | "end" | "ports">[],
  start: Date,
  end: Date,
): { conferences: number; ports: number } {
  return peakOf(holders, start.getTime(), end.getTime(), null);
}

/** `peakLoad` without the holders whose codes are in `skip` (when given). */
function peakOf(
  holders: readonly (Pick<SlotHolder, "start" | "end" | "ports"> & { code?: string })[],
  s0: number,
  e0: number,
  /** Codes of holders to leave out; only holders with a code can be left out. */
  skip: ReadonlySet<string> | null,
): { conferences: number; ports: number } {
  const n = holders.length;
  // Positions go in the low bits under POS; (window length × 2 + 1) × POS must stay exact in a double.
  const POS = 2 ** Math.ceil(Math.log2(n + 1));
  if ((e0 - s0) * 2 * POS + POS >= Number.MAX_SAFE_INTEGER || !(e0 >= s0)) {
    const kept = skip ? holders.filter((h) => h.code === undefined || !skip.has(h.code)) : holders;
    return peakLoadReference(kept, new Date(s0), new Date(e0));
  }
  if (peakScratch.ports.length < n) {
    const size = 2 ** Math.ceil(Math.log2(n));
    peakScratch = { events: new Float64Array(2 * size), ports: new Float64Array(size) };
  }
  const { events, ports } = peakScratch;
  let count = 0;
  for (let j = 0; j < n; j++) {
    const h = holders[j]!;
    const hs = h.start.getTime();
    const he = h.end.getTime();
    if (!(s0 < he && hs < e0)) continue;
    if (skip && h.code !== undefined && skip.has(h.code)) continue;
    ports[j] = h.ports;
    // Ends before starts at the same instant: back-to-back sessions do not overlap.
    events[count++] = ((Math.max(hs, s0) - s0) * 2 + 1) * POS + j;
    events[count++] = (Math.min(he, e0) - s0) * 2 * POS + j;
  }
  sortEvents(events, count);
  let c = 0;
  let p = 0;
  let peakC = 0;
  let peakP = 0;
  for (let k = 0; k < count; k++) {
    const key = events[k]!;
    const j = key % POS;
    if (Math.floor(key / POS) % 2 === 1) {
      c += 1;
      p += ports[j]!;
      if (c > peakC) peakC = c;
      if (p > peakP) peakP = p;
    } else {
      c -= 1;
      p -= ports[j]!;
    }
  }
  return { conferences: peakC, ports: peakP };
}

/**
 * Sorts the first `count` numbers of `events` ascending, in place: by insertion when few (a slot overlaps a
 * handful of sessions, and a subarray to sort is garbage per call), else the typed array's numeric sort.
 */
export function sortEvents(events: Float64Array, count: number): void {
  if (count > 64) {
    events.subarray(0, count).sort();
    return;
  }
  for (let k = 1; k < count; k++) {
    const key = events[k]!;
    let m = k - 1;
    while (m >= 0 && events[m]! > key) {
      events[m + 1] = events[m]!;
      m--;
    }
    events[m + 1] = key;
  }
}

/** peakOf's events and the holders' ports by position, grown to the largest call (it is synchronous). */
let peakScratch = { events: new Float64Array(256), ports: new Float64Array(128) };

/** The plain version of `peakLoad`: an event object per edge, sorted with a comparator. */
export function peakLoadReference(
  holders: readonly Pick<SlotHolder, "start" | "end" | "ports">[],
  start: Date,
  end: Date,
): { conferences: number; ports: number } {
  const inside = holders.filter((h) => overlaps(start, end, h.start, h.end));
  const edges = inside.flatMap((h) => [
    { t: Math.max(h.start.getTime(), start.getTime()), c: 1, p: h.ports },
    { t: Math.min(h.end.getTime(), end.getTime()), c: -1, p: -h.ports },
  ]);
  // Ends before starts at the same instant: back-to-back sessions do not overlap.
  edges.sort((a, b) => a.t - b.t || a.c - b.c);
  let c = 0;
  let p = 0;
  let peak = { conferences: 0, ports: 0 };
  for (const e of edges) {
    c += e.c;
    p += e.p;
    peak = { conferences: Math.max(peak.conferences, c), ports: Math.max(peak.ports, p) };
  }
  return peak;
}

/** The MCU has a fixed number of ports and concurrent conferences (configured). */
export const mcuCapacity: Rule = {
  name: "mcu-capacity",
  check(req, ctx, state) {
    if (!req.start || !req.end) return [];
    const { ports, conferences } = ctx.reg.mcu;
    const need = state.endpoints.length;
    const s0 = req.start.getTime();
    const e0 = req.end.getTime();
    const remaining = holdersOf(ctx, state);
    const fits = (skip: ReadonlySet<string> | null) => {
      const load = peakOf(remaining, s0, e0, skip);
      return load.conferences + 1 <= conferences && load.ports + need <= ports;
    };
    if (fits(null)) return [];
    // Displace outranked sessions, lowest priority and latest registered first, until this one fits: the fewest
    // of that order. Taking a session away never raises the peak, so whether the first k gone make room grows
    // with k, and the least such k is found by halving (one peak per candidate, each over all the holders, was
    // quadratic in a busy window: a chair's request over a full afternoon).
    const candidates = remaining
      .filter((h) => h.priority < state.priority && overlaps(req.start!, req.end!, h.start, h.end))
      .sort((a, b) => a.priority - b.priority || b.createdAt.getTime() - a.createdAt.getTime());
    const firstK = (k: number) => new Set(candidates.slice(0, k).map((h) => h.code));
    if (candidates.length > 0 && fits(firstK(candidates.length))) {
      let lo = 0; // the first `lo` gone do not make room
      let hi = candidates.length; // the first `hi` gone do
      while (hi - lo > 1) {
        const mid = (lo + hi) >>> 1;
        if (fits(firstK(mid))) hi = mid;
        else lo = mid;
      }
      const displaced = candidates.slice(0, hi);
      return [
        { severity: "note", displace: displaced.map((x) => x.code), reason: displacedReason(displaced) },
      ];
    }
    return [
      {
        severity: "reject",
        reason: {
          code: "mcu-capacity",
          message: `Hệ thống MCU đã sử dụng hết năng lực trong thời gian này (tối đa ${conferences} phiên đồng thời, ${ports} cổng kết nối; phiên này cần ${need} cổng) nên không bố trí được (Điều 11.2).`,
        },
      },
    ];
  },
};

function displacedReason(displaced: SlotHolder[]): Reason {
  return {
    code: "endpoint-busy",
    bookings: displaced.map((h) => h.code),
    message: `Phiên họp được ưu tiên (Điều 11) nên các lịch ${displaced.map((h) => h.code).join(", ")} được chuyển sang chờ xem xét lại.`,
  };
}

/** In order: a rule further down may rely on what an earlier one established. */
export const RULES: readonly Rule[] = [
  requiredFields,
  knownHost,
  hostIsSender,
  knownEndpoints,
  validTime,
  notInPast,
  withinHorizon,
  leadTime,
  secrecyUnsure,
  endpointConflicts,
  cityHallRoom,
  mcuCapacity,
];

/** The rules that decide whether a slot is free, used to search alternatives. */
export const SLOT_RULES: readonly Rule[] = [endpointConflicts, cityHallRoom, mcuCapacity];
