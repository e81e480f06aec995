import { DateTime, Info } from "luxon";
import { REASON_VI as REASON_LABELS } from "../booking/types.js";
import { B, type BookingRow, CHANNELS, DECISION_STATUSES, FLAG, type ReportRows } from "./rows.js";

/**
 * The six-monthly / yearly usage report (Điều 15.2c, 19.6) computed from raw rows: no I/O, no clock.
 * Every figure's definition is written next to it and, in Vietnamese, in DEFINITIONS_VI (the workbook's cover).
 */

export type Level = "city" | "district" | "commune";
export const LEVELS: readonly Level[] = ["city", "district", "commune"];
export const LEVEL_VI: Record<Level, string> = {
  city: "Thành phố",
  district: "Quận/huyện",
  commune: "Xã/phường",
};

export type ChannelGroup = "mail" | "chat" | "web" | "cli" | "other";
export const CHANNEL_VI: Record<ChannelGroup, string> = {
  mail: "Thư điện tử",
  chat: "Tin nhắn (Telegram/Zalo)",
  web: "Trang web",
  cli: "Dòng lệnh",
  other: "Khác",
};

export type Decision = "confirmed" | "needs-info" | "needs-review" | "rejected";
export const DECISIONS: readonly Decision[] = DECISION_STATUSES;
export const DECISION_VI: Record<Decision, string> = {
  confirmed: "Xác nhận",
  "needs-info": "Đề nghị bổ sung",
  "needs-review": "Chờ xem xét",
  rejected: "Từ chối",
};

/** Reason codes as the workbook names them: the booking's own labels. */
export const REASON_VI: Record<string, string> = REASON_LABELS;

export const CATEGORY_LABEL_VI: Record<string, string> = {
  audio: "Âm thanh",
  video: "Hình ảnh",
  network: "Đường truyền",
  power: "Nguồn điện",
  equipment: "Thiết bị",
  other: "Khác",
};

export interface ReportPeriod {
  /** First and last local calendar day, inclusive (YYYY-MM-DD, Asia/Ho_Chi_Minh). */
  from: string;
  to: string;
  /** "2026H1", "2026" or "2026-01-01..2026-03-31". */
  label: string;
}

export interface ReportFilter {
  agency?: string;
  level?: Level;
}

export interface ReportSettings {
  zone: string;
  answerWithinMinutes: number;
  technicalCheckBeforeMinutes: number;
  mcu: { ports: number; conferences: number };
  /**
   * Điều 14.2's deadline for a session that ends on the local day `endDay` (YYYY-MM-DD): the end of office hours
   * n working days later. It depends on the day only, so the report asks once per day.
   */
  handoverDeadline(endDay: string): Date;
}

export interface SlaMiss {
  sla: "answer" | "check" | "handover";
  booking: string;
  /** Null for secret sessions: they are counted, never described. */
  host: string | null;
  due: string;
  done: string | null;
  lateMinutes: number | null;
}

export interface Sla {
  met: number;
  total: number;
  /** Not yet due at generation time: not counted in total. */
  pending: number;
  misses: SlaMiss[];
}

export interface Count {
  key: string;
  count: number;
}

export interface Percentiles {
  n: number;
  p50: number | null;
  p90: number | null;
}

export interface Report {
  period: ReportPeriod;
  filter: ReportFilter;
  generatedAt: string;
  /**
   * Secret sessions were left out entirely (a report for someone other than an admin): no count, row, duration,
   * MCU peak, incident or «never used» endpoint shows that one took place. Absent: they are counted (not described).
   */
  secretOmitted?: boolean;
  sessions: {
    held: number;
    cancelled: number;
    displaced: number;
    emergencies: number;
    chairNotified: number;
    secret: number;
    hoursOnline: number;
    connections: number;
    meanEndpoints: number | null;
    byAgency: {
      agency: string;
      level: Level;
      held: number;
      cancelled: number;
      hours: number;
      connections: number;
    }[];
    byLevel: { level: Level; held: number; cancelled: number; hours: number; connections: number }[];
    byMonth: { month: string; city: number; district: number; commune: number }[];
  };
  registrations: {
    total: number;
    byChannel: { channel: ChannelGroup; total: number; byDecision: Record<Decision, number> }[];
    byDecision: Record<Decision, number>;
    reasons: Count[];
  };
  sla: {
    answer: Sla;
    check: Sla;
    handover: Sla;
    trend: { month: string; answer: number | null; check: number | null; handover: number | null }[];
  };
  incidents: {
    total: number;
    byStaff: number;
    byMonitor: number;
    byCategory: Count[];
    byRoute: Count[];
    byEndpoint: Count[];
    byAgency: Count[];
    ackMinutes: Percentiles;
    resolveMinutes: Percentiles;
  };
  mcu: {
    capacity: { ports: number; conferences: number };
    peakConferences: number;
    peakPorts: number;
    peakAt: string | null;
    byMonth: { month: string; peakConferences: number; peakPorts: number }[];
    busiestDays: { date: string; sessions: number; hours: number }[];
    busiestHours: { hour: number; sessions: number }[];
  };
  endpoints: {
    booked: number;
    ready: number;
    readiness: number | null;
    neverUsed: { code: string; agency: string; level: string }[];
  };
}

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

function getOr<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    map.set(key, v);
  }
  return v;
}

/** Nearest-rank percentile. */
export function percentile(xs: number[], p: number): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)]!;
}

export function channelGroup(channel: string): ChannelGroup {
  if (channel === "mail") return "mail";
  if (channel === "telegram" || channel === "zalo") return "chat";
  if (channel === "web") return "web";
  if (channel === "cli") return "cli";
  return "other";
}

function tally(keys: Iterable<string>): Count[] {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return [...m]
    .map(([key, count]) => ({ key, count }))
    .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

function emptyDecisions(): Record<Decision, number> {
  return { confirmed: 0, "needs-info": 0, "needs-review": 0, rejected: 0 };
}

/** The months (YYYY-MM) the period covers. */
export function monthsOf(period: ReportPeriod): string[] {
  const out: string[] = [];
  let m = DateTime.fromISO(period.from).startOf("month");
  const last = DateTime.fromISO(period.to);
  while (m <= last) {
    out.push(m.toFormat("yyyy-MM"));
    m = m.plus({ months: 1 });
  }
  return out;
}

export function computeReport(
  rows: ReportRows,
  period: ReportPeriod,
  filter: ReportFilter,
  s: ReportSettings,
  now: Date,
): Report {
  const zone = s.zone;
  const from = DateTime.fromISO(period.from, { zone }).startOf("day").toMillis();
  const to = DateTime.fromISO(period.to, { zone }).plus({ days: 1 }).startOf("day").toMillis();
  const inPeriod = (t: number | null): t is number => t !== null && t >= from && t < to;
  // Calendar fields of an instant in the zone: the zone's offset is asked once per UTC day (and per instant on a
  // day whose offset changes), the rest is arithmetic, and the date strings are made once per local day.
  const tz = Info.normalizeZone(zone)!;
  const dayOffset = new Map<number, number | null>();
  const offsetAt = (t: number): number => {
    const d = Math.floor(t / DAY);
    let o = dayOffset.get(d);
    if (o === undefined) {
      const a = tz.offset(d * DAY);
      o = a === tz.offset((d + 1) * DAY) ? a : null;
      dayOffset.set(d, o);
    }
    return (o ?? tz.offset(t)) * MIN;
  };
  const dayCache = new Map<number, { month: string; date: string }>();
  const local = (t: number) => {
    const day = Math.floor((t + offsetAt(t)) / DAY);
    let v = dayCache.get(day);
    if (!v) {
      const date = new Date(day * DAY).toISOString().slice(0, 10);
      v = { month: date.slice(0, 7), date };
      dayCache.set(day, v);
    }
    return v;
  };
  const hourOf = (t: number) => Math.floor(((((t + offsetAt(t)) % DAY) + DAY) % DAY) / HOUR);
  const month = (t: number) => local(t).month;
  const iso = (t: number) => new Date(t).toISOString();
  // Rows carry most instants as milliseconds after the booking's start or receipt (see BookingRow).
  const after = (base: number, ms: number | null) => (ms === null ? undefined : base + ms);

  const endpointLevel = new Map(rows.endpoints.map((e) => [e.code, e.level as Level]));
  const endpointAgency = new Map(rows.endpoints.map((e) => [e.code, e.agency]));
  const agencyKind = new Map(rows.agencies.map((a) => [a.name, a.kind]));
  // Rows name the host agency and endpoint by directory id (or by name/code when the directory lacks them).
  const agencyName = new Map(rows.agencies.map((a) => [a.id, a.name]));
  const levelById = new Map(rows.endpoints.map((e) => [e.id, e.level as Level]));
  const hostOf = (h: number | string | null): string | null =>
    typeof h === "number" ? (agencyName.get(h) ?? null) : h;
  const levelOf = (host: string | null, hostEndpoint: number | string | null): Level => {
    const l =
      typeof hostEndpoint === "number"
        ? levelById.get(hostEndpoint)
        : hostEndpoint
          ? endpointLevel.get(hostEndpoint)
          : undefined;
    if (l && LEVELS.includes(l)) return l;
    const kind = host ? agencyKind.get(host) : undefined;
    return kind === "district" ? "district" : kind === "commune" ? "commune" : "city";
  };
  const matches = (host: string | null, level: Level) =>
    (!filter.agency || host === filter.agency) && (!filter.level || level === filter.level);

  const deadlines = new Map<string, number>();
  const handoverDue = (end: number) => {
    const day = local(end).date;
    return getOr(deadlines, day, () => s.handoverDeadline(day).getTime());
  };

  // --- Sessions: bookings whose scheduled start is in the period and that match the filter.
  const months = monthsOf(period);
  const byMonth = new Map(months.map((m) => [m, { month: m, city: 0, district: 0, commune: 0 }]));
  const agencyRows = new Map<string, Report["sessions"]["byAgency"][number]>();
  const levelRows = new Map(
    LEVELS.map((level) => [level, { level, held: 0, cancelled: 0, hours: 0, connections: 0 }]),
  );
  const sessions = {
    held: 0,
    cancelled: 0,
    displaced: 0,
    emergencies: 0,
    chairNotified: 0,
    secret: 0,
    hoursOnline: 0,
    connections: 0,
  };
  const held: BookingRow[] = [];
  // Endpoints: readiness confirmed at roll call, and the directory endpoints some held session used.
  let booked = 0;
  let ready = 0;
  const used = new Set<number>();
  const answer: Sla = { met: 0, total: 0, pending: 0, misses: [] };
  const check: Sla = { met: 0, total: 0, pending: 0, misses: [] };
  const handover: Sla = { met: 0, total: 0, pending: 0, misses: [] };
  const trend = new Map(
    months.map((m) => [
      m,
      { answer: [0, 0], check: [0, 0], handover: [0, 0] } as Record<string, [number, number]>,
    ]),
  );
  const judge = (
    sla: Sla,
    name: SlaMiss["sla"],
    booking: string,
    host: string | null,
    due: number,
    done: number | undefined,
    monthKey: string,
  ) => {
    if (done === undefined && now.getTime() <= due) {
      sla.pending++;
      return;
    }
    sla.total++;
    const t = trend.get(monthKey)?.[name];
    if (t) t[1]++;
    if (done !== undefined && done <= due) {
      sla.met++;
      if (t) t[0]++;
      return;
    }
    sla.misses.push({
      sla: name,
      booking,
      host,
      due: iso(due),
      done: done === undefined ? null : iso(done),
      lateMinutes: done === undefined ? null : Math.round((done - due) / MIN),
    });
  };

  const registrations = {
    total: 0,
    byChannel: new Map<
      ChannelGroup,
      { channel: ChannelGroup; total: number; byDecision: Record<Decision, number> }
    >(),
    byDecision: emptyDecisions(),
    reasons: [] as string[],
  };

  for (const r of rows.bookings) {
    const host = hostOf(r[B.host]);
    const level = levelOf(host, r[B.hostEndpoint]);
    if (!matches(host, level)) continue;
    const flags = r[B.flags];
    // Secret sessions are counted, never described: a miss names no host.
    const shownHost = flags & FLAG.secret ? null : host;

    // Registrations: received in the period; the decision is the first move out of `received`.
    const receivedAt = r[B.receivedAt];
    if (inPeriod(receivedAt)) {
      const d = r[B.decision];
      const decision = d === null ? undefined : DECISIONS[d];
      if (decision) {
        registrations.total++;
        registrations.byDecision[decision]++;
        const g = channelGroup(CHANNELS[r[B.channel] ?? -1] ?? "");
        const row = getOr(registrations.byChannel, g, () => ({
          channel: g,
          total: 0,
          byDecision: emptyDecisions(),
        }));
        row.total++;
        row.byDecision[decision]++;
        if (decision !== "confirmed")
          for (const code of r[B.decisionReason]!.split(", "))
            if (code in REASON_VI) registrations.reasons.push(code);
        // Điều 12.2b: the first answer that settles the request (confirmed, asked for more, refused, cancelled).
        judge(
          answer,
          "answer",
          r[B.code],
          shownHost,
          receivedAt + s.answerWithinMinutes * MIN,
          after(receivedAt, r[B.answeredAt]),
          month(receivedAt),
        );
      }
    }

    const startAt = r[B.startAt];
    if (!inPeriod(startAt)) continue;
    if (flags & FLAG.displaced) sessions.displaced++;
    const lvl = levelRows.get(level)!;
    const ag = getOr(agencyRows, host ?? "", () => ({
      agency: host ?? "(không rõ)",
      level,
      held: 0,
      cancelled: 0,
      hours: 0,
      connections: 0,
    }));
    if (flags & FLAG.cancelled) {
      sessions.cancelled++;
      lvl.cancelled++;
      ag.cancelled++;
      continue;
    }
    const live = r[B.liveAt];
    if (live === null) continue;
    const liveAt = startAt + live;
    const endAt = after(startAt, r[B.endAt]) ?? null;
    const stop = after(startAt, r[B.endedAt]) ?? Math.min(now.getTime(), endAt ?? now.getTime());
    const hours = Math.max(0, stop - liveAt) / HOUR;
    // "N R ID,ID,…" (see BookingRow), read in place rather than split into strings.
    const epText = r[B.endpoints] ?? "0 0 ";
    let eps = 0;
    let k = 0;
    for (let c = epText.charCodeAt(k); k < epText.length && c !== 32; c = epText.charCodeAt(++k))
      eps = eps * 10 + c - 48;
    let confirmed = 0;
    for (let c = epText.charCodeAt(++k); k < epText.length && c !== 32; c = epText.charCodeAt(++k))
      confirmed = confirmed * 10 + c - 48;
    if (++k < epText.length) {
      let id = 0;
      for (; k < epText.length; k++) {
        const c = epText.charCodeAt(k);
        if (c === 44) {
          used.add(id);
          id = 0;
        } else id = id * 10 + c - 48;
      }
      used.add(id);
    }
    held.push(r);
    sessions.held++;
    sessions.hoursOnline += hours;
    sessions.connections += eps;
    if (flags & FLAG.emergency) sessions.emergencies++;
    if (flags & FLAG.chair) sessions.chairNotified++;
    if (flags & FLAG.secret) sessions.secret++;
    lvl.held++;
    lvl.hours += hours;
    lvl.connections += eps;
    ag.held++;
    ag.hours += hours;
    ag.connections += eps;
    const m = byMonth.get(month(startAt));
    if (m) m[level]++;
    // Điều 12.2b: the technical-check notice went out no later than 2 h before the scheduled start.
    judge(
      check,
      "check",
      r[B.code],
      shownHost,
      startAt - s.technicalCheckBeforeMinutes * MIN,
      after(startAt, r[B.checkAt]),
      month(startAt),
    );
    // Điều 14.2: a recording is handed over by the end of office hours on the 2nd working day after the end.
    if (flags & FLAG.recording && endAt !== null) {
      judge(
        handover,
        "handover",
        r[B.code],
        shownHost,
        handoverDue(endAt),
        after(startAt, r[B.handedOverAt]),
        month(startAt),
      );
    }
    booked += eps;
    ready += confirmed;
  }

  // --- Incidents opened in the period at an endpoint matching the filter.
  const incidents = rows.incidents.filter((i) => {
    const agency = i.endpoint ? endpointAgency.get(i.endpoint) : undefined;
    const level = i.endpoint ? endpointLevel.get(i.endpoint) : undefined;
    return (!filter.agency || agency === filter.agency) && (!filter.level || level === filter.level);
  });
  const ack: number[] = [];
  const resolve: number[] = [];
  for (const i of incidents) {
    if (i.ackAt !== null) ack.push((i.ackAt - i.openedAt) / MIN);
    if (i.resolvedAt !== null) resolve.push((i.resolvedAt - i.openedAt) / MIN);
  }
  const pct = (xs: number[]): Percentiles => ({
    n: xs.length,
    p50: percentile(xs, 50) === null ? null : round(percentile(xs, 50)!, 1),
    p90: percentile(xs, 90) === null ? null : round(percentile(xs, 90)!, 1),
  });

  // --- MCU: concurrency of held sessions over their scheduled slots (what capacity is planned against). Starts
  // and ends are swept in time order, the ends at an instant before its starts. Starts at one instant are taken
  // together: a session's ports are never negative, so the running counts peak after the last of them.
  const startPorts = new Map<number, number>();
  const endPorts = new Map<number, number>();
  const startTimes: number[] = [];
  const endTimes: number[] = [];
  for (const r of held) {
    const startAt = r[B.startAt];
    const length = r[B.endAt];
    if (startAt === null || length === null) continue;
    const endAt = startAt + length;
    startTimes.push(startAt);
    endTimes.push(endAt);
    startPorts.set(startAt, (startPorts.get(startAt) ?? 0) + r[B.ports]);
    endPorts.set(endAt, (endPorts.get(endAt) ?? 0) + r[B.ports]);
  }
  const starts = Float64Array.from(startTimes).sort();
  const ends = Float64Array.from(endTimes).sort();
  let conf = 0;
  let ports = 0;
  let peakConferences = 0;
  let peakPorts = 0;
  let peakAt: number | null = null;
  const mcuMonth = new Map(months.map((m) => [m, { month: m, peakConferences: 0, peakPorts: 0 }]));
  for (let i = 0, j = 0; i < starts.length; ) {
    const t = starts[i]!;
    while (j < ends.length && ends[j]! <= t) {
      const e = ends[j]!;
      ports -= endPorts.get(e)!;
      while (j < ends.length && ends[j] === e) {
        conf--;
        j++;
      }
    }
    ports += startPorts.get(t)!;
    while (i < starts.length && starts[i] === t) {
      conf++;
      i++;
    }
    const mm = mcuMonth.get(month(t));
    if (mm) {
      mm.peakConferences = Math.max(mm.peakConferences, conf);
      mm.peakPorts = Math.max(mm.peakPorts, ports);
    }
    if (ports > peakPorts) peakAt = t;
    peakConferences = Math.max(peakConferences, conf);
    peakPorts = Math.max(peakPorts, ports);
  }
  const days = new Map<string, { date: string; sessions: number; hours: number }>();
  const hoursHist = Array.from({ length: 24 }, (_, hour) => ({ hour, sessions: 0 }));
  for (const r of held) {
    const startAt = r[B.startAt]!;
    const date = local(startAt).date;
    const d = getOr(days, date, () => ({ date, sessions: 0, hours: 0 }));
    d.sessions++;
    d.hours += (r[B.endAt] ?? 0) / HOUR;
    hoursHist[hourOf(startAt)]!.sessions++;
  }

  // --- Endpoints never used by a held session.
  const neverUsed = rows.endpoints
    .filter(
      (e) => (!filter.agency || e.agency === filter.agency) && (!filter.level || e.level === filter.level),
    )
    .filter((e) => !used.has(e.id))
    .map((e) => ({ code: e.code, level: e.level, agency: e.agency }));

  return {
    period,
    filter,
    generatedAt: now.toISOString(),
    sessions: {
      ...sessions,
      hoursOnline: round(sessions.hoursOnline),
      meanEndpoints: sessions.held ? round(sessions.connections / sessions.held) : null,
      // An agency whose sessions in the period were neither held nor cancelled (never opened) has nothing to show.
      byAgency: [...agencyRows.values()]
        .filter((a) => a.held > 0 || a.cancelled > 0)
        .map((a) => ({ ...a, hours: round(a.hours) }))
        .sort((x, y) => y.held - x.held || x.agency.localeCompare(y.agency)),
      byLevel: [...levelRows.values()].map((l) => ({ ...l, hours: round(l.hours) })),
      byMonth: [...byMonth.values()],
    },
    registrations: {
      total: registrations.total,
      byChannel: [...registrations.byChannel.values()].sort((a, b) => b.total - a.total),
      byDecision: registrations.byDecision,
      reasons: tally(registrations.reasons),
    },
    sla: {
      answer,
      check,
      handover,
      trend: months.map((m) => {
        const t = trend.get(m)!;
        const p = ([met, total]: [number, number]) => (total ? round((100 * met) / total, 1) : null);
        return { month: m, answer: p(t.answer!), check: p(t.check!), handover: p(t.handover!) };
      }),
    },
    incidents: {
      total: incidents.length,
      byStaff: incidents.filter((i) => i.reporter !== "system").length,
      byMonitor: incidents.filter((i) => i.reporter === "system").length,
      byCategory: tally(incidents.map((i) => i.category)),
      byRoute: tally(incidents.map((i) => i.route)),
      byEndpoint: tally(incidents.map((i) => i.endpoint ?? "(không rõ)")),
      byAgency: tally(
        incidents.map((i) => (i.endpoint ? (endpointAgency.get(i.endpoint) ?? "(không rõ)") : "(không rõ)")),
      ),
      ackMinutes: pct(ack),
      resolveMinutes: pct(resolve),
    },
    mcu: {
      capacity: s.mcu,
      peakConferences,
      peakPorts,
      peakAt: peakAt === null ? null : iso(peakAt),
      byMonth: [...mcuMonth.values()],
      busiestDays: [...days.values()]
        .map((d) => ({ ...d, hours: round(d.hours) }))
        .sort((a, b) => b.sessions - a.sessions || a.date.localeCompare(b.date))
        .slice(0, 10),
      busiestHours: hoursHist,
    },
    endpoints: {
      booked,
      ready,
      readiness: booked ? round(ready / booked, 4) : null,
      neverUsed,
    },
  };
}

/** How each figure is defined, in Vietnamese, for the workbook's cover sheet. */
export const DEFINITIONS_VI: [string, string][] = [
  [
    "Kỳ báo cáo",
    "Từ 00:00 ngày đầu đến 24:00 ngày cuối, giờ Hà Nội (Asia/Ho_Chi_Minh). Phiên họp tính theo giờ bắt đầu đã đăng ký; đăng ký tính theo thời điểm tiếp nhận; sự cố tính theo thời điểm mở.",
  ],
  ["Phiên đã tổ chức", "Lịch họp đã chuyển sang trạng thái «đang họp» trên MCU."],
  ["Phiên bị hủy", "Lịch họp có trạng thái cuối «đã hủy»."],
  [
    "Phiên bị nhường",
    "Lịch họp từng bị chuyển về chờ xem xét để nhường cho phiên ưu tiên (Điều 11), dù sau đó có được bố trí lại hay không.",
  ],
  [
    "Cấp",
    "Cấp của điểm cầu chủ trì (Thành phố, Quận/huyện, Xã/phường); nếu cơ quan chủ trì không có điểm cầu thì theo loại cơ quan.",
  ],
  [
    "Giờ trực tuyến",
    "Tổng thời gian từ lúc phiên bắt đầu đến lúc kết thúc trên MCU của các phiên đã tổ chức.",
  ],
  [
    "Lượt kết nối điểm cầu",
    "Tổng số điểm cầu (kể cả điểm cầu chủ trì) được bố trí vào các phiên đã tổ chức; bình quân = lượt kết nối / số phiên.",
  ],
  [
    "Phiên khẩn cấp / do Chủ tịch thông báo",
    "Phiên đã tổ chức được đánh dấu khẩn cấp / có mức ưu tiên của Chủ tịch (Điều 11).",
  ],
  ["Phiên mật", "Chỉ được đếm; báo cáo không nêu tên, nội dung hay cơ quan của phiên mật."],
  [
    "Đăng ký theo kênh và kết quả",
    "Mỗi đăng ký tiếp nhận trong kỳ, theo kênh gửi và quyết định đầu tiên của hệ thống; lý do là các lý do của quyết định đó.",
  ],
  [
    "Trả lời trong 2 giờ (Điều 12.2b)",
    "Đạt khi câu trả lời dứt điểm đầu tiên (xác nhận, đề nghị bổ sung, từ chối hoặc hủy) được đưa ra không quá 2 giờ sau khi tiếp nhận. Chưa trả lời mà đã quá hạn thì tính là không đạt; chưa đến hạn thì chưa tính.",
  ],
  [
    "Kiểm tra kỹ thuật trước 2 giờ (Điều 12.2b)",
    "Với mỗi phiên đã tổ chức: đạt khi thông báo kiểm tra kỹ thuật được gửi chậm nhất 2 giờ trước giờ bắt đầu.",
  ],
  [
    "Bàn giao bản ghi trong 2 ngày làm việc (Điều 14.2)",
    "Với mỗi phiên đã tổ chức có ghi hình: đạt khi được xác nhận bàn giao trước 17:00 ngày làm việc thứ hai sau giờ kết thúc (không tính ngày nghỉ, ngày lễ). Chưa bàn giao mà đã quá hạn thì không đạt; chưa đến hạn thì chưa tính.",
  ],
  [
    "Sự cố",
    "Sự cố mở trong kỳ tại điểm cầu thuộc phạm vi lọc. Thời gian tiếp nhận: từ lúc mở đến thao tác nhận, chuyển hoặc khắc phục đầu tiên; thời gian khắc phục: đến lúc khắc phục. P50/P90 theo thứ hạng gần nhất, đơn vị phút. «Hệ thống giám sát MCU» là sự cố do hệ thống tự phát hiện; còn lại do cán bộ báo.",
  ],
  [
    "MCU",
    "Số phòng họp và số cổng đồng thời lớn nhất của các phiên đã tổ chức, theo khung giờ đã đăng ký, so với năng lực MCU.",
  ],
  [
    "Điểm cầu",
    "Tỷ lệ sẵn sàng: số điểm cầu đã xác nhận /sansang trên số điểm cầu được bố trí vào các phiên đã tổ chức. Điểm cầu chưa sử dụng: không tham gia phiên đã tổ chức nào trong kỳ (phục vụ kế hoạch bảo trì, Điều 19.4).",
  ],
];
