import { describe, expect, it } from "vitest";
import { reviewBooking } from "../src/app/booking/index.js";
import { decide } from "../src/core/booking/decide.js";
import { decisionText } from "../src/core/booking/messages.js";
import { DEFAULT_REGULATION } from "../src/core/regulation.js";
import { snapshotOf } from "../src/store/directory-repo.js";
import { at, makeDesk, request, sampleDirectory, ZONE } from "./helpers.js";
import { lastAnswer, mailDeskOf } from "./support/mail-desk.js";
import { mail, template } from "./support/service.js";

const directory = snapshotOf(sampleDirectory);
const now = at("2026-12-07", "08:30");
const NOW = at("2026-12-07", "08:35");
const opts = {
  zone: ZONE,
  answerWithinMinutes: 120,
  endpointName: (c: string) => directory.endpoint(c)?.name,
  hostEndpoint: "SCT-01",
};

function answerTo(req: ReturnType<typeof request>) {
  const d = decide(req, { now, reg: DEFAULT_REGULATION, directory, holders: [] });
  return decisionText("HTT-2026-0042", req, d, opts);
}

describe("answers echo what was understood", () => {
  it("names the host, every endpoint by name and code, the time and the flags", () => {
    const text = answerTo(
      request({ participants: ["CX-00008", "CX-00070"], recording: true, cityHallRoom: false }),
    );
    expect(text.split("\n")).toEqual(
      expect.arrayContaining([
        "Lịch họp HTT-2026-0042: ĐÃ XÁC NHẬN.",
        "Thời gian: 09:00–11:00 Thứ Năm, 10/12/2026.",
        "Cơ quan chủ trì: Sở Công Thương.",
        "Điểm cầu (3): Sở Công Thương (SCT-01); Phường Ngọc Hà (CX-00008); Phường Hoàn Kiếm (CX-00070).",
        "Ghi hình: có. Phòng họp trực tuyến tại trụ sở UBND Thành phố: không. Họp đột xuất, khẩn cấp: không.",
      ]),
    );
  });

  it("echoes an emergency and the city-hall room, and names what it could not match", () => {
    const text = answerTo(
      request({
        participants: ["CX-00008"],
        unresolved: ["xã Không Tồn Tại"],
        emergency: true,
        cityHallRoom: true,
      }),
    );
    expect(text).toContain("CẦN BỔ SUNG THÔNG TIN");
    expect(text).toContain(
      "Điểm cầu (3): Sở Công Thương (SCT-01); Phường Ngọc Hà (CX-00008); «xã Không Tồn Tại» (chưa xác định).",
    );
    expect(text).toContain(
      "Ghi hình: không. Phòng họp trực tuyến tại trụ sở UBND Thành phố: có. Họp đột xuất, khẩn cấp: có.",
    );
  });

  it("echoes the contact as read, so a clerk asked for it sees which part is missing", async () => {
    expect(answerTo(request())).toContain("Đầu mối liên hệ: Lâm Thị Ngọc, 0983210456.");
    // «chị Hoa, 0912 345 678»: the phone was read, not a full name (Điều 12.2a asks for họ tên).
    const desk = await makeDesk();
    await mailDeskOf(desk).handle(
      mail({
        id: "dau-moi@hanoi.gov.vn",
        body: template(7).replace(
          /- Thông tin đầu mối[^\n]*|- Đầu mối[^\n]*/i,
          "- Đầu mối: chị Hoa, 0912 345 678",
        ),
      }),
      NOW,
    );
    const text = await lastAnswer(desk);
    expect(text).toContain("CẦN BỔ SUNG THÔNG TIN");
    expect(text).toContain("Đầu mối liên hệ: (chưa có họ tên đầy đủ), 0912345678.");
  });

  it("Điều 5.2: a secret session's answer keeps to code and time", () => {
    const text = answerTo(request({ secret: true, recording: true }));
    expect(text).toContain("Lịch họp HTT-2026-0042: ĐÃ XÁC NHẬN.");
    expect(text).toContain("Thời gian: 09:00–11:00 Thứ Năm, 10/12/2026.");
    expect(text).not.toContain("Điểm cầu");
    expect(text).not.toContain("Ngọc Hà");
    expect(text).not.toContain("Ghi hình");
    expect(text).not.toContain("Sở Công Thương");
  });

  it("the mail answer to a registration carries the echo", async () => {
    const desk = await makeDesk();
    const o = await mailDeskOf(desk).handle(
      mail({
        id: "echo@hanoi.gov.vn",
        body: template(5, "UBND phường Ngọc Hà, UBND phường Hoàn Kiếm").replace(
          "- Nội dung họp",
          "- Yêu cầu hỗ trợ: ghi hình phiên họp\n- Nội dung họp",
        ),
      }),
      NOW,
    );
    expect(o).toMatchObject({ kind: "registered", decision: { outcome: "confirmed" } });
    const text = await lastAnswer(desk);
    expect(text).toContain(
      "Điểm cầu (3): Sở Công Thương (SCT-01); Phường Ngọc Hà (CX-00008); Phường Hoàn Kiếm (CX-00070).",
    );
    expect(text).toContain("Ghi hình: có.");
    expect(text).toContain("Thời gian: 09:00–11:00 Thứ Năm, 10/12/2026.");
  });

  it("a technician's decision on a booking in review carries the echo too", async () => {
    const desk = await makeDesk();
    const late = at("2026-12-09", "16:00");
    await mailDeskOf(desk).handle(mail({ id: "muon@hanoi.gov.vn", body: template(6) }), late);
    const b = await reviewBooking(
      desk,
      "HTT-2026-0001",
      "confirmed",
      { id: "cli:kt", channel: "cli" },
      "bố trí được",
      late,
    );
    expect(b.status).toBe("confirmed");
    const text = await lastAnswer(desk, "HTT-2026-0001");
    expect(text).toContain("ĐÃ XÁC NHẬN");
    expect(text).toContain("Điểm cầu (2): Sở Công Thương (SCT-01); Phường Ngọc Hà (CX-00008).");
  });
});
