/**
 * Threat: authenticity silently off. It is on by default; turning it off for a lab is possible and loud; the
 * boundary's authserv-id must look like a host name, so a header value cannot be smuggled into it.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/app/config.js";
import { DeskService } from "../../src/app/service.js";
import { tempDir, testDb } from "../helpers.js";

describe("mail authenticity settings", () => {
  it("is on by default, with no trusted boundary until one is named", () => {
    const config = loadConfig({});
    expect(config.mail.requireAuth).toBe(true);
    expect(config.mail.authservId).toBeNull();
    expect(loadConfig({ DESK_MAIL_AUTHSERV_ID: "MX.Hanoi.gov.vn" }).mail.authservId).toBe("mx.hanoi.gov.vn");
  });

  it("refuses an authserv-id that is not a host name, in Vietnamese", () => {
    expect(() => loadConfig({ DESK_MAIL_AUTHSERV_ID: "mx.hanoi.gov.vn; dmarc=pass" })).toThrow(ConfigError);
    expect(() => loadConfig({ DESK_MAIL_AUTHSERV_ID: "mx.hanoi.gov.vn; dmarc=pass" })).toThrow(
      /DESK_MAIL_AUTHSERV_ID=«mx.hanoi.gov.vn; dmarc=pass»: phải là tên máy chủ/,
    );
    expect(() => loadConfig({ DESK_MAIL_REQUIRE_AUTH: "no" })).toThrow(
      /DESK_MAIL_REQUIRE_AUTH=«no»: phải là true hoặc false/,
    );
  });

  it("takes the desk's other addresses from DESK_MAIL_ALIASES and refuses one that is no address, in Vietnamese", () => {
    expect(loadConfig({}).mail.aliases).toEqual([]);
    expect(
      loadConfig({ DESK_MAIL_ALIASES: " Hop.TrucTuyen@hanoi.gov.vn, ,kythuat.cu@hanoi.gov.vn" }).mail.aliases,
    ).toEqual(["hop.tructuyen@hanoi.gov.vn", "kythuat.cu@hanoi.gov.vn"]);
    expect(() => loadConfig({ DESK_MAIL_ALIASES: "hop.tructuyen@hanoi.gov.vn,hop-truc-tuyen" })).toThrow(
      /DESK_MAIL_ALIASES: «hop-truc-tuyen» không phải là địa chỉ thư/,
    );
  });

  async function startLogs(env: Record<string, string>) {
    const events: { event: string; fields: Record<string, unknown>; level?: string }[] = [];
    const service = await DeskService.open(
      loadConfig({ DESK_DB: await testDb(join(tempDir(), "desk.db")), ...env }),
      (event, fields = {}, level) => events.push({ event, fields, level }),
    );
    await service.start();
    await service.stop();
    return events;
  }

  it("warns loudly at start while it is off, and only then", async () => {
    const off = await startLogs({ DESK_MAIL_REQUIRE_AUTH: "false" });
    const warning = off.find((e) => e.event === "mail-auth-off");
    // At pino's warn level (the log call's level argument), not a `level` field beside pino's own.
    expect(warning?.level).toBe("warn");
    expect(warning?.fields.level).toBeUndefined();
    expect(String(warning?.fields.message)).toContain("CẢNH BÁO: DESK_MAIL_REQUIRE_AUTH=false");
    const on = await startLogs({});
    expect(on.some((e) => e.event === "started")).toBe(true);
    expect(on.some((e) => e.event === "mail-auth-off")).toBe(false);
  });
});
