import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DirectoryCsvError, directoryToCsv, readDirectoryCsv } from "../src/app/directory/csv.js";
import { PRIORITY } from "../src/core/booking/types.js";
import { at, makeDesk, SAMPLE_DIR, sampleDirectory } from "./helpers.js";
import { CLERK_DATE, CLERK_NOW, lastAnswer, mailDeskOf } from "./support/mail-desk.js";
import { mail } from "./support/service.js";

// Điều 11.1: sessions chaired by UBND Thành phố are notified by its office, Văn phòng UBND Thành phố, from the office's
// own mailbox. The directory says which office notifies for which chair (agencies.csv `notifies_for`). Before, such
// a notice was booked as Văn phòng UBND's own session: normal priority, the lead time of a registration, and the
// office's endpoint VPUB-01 connected as host.

const VPUB = "vanthu.vpub@hanoi.gov.vn";
const notice = (time = "từ 14h00 đến 16h00 ngày 10/12/2026") =>
  `Kính gửi Trung tâm Thông tin dữ liệu,\nVăn phòng UBND Thành phố thông báo: đồng chí Chủ tịch UBND Thành phố chủ trì hội nghị trực tuyến về công tác phòng chống rét đậm, rét hại, thời gian ${time}, tại Phòng họp trực tuyến trụ sở UBND Thành phố, kết nối tới UBND phường Ngọc Hà, UBND phường Ba Đình.\nĐề nghị Trung tâm chuẩn bị kỹ thuật. Liên hệ: đ/c Trần Văn Minh, 0912345678.`;

async function send(body: string, from = VPUB, now = CLERK_NOW, date = CLERK_DATE) {
  const desk = await makeDesk();
  await mailDeskOf(desk).handle(mail({ id: "tb@hanoi.gov.vn", from, body, date }), now);
  const [b] = await desk.store.read((r) => r.bookings.list({}));
  return { desk, b: b!, answer: await lastAnswer(desk) };
}

describe("a chair's office notifies the chair's session (Điều 11.1)", () => {
  it("the Chairman's session notified by Văn phòng UBND is UBND Thành phố's, with a chair's priority, at its endpoint", async () => {
    const { b, answer } = await send(notice());
    expect(b.request.host).toBe("UBND thành phố Hà Nội");
    expect(b.priority).toBe(PRIORITY.chair);
    expect(b.status).toBe("confirmed");
    expect(b.hostEndpoint).toBe("UBND-01");
    expect([...b.request.participants].sort()).toEqual(["CX-00004", "CX-00008"]);
    expect(answer).toContain("Cơ quan chủ trì: UBND thành phố Hà Nội.");
    // The office that sent the notice is not an endpoint of the session.
    expect(answer).not.toContain("VPUB-01");
    expect(answer).not.toContain("khác cơ quan gửi thư");
  });

  it("notified three hours ahead, it is prepared, not sent to review as a late registration", async () => {
    const now = at("2026-12-10", "11:00");
    const { b, answer } = await send(notice(), VPUB, now, "Thu, 10 Dec 2026 10:55:00 +0700");
    expect(b.status).toBe("confirmed");
    expect(answer).not.toContain("Đăng ký gửi muộn");
  });

  it("the office's own meeting at the city hall room stays the office's, with a registration's priority", async () => {
    const own =
      "Kính gửi Trung tâm,\nVăn phòng UBND Thành phố đăng ký họp giao ban công tác văn phòng từ 8h00 đến 10h00 ngày 11/12/2026 tại Phòng họp trực tuyến trụ sở UBND Thành phố, kết nối tới UBND phường Ngọc Hà. Liên hệ: Trần Văn Minh, 0912345678.";
    const { b } = await send(own);
    expect(b.request.host).toBe("Văn phòng UBND thành phố Hà Nội");
    expect(b.priority).toBe(PRIORITY.normal);
  });

  it("the same notice from a department's mailbox claims no chair's priority", async () => {
    const { b } = await send(notice(), "vanthu.sct@hanoi.gov.vn");
    expect(b.request.host).toBe("Sở Công Thương");
    expect(b.priority).toBe(PRIORITY.normal);
  });

  it("a department's mailbox naming UBND Thành phố as host goes to review, as before", async () => {
    const body = `Cơ quan chủ trì: UBND Thành phố\n${notice()}`;
    const { b } = await send(body, "vanthu.sct@hanoi.gov.vn");
    expect(b.request.host).toBe("UBND thành phố Hà Nội");
    expect(b.status).toBe("needs-review");
    expect(b.priority).toBe(PRIORITY.normal);
  });
});

describe("agencies.csv notifies_for", () => {
  it("is read, kept through the store and written back by the export", async () => {
    const vpub = sampleDirectory.agencies.find((a) => a.name === "Văn phòng UBND thành phố Hà Nội")!;
    expect(vpub.notifiesFor).toBe("UBND thành phố Hà Nội");
    const desk = await makeDesk();
    const stored = await desk.store.read((r) => r.directory.load());
    expect(stored.agencies.find((a) => a.name === vpub.name)!.notifiesFor).toBe("UBND thành phố Hà Nội");
    expect(directoryToCsv(stored)["agencies.csv"]).toContain(
      "Văn phòng UBND Thành phố|VP UBND TP,department,,,UBND thành phố Hà Nội",
    );
  });

  it("naming an agency the file does not have, or itself, is refused with the line", () => {
    const dir = mkdtempSync(join(tmpdir(), "dir-"));
    for (const f of ["endpoints.csv", "people.csv"])
      writeFileSync(join(dir, f), readFileSync(join(SAMPLE_DIR, f)));
    const agencies = readFileSync(join(SAMPLE_DIR, "agencies.csv"), "utf8")
      .replace(",department,,,UBND thành phố Hà Nội", ",department,,,UBND Thành phố Hà Nội mới")
      .replace(
        "Sở Nội vụ,vanthu.snv@hanoi.gov.vn,,department,,,",
        "Sở Nội vụ,vanthu.snv@hanoi.gov.vn,,department,,,Sở Nội vụ",
      );
    writeFileSync(join(dir, "agencies.csv"), agencies);
    let err: unknown;
    try {
      readDirectoryCsv(dir);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DirectoryCsvError);
    const problems = (err as DirectoryCsvError).problems.filter((p) => p.column === "notifies_for");
    expect(problems.map((p) => [p.line, p.message])).toEqual([
      [8, "cơ quan không thể là văn phòng thông báo lịch họp của chính mình."],
      [7, "không có cơ quan «UBND Thành phố Hà Nội mới» trong agencies.csv (ghi đúng cột name)."],
    ]);
  });
});
