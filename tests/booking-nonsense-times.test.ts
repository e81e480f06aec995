import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/app/config.js";
import { decide } from "../src/core/booking/decide.js";
import type { DecisionContext } from "../src/core/booking/rules.js";
import { DEFAULT_REGULATION } from "../src/core/regulation.js";
import { snapshotOf } from "../src/store/directory-repo.js";
import { at, makeDesk, request, sampleDirectory } from "./helpers.js";
import { lastAnswer, mailDeskOf } from "./support/mail-desk.js";
import { mail, template } from "./support/service.js";

const directory = snapshotOf(sampleDirectory);
const now = at("2026-12-07", "08:30");
function ctx(over: Partial<DecisionContext> = {}): DecisionContext {
  return { now, reg: DEFAULT_REGULATION, directory, holders: [], ...over };
}

describe("nonsense times are findings, not confirmations", () => {
  it("an end before the start goes to needs-info, naming both times", () => {
    const d = decide(request({ start: at("2026-12-10", "14:00"), end: at("2026-12-10", "11:00") }), ctx());
    expect(d.outcome).toBe("needs-info");
    expect(d.reasons.map((r) => r.code)).toEqual(["invalid-time"]);
    expect(d.reasons[0]?.message).toBe(
      "Giờ kết thúc 11:00 không sau giờ bắt đầu 14:00 Thứ Năm, 10/12/2026; đề nghị cho biết lại thời gian bắt đầu và kết thúc phiên họp.",
    );
    expect(d.displaced).toEqual([]);
  });

  it("an end equal to the start is as wrong as one before it", () => {
    const d = decide(request({ start: at("2026-12-10", "09:00"), end: at("2026-12-10", "09:00") }), ctx());
    expect(d.outcome).toBe("needs-info");
    expect(d.reasons[0]?.message).toContain("Giờ kết thúc 09:00 không sau giờ bắt đầu 09:00");
  });

  it("a start in the past stays rejected, even with a nonsense end", () => {
    const late = at("2026-12-11", "08:00");
    const d = decide(request({ end: at("2026-12-10", "08:00"), receivedAt: late }), ctx({ now: late }));
    expect(d.outcome).toBe("rejected");
    expect(d.reasons.map((r) => r.code)).toContain("in-the-past");
  });

  it("a date beyond the 12-month horizon goes to review, naming the date", () => {
    const far = decide(request({ start: at("2027-12-10", "09:00"), end: at("2027-12-10", "11:00") }), ctx());
    expect(far.outcome).toBe("needs-review");
    expect(far.reasons.map((r) => r.code)).toEqual(["too-far-ahead"]);
    expect(far.reasons[0]?.message).toContain("09:00 Thứ Sáu, 10/12/2027");
    expect(far.reasons[0]?.message).toContain("xa hơn 12 tháng");
    const near = decide(request({ start: at("2027-12-06", "09:00"), end: at("2027-12-06", "11:00") }), ctx());
    expect(near.outcome).toBe("confirmed");
  });

  it("the horizon is configurable (DESK_BOOKING_HORIZON_MONTHS)", () => {
    const config = loadConfig({ DESK_BOOKING_HORIZON_MONTHS: "3", DESK_DB: ":memory:" });
    expect(config.reg.horizonMonths).toBe(3);
    expect(loadConfig({ DESK_DB: ":memory:" }).reg.horizonMonths).toBe(12);
    const d = decide(
      request({ start: at("2027-04-10", "09:00"), end: at("2027-04-10", "11:00") }),
      ctx({ reg: config.reg }),
    );
    expect(d.outcome).toBe("needs-review");
    expect(d.reasons[0]?.message).toContain("xa hơn 3 tháng");
    expect(() => loadConfig({ DESK_BOOKING_HORIZON_MONTHS: "mười hai" })).toThrow(ConfigError);
    expect(() => loadConfig({ DESK_BOOKING_HORIZON_MONTHS: "mười hai" })).toThrow(
      "DESK_BOOKING_HORIZON_MONTHS",
    );
  });
});

describe("nonsense times in mail", () => {
  const NOW = at("2026-12-07", "08:35");

  it("a mail whose end comes before its start is answered with a question naming the times", async () => {
    const desk = await makeDesk();
    const o = await mailDeskOf(desk).handle(
      mail({ id: "nguoc@hanoi.gov.vn", body: template(1, undefined, "từ 14h00 đến 11h00 ngày 10/12/2026") }),
      NOW,
    );
    expect(o).toMatchObject({ kind: "registered", decision: { outcome: "needs-info" } });
    const text = await lastAnswer(desk);
    expect(text).toContain("CẦN BỔ SUNG THÔNG TIN");
    expect(text).toContain("Giờ kết thúc 11:00 không sau giờ bắt đầu 14:00 Thứ Năm, 10/12/2026");
  });

  it("a mail for a date years ahead (a mistyped year) goes to review", async () => {
    const desk = await makeDesk();
    const o = await mailDeskOf(desk).handle(
      mail({ id: "xa@hanoi.gov.vn", body: template(2, undefined, "từ 09h00 đến 11h00 ngày 10/12/2028") }),
      NOW,
    );
    expect(o).toMatchObject({ kind: "registered", decision: { outcome: "needs-review" } });
    expect(await lastAnswer(desk)).toContain("xa hơn 12 tháng");
  });

  it("a change whose end comes before its start keeps the confirmed booking and asks again", async () => {
    const desk = await makeDesk();
    const md = mailDeskOf(desk);
    const first = await md.handle(mail({ id: "goc@hanoi.gov.vn", body: template(3) }), NOW);
    expect(first).toMatchObject({ kind: "registered", decision: { outcome: "confirmed" } });
    const change = await md.handle(
      mail({
        id: "doi-nguoc@hanoi.gov.vn",
        subject: "Re: Đăng ký lịch họp trực tuyến [HTT-2026-0001]",
        body: "Kính gửi Trung tâm,\nĐề nghị đổi sang từ 15h00 đến 14h00 cùng ngày.",
      }),
      NOW,
    );
    expect(change.kind).toBe("change-refused");
    const b = await desk.store.read((r) => r.bookings.get("HTT-2026-0001"));
    expect(b?.status).toBe("confirmed");
    expect(b?.request.start?.toISOString()).toBe(at("2026-12-10", "09:00").toISOString());
    const text = await lastAnswer(desk);
    expect(text).toContain("Không thể thay đổi lịch họp HTT-2026-0001; lịch cũ được giữ nguyên.");
    expect(text).toContain("Giờ kết thúc 14:00 không sau giờ bắt đầu 15:00");
  });
});
