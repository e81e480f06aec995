import { describe, expect, it } from "vitest";
import { at } from "../helpers.js";
import { webDesk } from "../web/support.js";

/**
 * Threat: a name from the address (`?tb=`, `/static/…`) looked up in a plain object finds JavaScript's own
 * properties (`constructor`, `__proto__`): the flash's text was Object's and the login page failed with a 500.
 */
const NOW = at("2026-12-10", "08:00");

describe("web desk: names from the address are looked up as data, never as JavaScript's own properties", () => {
  it("«tb=constructor», «tb=__proto__», «/static/constructor» answer as any unknown name, not with a 500", async () => {
    const { app } = await webDesk({ now: () => NOW });
    for (const tb of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
      const res = await app.request(`/dang-nhap?tb=${tb}&ma=x`);
      expect(res.status, tb).toBe(200);
    }
    for (const file of ["constructor", "__proto__", "toString"]) {
      const res = await app.request(`/static/${file}`);
      expect(res.status, file).toBe(404);
    }
  });
});
