import { generate } from "selfsigned";

/** A certificate and its key in PEM, made for one test run; never written to the repository. */
export interface TestCertificate {
  cert: string;
  key: string;
}

/**
 * A self-signed certificate for `localhost` and 127.0.0.1, generated at test time. A test trusts it explicitly
 * (as the CA file of the connection); a second call gives a different one, which must then be refused.
 */
export async function selfSignedCertificate(commonName = "localhost"): Promise<TestCertificate> {
  const pems = await generate([{ name: "commonName", value: commonName }], {
    keySize: 2048,
    algorithm: "sha256",
  });
  return { cert: pems.cert, key: pems.private };
}
