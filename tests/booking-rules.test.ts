import { describe, expect, it } from "vitest";
import { loadHolidayCalendar } from "../src/app/config.js";
import { decide, findAlternatives } from "../src/core/booking/decide.js";
import { decisionText, groupLine } from "../src/core/booking/messages.js";
import { type DecisionContext, peakLoad } from "../src/core/booking/rules.js";
import { checkTransition } from "../src/core/booking/state.js";
import { PRIORITY, type SlotHolder } from "../src/core/booking/types.js";
import { DEFAULT_REGULATION } from "../src/core/regulation.js";
import { snapshotOf } from "../src/store/directory-repo.js";
import { at, CALENDAR_DIR, request, sampleDirectory } from "./helpers.js";

const directory = snapshotOf(sampleDirectory);
const now = at("2026-12-07", "08:30");
function ctx(holders: SlotHolder[] = [], over: Partial<DecisionContext> = {}): DecisionContext {
  return { now, reg: DEFAULT_REGULATION, directory, holders, ...over };
}
function holder(over: Partial<SlotHolder>): SlotHolder {
  return {
    code: "HTT-2026-0001",
    priority: PRIORITY.normal,
    endpoints: ["CX-00008"],
    start: at("2026-12-10", "09:00"),
    end: at("2026-12-10", "11:00"),
    cityHallRoom: false,
    createdAt: at("2026-12-01", "08:00"),
    ...over,
    ports: over.ports ?? (over.endpoints ?? ["CX-00008"]).length,
  };
}

describe("booking rules (Điều 11, 12.2a)", () => {
  it("confirms a complete, timely, free registration", () => {
    const d = decide(request(), ctx());
    expect(d.outcome).toBe("confirmed");
    expect(d.reasons).toEqual([]);
    expect(d.priority).toBe(PRIORITY.normal);
  });

  it("Điều 12.2a: asks for every missing field by name", () => {
    const d = decide(request({ title: " ", contact: null, participants: [] }), ctx());
    expect(d.outcome).toBe("needs-info");
    expect(d.missing).toEqual(["participants", "title", "contact"]);
    expect(d.reasons[0]?.message).toContain("đầu mối liên hệ");
  });

  it("Điều 9: an endpoint outside the directory is named back to the clerk", () => {
    const d = decide(
      request({ participants: ["CX-00008", "NOPE-1"], unresolved: ["xã Không Tồn Tại"] }),
      ctx(),
    );
    expect(d.outcome).toBe("needs-info");
    expect(d.reasons.map((r) => r.code)).toEqual(["unknown-endpoint"]);
    expect(d.reasons[0]?.endpoints).toEqual(["NOPE-1", "xã Không Tồn Tại"]);
  });

  it("Điều 12.2a: a normal registration under 24 h goes to review, never silently refused", () => {
    const d = decide(
      request({ receivedAt: at("2026-12-09", "10:00") }),
      ctx([], { now: at("2026-12-09", "10:00") }),
    );
    expect(d.outcome).toBe("needs-review");
    expect(d.reasons.map((r) => r.code)).toEqual(["late"]);
  });

  it("Điều 12.2a: an emergency needs only 6 h", () => {
    const received = at("2026-12-10", "02:00");
    const ok = decide(request({ emergency: true, receivedAt: received }), ctx([], { now: received }));
    expect(ok.outcome).toBe("confirmed");
    const late = at("2026-12-10", "03:30");
    expect(decide(request({ emergency: true, receivedAt: late }), ctx([], { now: late })).outcome).toBe(
      "needs-review",
    );
  });

  it("Điều 11.1: chairs notify, so lead time does not apply to them", () => {
    const received = at("2026-12-10", "07:00");
    const d = decide(
      request({ host: "UBND thành phố Hà Nội", sender: "vanthu.ubnd@hanoi.gov.vn", receivedAt: received }),
      ctx([], { now: received }),
    );
    expect(d.priority).toBe(PRIORITY.chair);
    expect(d.outcome).toBe("confirmed");
  });

  it("Điều 11.1, 12.2a: another agency's mailbox naming a chair as host gets no chair priority, and a technician looks", () => {
    const received = at("2026-12-09", "08:00");
    // A normal session holds the endpoint; a chair would displace it.
    const held = [holder({ code: "HTT-2026-0100", endpoints: ["CX-00008"] })];
    const claimed = decide(
      request({ host: "UBND thành phố Hà Nội", sender: "vanthu.sct@hanoi.gov.vn", receivedAt: received }),
      ctx(held, { now: received }),
    );
    expect(claimed.priority).toBe(PRIORITY.normal);
    expect(claimed.displaced).toEqual([]);
    expect(claimed.outcome).toBe("rejected");
    expect(claimed.reasons.map((r) => r.code)).toEqual(["host-not-sender", "endpoint-busy"]);
    // From the chair's own mailbox the same request displaces the session.
    const own = decide(
      request({ host: "UBND thành phố Hà Nội", sender: "VanThu.UBND@hanoi.gov.vn", receivedAt: received }),
      ctx(held, { now: received }),
    );
    expect(own.priority).toBe(PRIORITY.chair);
    expect(own.displaced).toEqual(["HTT-2026-0100"]);
    expect(own.reasons.map((r) => r.code)).not.toContain("host-not-sender");
  });

  it("Điều 12.2a: a mail naming another agency as host waits for a technician, and says why in Vietnamese", () => {
    const d = decide(request({ host: "Sở Y tế", sender: "vanthu.sct@hanoi.gov.vn" }), ctx());
    expect(d.outcome).toBe("needs-review");
    expect(d.reasons.map((r) => r.message)).toEqual([
      "Cơ quan chủ trì «Sở Y tế» khác cơ quan gửi thư đăng ký (Sở Công Thương); cán bộ kỹ thuật sẽ xác nhận với cơ quan chủ trì trước khi bố trí.",
    ]);
    // The desk's own channels (CLI, web) enter bookings for any host; an unknown mailbox is another rule's matter.
    expect(decide(request({ host: "Sở Y tế", channel: "cli", sender: "admin" }), ctx()).outcome).toBe(
      "confirmed",
    );
    expect(
      decide(request({ host: "UBND thành phố Hà Nội", channel: "cli", sender: "admin" }), ctx()).priority,
    ).toBe(PRIORITY.chair);
    expect(decide(request({ host: "Sở Công Thương" }), ctx()).outcome).toBe("confirmed");
  });

  it("rejects a start in the past; an end before the start is a question, not a rejection", () => {
    expect(decide(request(), ctx([], { now: at("2026-12-10", "09:30") })).reasons[0]?.code).toBe(
      "in-the-past",
    );
    const d = decide(request({ end: at("2026-12-10", "08:00") }), ctx());
    expect(d.outcome).toBe("needs-info");
    expect(d.reasons[0]?.code).toBe("invalid-time");
  });

  it("a busy endpoint rejects a newcomer of equal priority, including the setup gap", () => {
    const d = decide(
      request({ start: at("2026-12-10", "11:10"), end: at("2026-12-10", "12:00") }),
      ctx([holder({})]),
    );
    expect(d.outcome).toBe("rejected");
    expect(d.reasons[0]).toMatchObject({
      code: "endpoint-busy",
      endpoints: ["CX-00008"],
      bookings: ["HTT-2026-0001"],
    });
    const after = decide(
      request({ start: at("2026-12-10", "11:15"), end: at("2026-12-10", "12:00") }),
      ctx([holder({})]),
    );
    expect(after.outcome).toBe("confirmed");
  });

  it("Điều 11.3: an emergency displaces a normal session, which goes to review", () => {
    const d = decide(request({ emergency: true }), ctx([holder({})]));
    expect(d.outcome).toBe("confirmed");
    expect(d.displaced).toEqual(["HTT-2026-0001"]);
  });

  it("Điều 11.3: an emergency does not displace another emergency or a chair", () => {
    for (const priority of [PRIORITY.emergency, PRIORITY.chair]) {
      const d = decide(request({ emergency: true }), ctx([holder({ priority })]));
      expect(d.outcome).toBe("rejected");
      expect(d.displaced).toEqual([]);
    }
  });

  it("the UBND TP headquarters room hosts one session at a time", () => {
    const busy = holder({ endpoints: ["SYT-01"], cityHallRoom: true });
    const d = decide(request({ cityHallRoom: true }), ctx([busy]));
    expect(d.reasons.map((r) => r.code)).toEqual(["room-busy"]);
    expect(decide(request({ cityHallRoom: false }), ctx([busy])).outcome).toBe("confirmed");
  });

  it("MCU capacity: ports and concurrent conferences", () => {
    const reg = { ...DEFAULT_REGULATION, mcu: { ports: 10, conferences: 2 } };
    const two = [
      holder({ code: "A", endpoints: ["SYT-01"] }),
      holder({ code: "B", endpoints: ["SYT-02"], start: at("2026-12-10", "10:00") }),
    ];
    expect(decide(request(), ctx(two, { reg })).reasons.map((r) => r.code)).toEqual(["mcu-capacity"]);
    // Back-to-back sessions do not overlap on the MCU.
    const sequential = [
      holder({
        code: "A",
        endpoints: ["SYT-01"],
        end: at("2026-12-10", "09:00"),
        start: at("2026-12-10", "08:00"),
      }),
    ];
    expect(decide(request(), ctx(sequential, { reg })).outcome).toBe("confirmed");
    const ports = [holder({ code: "C", endpoints: ["A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8"] })];
    expect(decide(request(), ctx(ports, { reg })).reasons.map((r) => r.code)).toEqual(["mcu-capacity"]);
    // An emergency frees capacity by displacing the latest normal session.
    const d = decide(request({ emergency: true }), ctx(two, { reg }));
    expect(d.outcome).toBe("confirmed");
    expect(d.displaced).toEqual(["A"]);
  });

  it("peak load counts only what runs at the same instant", () => {
    const hs = [
      holder({
        code: "A",
        endpoints: ["x", "y"],
        start: at("2026-12-10", "08:00"),
        end: at("2026-12-10", "09:30"),
      }),
      holder({
        code: "B",
        endpoints: ["z"],
        start: at("2026-12-10", "10:00"),
        end: at("2026-12-10", "12:00"),
      }),
    ];
    expect(peakLoad(hs, at("2026-12-10", "09:00"), at("2026-12-10", "11:00"))).toEqual({
      conferences: 1,
      ports: 2,
    });
  });

  it("a rejection proposes the nearest free slots in office hours of working days", () => {
    const holidays = loadHolidayCalendar(CALENDAR_DIR);
    const hs = [holder({ end: at("2026-12-10", "12:00") })];
    const slots = findAlternatives(request(), ctx(hs), { isWorkingDay: (d) => holidays.isWorkingDay(d) });
    // 12:30–14:30 would run into the midday break (12:00–13:00) that the 09:00–11:00 request kept out of.
    expect(slots.map((s) => s.start.toISOString())).toEqual([
      at("2026-12-10", "13:00").toISOString(),
      at("2026-12-10", "13:30").toISOString(),
      at("2026-12-10", "14:00").toISOString(),
    ]);
  });

  it("Điều 5.2: a secret session shows only its code and time in public", () => {
    const req = request({ secret: true, title: "Phương án bảo vệ bí mật nhà nước" });
    const d = decide(req, ctx());
    const text = decisionText("HTT-2026-0001", req, d, {
      zone: DEFAULT_REGULATION.zone,
      answerWithinMinutes: 120,
    });
    expect(text).not.toContain("bí mật nhà nước");
    const line = groupLine("HTT-2026-0001", req, d.outcome, DEFAULT_REGULATION.zone);
    expect(line).toBe("[HTT-2026-0001] ĐÃ XÁC NHẬN — 09:00–11:00 Thứ Năm, 10/12/2026 — phiên mật");
  });

  it("the state machine refuses impossible moves with a Vietnamese message", () => {
    expect(checkTransition("received", "confirmed")).toEqual({ ok: true });
    expect(checkTransition("cancelled", "confirmed")).toEqual({
      ok: false,
      message: "Không thể chuyển lịch họp từ trạng thái «đã hủy» sang «đã xác nhận».",
    });
    expect(checkTransition("live", "cancelled").ok).toBe(false);
  });
});
