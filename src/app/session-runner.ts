import { DateTime } from "luxon";
import type { Booking } from "../core/booking/types.js";
import { formatRangeVi } from "../core/calendar/zone.js";
import { CATEGORY_VI } from "../core/incident/classify.js";
import { incidentCode } from "../core/incident/types.js";
import { type LegStatus, type McuAdapter, McuRefusedError } from "../mcu/port.js";
import type { Repos } from "../store/store.js";
import { moveTo } from "./booking/index.js";
import type { Desk } from "./desk.js";
import {
  deskGroupText,
  incidentButtons,
  systemFaultGroupText,
  systemRecoveredGroupText,
} from "./incident/messages.js";
import { deskNotice } from "./incident/notify.js";
import { DEFAULT_INCIDENT_OPTIONS } from "./incident/report.js";
import { INCIDENT_JOB } from "./incident/timers.js";

export interface SessionRunnerOptions {
  /** Packet loss (percent) beyond which a leg raises an incident on its own. */
  lossThreshold: number;
  layout: string;
  /**
   * Test only (DESK_TEST_MCU_CREATE_DELAY_MS): a pause between the MCU's "created" and the commit of the conference
   * id, so that a failover test can kill the desk inside that window. 0 in production.
   */
  createDelayMs?: number;
}

export const DEFAULT_RUNNER: SessionRunnerOptions = { lossThreshold: 5, layout: "auto" };

const CONF_KEY = (code: string) => `mcu:conference:${code}`;
/** Written and committed before the MCU is asked to create: a creation may have happened without its id. */
const INTENT_KEY = (code: string) => `mcu:intent:${code}`;
const LEG_KEY = (code: string, endpoint: string) => `mcu:leg:${code}:${endpoint}`;
/** Set (to the instant) while a live session's MCU cannot be reached and the technician was told; "" once back. */
const DOWN_KEY = (code: string) => `mcu:down:${code}`;
/** Set once the technician was told that a session passed without being started (the desk was off over it). */
const MISSED_KEY = (code: string) => `mcu:missed:${code}`;
/** How far the first tick after a start looks back for sessions left live or never opened. */
export const LOOK_BACK_AFTER_START_MS = 14 * 24 * 3600_000;

/** A start later than this after the booked time says how late it is (a tick is seconds; a restart is not). */
const LATE_START_MS = 5 * 60_000;
const lateBy = (start: Date, now: Date) => {
  const late = now.getTime() - start.getTime();
  return late > LATE_START_MS ? ` muộn ${Math.round(late / 60_000)} phút` : "";
};

/** A notice to the MCU technician about a live session's conference (desk-critical: ahead of acknowledgements). */
async function technicianNotice(r: Repos, text: string, now: Date, booking: string, kind = "mcu-incident") {
  await r.outbox.enqueue(
    { channel: "desk", recipient: "mcu-technician", kind, booking, payload: { text } },
    now,
  );
}

async function post(r: Repos, text: string, now: Date, booking?: string, kind = "session") {
  await r.outbox.enqueue(
    {
      channel: "group",
      recipient: "support-group",
      // "mcu-incident" is desk-critical: the chat delivery sends it ahead of acknowledgements.
      kind,
      booking: booking ?? null,
      payload: { text },
    },
    now,
  );
}

/**
 * Runs each confirmed session on the MCU (Điều 13–14): at the start it creates the conference, connects every
 * booked endpoint, sets the layout and starts recording when asked; while live it watches each leg and raises an
 * incident on a drop or heavy packet loss (closing it on recovery); at the end it stops recording and ends the
 * conference. MCU calls happen outside transactions; what they changed is written afterwards, in one each.
 * Operator commands from chat arrive as `mcu` outbox rows and are carried out here, once.
 */
export class SessionRunner {
  private lookedBack = false;

  constructor(
    private readonly desk: Desk,
    private readonly mcu: McuAdapter,
    private readonly opts: SessionRunnerOptions = DEFAULT_RUNNER,
  ) {}

  async tick(now: Date): Promise<void> {
    const store = this.desk.store;
    // A running desk sees every session within a day of its end; the first tick after a start (or a takeover)
    // looks back further, so that a desk that was off for days still ends what it left live and tells of what it
    // missed.
    const back = this.lookedBack ? 24 * 3600_000 : LOOK_BACK_AFTER_START_MS;
    const window = await store.read((r) =>
      r.bookings.list({
        from: new Date(now.getTime() - back),
        to: new Date(now.getTime() + 60_000),
        statuses: ["confirmed", "checked", "live"],
      }),
    );
    // One session's failure (an MCU refusing its start) does not keep the others from being started and watched;
    // the first error is thrown at the end, for the worker's log and health.
    let failure: unknown = null;
    for (const b of window) {
      const { start, end } = b.request;
      if (!start || !end) continue;
      try {
        if (b.status !== "live" && start.getTime() <= now.getTime() && now.getTime() < end.getTime())
          await this.start(b, now);
        else if (b.status === "live" && end.getTime() <= now.getTime()) await this.end(b, now);
        else if (b.status === "live") await this.watch(b, now);
        else if (end.getTime() <= now.getTime()) await this.missed(b, now);
      } catch (err) {
        failure ??= err;
      }
    }
    // Until a tick went through every session, the next looks back as far (one that failed is tried again).
    if (!failure) this.lookedBack = true;
    await this.operatorCommands(now);
    if (failure) throw failure;
  }

  private endpointsOf(b: Booking): string[] {
    return [...new Set([b.hostEndpoint, ...b.request.participants].filter((x): x is string => Boolean(x)))];
  }

  /** Call every booked endpoint into the conference, set the layout, record when asked; the endpoints not reached. */
  private async dialAll(b: Booking, id: string): Promise<string[]> {
    const snapshot = await this.desk.store.read((r) => r.directory.snapshot());
    const failed: string[] = [];
    for (const code of this.endpointsOf(b)) {
      try {
        await this.mcu.connect(id, { code, dial: snapshot.endpoint(code)?.dial ?? null });
      } catch {
        failed.push(code);
      }
    }
    await this.mcu.setLayout(id, this.opts.layout);
    if (b.request.recording) await this.mcu.startRecording(id);
    return failed;
  }

  /**
   * A confirmed session whose end passed before it was ever started (the desk was off over all of it): nothing to
   * start any more; the technician is told once, so that the host can be called and the time arranged again.
   */
  private async missed(b: Booking, now: Date): Promise<void> {
    if (await this.desk.store.read((r) => r.meta.get(MISSED_KEY(b.code)))) return;
    await this.desk.store.tx(async (r) => {
      if (await r.meta.get(MISSED_KEY(b.code))) return;
      await r.meta.set(MISSED_KEY(b.code), now.toISOString());
      await technicianNotice(
        r,
        `[${b.code}] Phiên họp${b.request.secret ? " mật" : ""} ${formatRangeVi(b.request.start!, b.request.end!, this.desk.reg.zone)} đã qua mà không được mở trên MCU (${this.mcu.kind}): bàn kỹ thuật ngừng hoạt động trong giờ họp${b.request.recording ? ", không có bản ghi để bàn giao" : ""}. Đề nghị liên hệ cơ quan chủ trì để xác nhận và sắp xếp lại nếu cần.`,
        now,
        b.code,
        "session-missed",
      );
    });
  }

  async start(b: Booking, now: Date): Promise<void> {
    const id = await this.conferenceFor(b, now);
    const failed = await this.dialAll(b, id);
    await this.desk.store.tx(async (r) => {
      const fresh = (await r.bookings.get(b.code))!;
      await moveTo(
        r,
        fresh,
        "live",
        { id: "system", channel: "system" },
        `phiên bắt đầu trên MCU (${this.mcu.kind})`,
        now,
      );
      const n = this.endpointsOf(b).length;
      // Điều 5.2: a secret session's endpoints are counted, never named, in the group.
      const notCalled = b.request.secret
        ? `; chưa gọi được ${failed.length} điểm cầu (danh sách trên công cụ của bàn kỹ thuật)`
        : `; chưa gọi được ${failed.join(", ")}`;
      await post(
        r,
        `[${b.code}] Phiên họp${b.request.secret ? " mật" : ""} bắt đầu${lateBy(b.request.start!, now)} (${formatRangeVi(b.request.start!, b.request.end!, this.desk.reg.zone)}): đã kết nối ${n - failed.length}/${n} điểm cầu${failed.length ? notCalled : ""}${b.request.recording ? "; đang ghi hình" : ""}.`,
        now,
        b.code,
      );
    });
  }

  /**
   * The booking's conference on the MCU, made at most once. A committed id the MCU still knows is reused. Otherwise
   * the intent decides: it is committed, in a transaction of its own, before the MCU is asked to create, so a
   * booking with an intent (or a stale id) but no live conference may have one the desk never recorded (a desk
   * killed between the MCU's answer and the commit, the leader killed and another desk taking over). That one is
   * looked up by the booking code (`findConference`) and adopted; only when the MCU has none is one created.
   */
  private async conferenceFor(b: Booking, now: Date): Promise<string> {
    const store = this.desk.store;
    const [stored, intent] = await store.read(async (r) => [
      await r.meta.get(CONF_KEY(b.code)),
      await r.meta.get(INTENT_KEY(b.code)),
    ]);
    // A committed id is reused while the MCU knows it; an MCU that cannot be reached is asked again next tick.
    if (
      stored &&
      (await this.mcu.status(stored).then(
        () => true,
        (err) => !(err instanceof McuRefusedError),
      ))
    )
      return stored;
    if (intent || stored) {
      const found = await this.mcu.findConference(b.code);
      if (found) {
        if (found.id !== stored) await store.tx((r) => r.meta.set(CONF_KEY(b.code), found.id));
        return found.id;
      }
    }
    const attempt = intent ? ((JSON.parse(intent) as { attempt?: number }).attempt ?? 1) : 0;
    await store.tx((r) =>
      r.meta.set(INTENT_KEY(b.code), JSON.stringify({ attempt: attempt + 1, at: now.toISOString() })),
    );
    const created = await this.mcu.createConference({
      code: b.code,
      name: b.request.secret ? b.code : (b.request.title ?? b.code),
    });
    if (this.opts.createDelayMs) await new Promise((r) => setTimeout(r, this.opts.createDelayMs));
    await store.tx((r) => r.meta.set(CONF_KEY(b.code), created.id));
    return created.id;
  }

  async watch(b: Booking, now: Date): Promise<void> {
    const [stored, down] = await this.desk.store.read(async (r) => [
      await r.meta.get(CONF_KEY(b.code)),
      await r.meta.get(DOWN_KEY(b.code)),
    ]);
    if (!stored) return;
    let id = stored;
    let recreated = false;
    let legs: LegStatus[];
    try {
      legs = await this.mcu.status(id);
    } catch (err) {
      if (!(err instanceof McuRefusedError)) {
        // The MCU cannot be reached: the technician hears of it once; the next ticks try again.
        if (!down)
          await this.desk.store.tx(async (r) => {
            await r.meta.set(DOWN_KEY(b.code), now.toISOString());
            await technicianNotice(
              r,
              `[${b.code}] Không liên lạc được MCU (${this.mcu.kind}) trong phiên họp${b.request.secret ? " mật" : ""} đang diễn ra; bàn kỹ thuật đang thử lại và sẽ báo khi MCU trở lại. Đề nghị kiểm tra máy chủ MCU.`,
              now,
              b.code,
            );
          });
        throw err;
      }
      // The MCU answers and refuses. When it still has the booking's conference, that is another fault (retried at
      // the next tick, nothing re-made or re-dialled); a conference under another id is adopted.
      const found = await this.mcu.findConference(b.code);
      if (found) {
        if (found.id !== stored) await this.desk.store.tx((r) => r.meta.set(CONF_KEY(b.code), found.id));
        throw err;
      }
      // It no longer has the conference (restarted, or ended by hand): made again, once (the intent and
      // `findConference` in conferenceFor), and every endpoint called again.
      id = await this.conferenceFor(b, now);
      recreated = true;
      const failed = await this.dialAll(b, id);
      const n = this.endpointsOf(b).length;
      await this.desk.store.tx(async (r) => {
        await r.meta.set(DOWN_KEY(b.code), "");
        await technicianNotice(
          r,
          `[${b.code}] Phòng họp của phiên${b.request.secret ? " mật" : ""} đang diễn ra không còn trên MCU (${this.mcu.kind}) (MCU khởi động lại?): bàn kỹ thuật đã tạo lại phòng họp và gọi lại ${n - failed.length}/${n} điểm cầu${b.request.recording ? "; đã bật lại ghi hình" : ""}.`,
          now,
          b.code,
        );
      });
      legs = await this.mcu.status(id);
    }
    if (down && !recreated)
      await this.desk.store.tx(async (r) => {
        await r.meta.set(DOWN_KEY(b.code), "");
        await technicianNotice(
          r,
          `[${b.code}] MCU (${this.mcu.kind}) đã liên lạc lại được; phiên họp vẫn tiếp tục.`,
          now,
          b.code,
        );
      });
    const secret = b.request.secret;
    await this.desk.store.tx(async (r) => {
      for (const leg of legs) {
        const bad = !leg.connected || leg.packetLoss > this.opts.lossThreshold;
        const open = await r.meta.get(LEG_KEY(b.code, leg.endpoint));
        if (bad && !open) {
          const year = DateTime.fromJSDate(now, { zone: this.desk.reg.zone }).year;
          const code = incidentCode(year, await r.bookings.nextSeq(`incident-${year}`));
          const what = leg.connected ? `mất gói ${leg.packetLoss}%` : "mất kết nối";
          await r.incidents.save({
            code,
            endpoint: leg.endpoint,
            booking: b.code,
            category: "network",
            route: "wan",
            status: "open",
            reporter: "system",
            text: what,
            assignee: null,
            openedAt: now,
            updatedAt: now,
          });
          await r.incidents.addEvent(code, {
            at: now,
            actor: "system",
            channel: "mcu",
            action: "opened",
            note: what,
          });
          await r.meta.set(LEG_KEY(b.code, leg.endpoint), code);
          // The group reads the same words for every session's fault (Điều 5.2: see `commentGroupText`).
          await post(r, systemFaultGroupText(code), now, b.code, "mcu-incident");
          // The WAN duty hears of it directly (privately where they can be reached), ahead of any backlog.
          await deskNotice(
            r,
            "wan-duty",
            `Sự cố ${code} (${CATEGORY_VI.network}): ${secret ? "một điểm cầu của phiên mật" : `điểm cầu ${leg.endpoint}`} ${what} trong phiên ${b.code}.`,
            now,
            code,
            incidentButtons(code, "wan"),
            {
              kind: "mcu-incident",
              groupText: deskGroupText(
                { code, category: "network", route: "wan", reporter: "system" },
                "new",
              ),
            },
          );
          // Unacknowledged, it reminds the duty and then escalates, as a reported fault in a session does.
          const after = (m: number) => new Date(now.getTime() + m * 60_000);
          const timers = DEFAULT_INCIDENT_OPTIONS;
          await r.jobs.schedule(
            { kind: INCIDENT_JOB.reminder, key: code, runAt: after(timers.ackReminderMinutes) },
            now,
          );
          await r.jobs.schedule(
            { kind: INCIDENT_JOB.escalate, key: code, runAt: after(timers.escalateMinutes) },
            now,
          );
        } else if (!bad && open && open !== "-") {
          const inc = await r.incidents.get(open);
          if (inc && inc.status !== "resolved") {
            await r.incidents.save({ ...inc, status: "resolved", updatedAt: now });
            await r.jobs.cancel(INCIDENT_JOB.reminder, open);
            await r.jobs.cancel(INCIDENT_JOB.escalate, open);
            await r.incidents.addEvent(open, {
              at: now,
              actor: "system",
              channel: "mcu",
              action: "xong",
              note: "đã kết nối lại",
            });
            await post(r, systemRecoveredGroupText(open), now, b.code);
          }
          await r.meta.set(LEG_KEY(b.code, leg.endpoint), "-");
        }
      }
    });
  }

  async end(b: Booking, now: Date): Promise<void> {
    const id = await this.desk.store.read((r) => r.meta.get(CONF_KEY(b.code)));
    let file: string | null = null;
    if (id) {
      if (b.request.recording)
        file = await this.mcu.stopRecording(id).catch(async (err: unknown) => {
          // A desk killed after ending the conference and before committing the end left nothing to stop the
          // recording of: the MCU refuses, and no longer knows the conference either. Ended, then, not retried for
          // ever. (`status`, not `findConference`: the CMS's lookup would start a call in a coSpace left behind.)
          if (!(err instanceof McuRefusedError)) throw err;
          const gone = await this.mcu.status(id).then(
            () => false,
            (e: unknown) => e instanceof McuRefusedError,
          );
          if (gone) return null;
          throw err;
        });
      await this.mcu.endConference(id, b.code);
    }
    await this.desk.store.tx(async (r) => {
      const fresh = (await r.bookings.get(b.code))!;
      await moveTo(
        r,
        fresh,
        "ended",
        { id: "system", channel: "system" },
        file ? `kết thúc; bản ghi ${file}` : "kết thúc",
        now,
      );
      await post(
        r,
        `[${b.code}] Phiên họp${b.request.secret ? " mật" : ""} đã kết thúc${b.request.recording ? "; bản ghi sẽ được bàn giao cho cơ quan chủ trì trong 02 ngày làm việc (Điều 14.2)" : ""}.`,
        now,
        b.code,
      );
    });
  }

  /** Chat commands for the MCU technician, queued as `mcu` outbox rows: carried out once, in order. */
  private async operatorCommands(now: Date): Promise<void> {
    const due = await this.desk.store.read((r) => r.outbox.due(now, 50, ["mcu"]));
    for (const m of due) {
      const { op, booking, endpoint, layout } = m.payload as {
        op: string;
        booking: string;
        endpoint?: string;
        layout?: string;
      };
      const id = await this.desk.store.read((r) => r.meta.get(CONF_KEY(booking)));
      const secret = (await this.desk.store.read((r) => r.bookings.get(booking)))?.request.secret ?? false;
      let result: string;
      try {
        if (op === "start" || op === "end") {
          const b = await this.desk.store.read((r) => r.bookings.get(booking));
          if (!b) throw new Error(`không có phiên ${booking}`);
          if (op === "start" && (b.status === "confirmed" || b.status === "checked"))
            await this.start(b, now);
          else if (op === "end" && b.status === "live") await this.end(b, now);
          else throw new Error(`phiên đang ở trạng thái ${b.status}`);
          await this.desk.store.tx((r) => r.outbox.markSent(m.id, now));
          continue;
        }
        if (!id) throw new Error(`phiên ${booking} chưa chạy trên MCU`);
        if (op === "mute" || op === "unmute") await this.mcu.mute(id, endpoint!, op === "mute");
        else if (op === "layout") await this.mcu.setLayout(id, layout!);
        else if (op === "reconnect") {
          const snapshot = await this.desk.store.read((r) => r.directory.snapshot());
          await this.mcu.disconnect(id, endpoint!).catch(() => undefined);
          await this.mcu.connect(id, { code: endpoint!, dial: snapshot.endpoint(endpoint!)?.dial ?? null });
        } else throw new Error(`lệnh ${op} không hỗ trợ`);
        result = secret
          ? `Đã thực hiện: ${op} (phiên mật ${booking}).`
          : `Đã thực hiện: ${op} ${endpoint ?? layout ?? ""} (phiên ${booking}).`;
      } catch (err) {
        // Điều 5.2: an MCU error may name the endpoint or the conference; for a secret session it stays out of chat.
        result = secret
          ? `Không thực hiện được ${op} cho phiên mật ${booking}; đề nghị kiểm tra trên bàn điều khiển MCU.`
          : `Không thực hiện được ${op} cho phiên ${booking}: ${(err as Error).message}`;
      }
      await this.desk.store.tx(async (r) => {
        await r.outbox.markSent(m.id, now);
        await post(r, result, now, booking);
      });
    }
  }
}
