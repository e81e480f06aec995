import { describe, expect, it } from "vitest";
import { makeDesk } from "../helpers.js";
import { mailDeskOf } from "../support/mail-desk.js";
import { template } from "../support/service.js";
import { rawMail } from "./mail-auth-support.js";

/**
 * Threat: a mail the desk cannot decide without throwing. The IMAP intake moves past a mail only once its effect
 * committed; a mail whose handling throws is fetched again at the next round, and again, and every mail behind
 * it waits. A clerk's typed year «0000» was such a mail (the holiday calendar of year 0 threw).
 */
const NOW = new Date("2026-12-07T01:35:00Z");

describe("a booking mail with an impossible year is answered, not thrown", () => {
  it.each(["0000", "0001", "0099", "0999"])("«09h00 ngày 10/12/%s» is decided", async (year) => {
    const desk = await makeDesk();
    const mail = rawMail({
      id: `nam-${year}@hanoi.gov.vn`,
      from: "vanthu.sct@hanoi.gov.vn",
      body: template(1, "UBND phường Ngọc Hà", `09h00 ngày 10/12/${year}`),
    });
    const outcome = await mailDeskOf(desk).handle(mail, NOW);
    expect(outcome.kind).toBe("registered");
    const answers = (await desk.store.read((r) => r.outbox.list())).filter((m) => m.channel === "mail");
    expect(answers).toHaveLength(1);
  });
});
