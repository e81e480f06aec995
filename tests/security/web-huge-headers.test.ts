import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listen, type RunningWeb } from "../../src/web/server.js";
import { webDesk } from "../web/support.js";

// Found by trying the web desk as an attacker: a request Node itself refuses before the app sees it (a header block
// over its 16 KB, which a browser sends once a shared intranet domain has piled cookies on it; a malformed line) got
// an English status line and an empty body, which the browser shows as a blank page.

/** What the server answers to `text` sent as is on a fresh connection. */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(text));
    let out = "";
    socket.on("data", (d) => {
      out += d.toString("utf8");
    });
    socket.on("close", () => resolve(out));
    socket.on("error", () => resolve(out));
  });
}

let web: RunningWeb;
beforeAll(async () => {
  const { app } = await webDesk();
  web = await listen(app, "127.0.0.1", 0);
});
afterAll(() => web?.close());

describe("a request Node refuses before the desk reads it", () => {
  it("a header block over the limit is 431 with a Vietnamese line that says what to do", async () => {
    for (const req of [
      `GET /hom-nay HTTP/1.1\r\nHost: x\r\nCookie: a=${"x".repeat(20_000)}\r\n\r\n`,
      `GET /${"a".repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    ]) {
      const res = await raw(web.port, req);
      expect(res).toMatch(/^HTTP\/1\.1 431 /);
      expect(res).toContain("Content-Type: text/plain; charset=utf-8");
      expect(res).toContain("Connection: close");
      const [, body] = res.split("\r\n\r\n");
      expect(body).toContain("quá lớn");
      expect(body).toContain("cookie");
      const length = Number(/Content-Length: (\d+)/.exec(res)?.[1]);
      expect(length).toBe(Buffer.byteLength(body!));
    }
  });

  it("a malformed request is 400 with a Vietnamese line", async () => {
    const res = await raw(web.port, "GET /hom-nay HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n");
    expect(res).toMatch(/^HTTP\/1\.1 400 /);
    expect(res.split("\r\n\r\n")[1]).toContain("Yêu cầu không đúng định dạng");
  });

  it("the server still serves after them", async () => {
    const res = await raw(web.port, "GET /dang-nhap HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(res).toMatch(/^HTTP\/1\.1 200 /);
  });
});
