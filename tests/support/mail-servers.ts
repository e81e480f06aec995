import { afterAll, beforeAll } from "vitest";
import { Dovecot, SmtpSink } from "./servers.js";

/** A Dovecot and an SMTP sink for one test file, started before its tests and stopped after them. */
export function useMailServers(): { dovecot: Dovecot; sink: SmtpSink } {
  const servers = { dovecot: new Dovecot(), sink: new SmtpSink() };
  beforeAll(async () => {
    await servers.dovecot.start();
    await servers.sink.start();
  });
  afterAll(async () => {
    await servers.sink.stop();
    await servers.dovecot.destroy();
  });
  return servers;
}
