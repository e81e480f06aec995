import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/app/cli/commands.js";
import { ConfigError, loadConfig } from "../../src/app/config.js";
import { MCU_FACTORIES } from "../../src/mcu/factory.js";
import { McuRefusedError } from "../../src/mcu/port.js";
import { FakeCms } from "../support/fake-cms.js";

/**
 * Threat (and outage): with DESK_MCU_KIND=cms the adapter got no URL and no API account from the environment,
 * so the desk could not drive the Cisco Meeting Server at all; and an API password must not travel in clear to
 * another machine. The account comes only from the environment and is sent as HTTP Basic auth.
 */

const USER = "api-desk";
const PASS = "mat-khau-cms-thu";
const cms = new FakeCms(USER, PASS);

beforeAll(() => cms.start());
afterAll(() => cms.stop());

const env = (extra: Record<string, string | undefined> = {}) => ({
  DESK_DB: ":memory:",
  DESK_MCU_KIND: "cms",
  DESK_MCU_URL: cms.url,
  DESK_MCU_USER: USER,
  DESK_MCU_PASSWORD: PASS,
  ...extra,
});

// SQLite only (kept out of BOTH_STORES): configuration and the MCU client; its desk is an in-memory SQLite.
describe("DESK_MCU_KIND=cms from the environment to the API", () => {
  it("the adapter built from loadConfig reaches the CMS with the configured Basic auth", async () => {
    const config = loadConfig(env());
    expect(config.mcu.kind).toBe("cms");
    const mcu = MCU_FACTORIES[config.mcu.kind](config.mcu.settings);
    const { id } = await mcu.createConference({ code: "HTT-2026-0007", name: "Giao ban" });
    await mcu.connect(id, { code: "CX-00008", dial: "sip:cx-00008@cms.hanoi.gov.vn" });
    expect(await mcu.status(id)).toMatchObject([{ endpoint: "CX-00008", connected: true }]);
    await mcu.endConference(id);
    // The fake answers 401 to anything but Basic api-desk:mat-khau-cms-thu, so every request below carried it.
    expect(cms.requests[0]).toMatch(/^POST \/coSpaces /);
    expect(cms.requests).toContain(`DELETE /calls/${id}`);
  });

  it("`mcu check` runs the configured CMS end to end", async () => {
    const out: string[] = [];
    await runCli(["mcu", "check"], loadConfig(env()), { out: (t) => out.push(t), now: () => new Date() });
    expect(out[0]).toBe("Kiểm tra MCU loại cms:");
    expect(out.at(-1)).toBe("Kiểm tra MCU đạt.");
  });

  it("a wrong password is the CMS's 401, reported as a refusal", async () => {
    const config = loadConfig(env({ DESK_MCU_PASSWORD: "sai-mat-khau" }));
    const mcu = MCU_FACTORIES.cms(config.mcu.settings);
    const err = await mcu.createConference({ code: "HTT-2026-0008", name: "Thử" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(McuRefusedError);
    expect((err as Error).message).toBe("cms: sai tài khoản API của CMS (401)");
  });

  it("a missing URL, user or password is a Vietnamese config error naming the variable", () => {
    for (const name of ["DESK_MCU_URL", "DESK_MCU_USER", "DESK_MCU_PASSWORD"]) {
      const load = () => loadConfig(env({ [name]: undefined }));
      expect(load).toThrow(ConfigError);
      expect(load).toThrow(new RegExp(`MCU loại cms \\(Cisco Meeting Server\\) cần ${name} `));
    }
    expect(() => loadConfig(env({ DESK_MCU_URL: "cms.hanoi.gov.vn" }))).toThrow(
      /DESK_MCU_URL=«cms.hanoi.gov.vn» không phải địa chỉ http\(s\)/,
    );
  });

  it("the API password goes over https, or over http only to this machine", () => {
    expect(() => loadConfig(env({ DESK_MCU_URL: "http://cms.hanoi.gov.vn/api/v1" }))).toThrow(
      /DESK_MCU_URL=«http:\/\/cms.hanoi.gov.vn\/api\/v1» dùng http, mật khẩu API của CMS sẽ đi qua mạng không mã hóa/,
    );
    expect(loadConfig(env({ DESK_MCU_URL: "https://cms.hanoi.gov.vn:445/api/v1" })).mcu.settings).toEqual({
      url: "https://cms.hanoi.gov.vn:445/api/v1",
      user: USER,
      password: PASS,
    });
  });

  it("janus gets its URL too", () => {
    const config = loadConfig({
      DESK_DB: ":memory:",
      DESK_MCU_KIND: "janus",
      DESK_MCU_URL: "http://127.0.0.1:8088/janus",
    });
    expect(config.mcu.settings).toEqual({ url: "http://127.0.0.1:8088/janus" });
  });
});
