/**
 * What verifying a Chatwoot delivery costs over the HMAC it cannot avoid: `verifyDelivery` on 4 KiB bodies against
 * a bare `createHmac(...).update(ts + "." + body).digest("hex")` on the same bodies, warmed up, then interleaved in
 * rounds (alternating which goes first) so machine noise hits both alike. `signature.verify_vs_hmac_ratio` is
 * verifications per second over HMACs per second: near 1 means header parsing, the clock check and the
 * constant-time compare add little.
 */
import { createHmac } from "node:crypto";
import { signDelivery, verifyDelivery, type DeliveryHeaders } from "../providers/chatwoot/signature";
import type { Benchmark } from "./registry";

const SECRET = "4kZpQ7rWm2XyB9cDfGhJtNvE";
const PREVIOUS_SECRET = "9TqWc3RxLm7HvB2nKpYdZs4F"; // listed second, as during a rotation; deliveries use the current one
const BODY_BYTES = 4096;
const BODIES = 16;
const ROUNDS = 10;
const PER_ROUND = 20_000;

/** A Chatwoot-shaped JSON body of exactly BODY_BYTES bytes, different for each `i`. */
function body(i: number): string {
    const head = `{"event":"message_created","id":${i},"content":"`;
    const tail = '"}';
    return head + `message ${i}: the quick brown fox jumps over the lazy dog. `.repeat(100).slice(0, BODY_BYTES - head.length - tail.length) + tail;
}

export const signatureVerify: Benchmark = {
    name: "signature",
    description: `verifyDelivery vs raw createHmac on ${BODY_BYTES}-byte bodies, ${ROUNDS} rounds x ${PER_ROUND} each`,
    async run() {
        const ts = String(Math.floor(Date.now() / 1000));
        const deliveries = Array.from({ length: BODIES }, (_, i) => {
            const text = body(i);
            const raw = Buffer.from(text); // what a receiver holds
            const headers: DeliveryHeaders = signDelivery(SECRET, raw, { timestamp: Number(ts) });
            return { text, raw, headers };
        });
        const secrets = [SECRET, PREVIOUS_SECRET];

        // each returns a count that is checked, so neither loop's work can be optimised away
        const verify = (n: number): number => {
            let ok = 0;
            for (let i = 0; i < n; i++) {
                const d = deliveries[i % BODIES]!;
                if (verifyDelivery({ headers: d.headers, rawBody: d.raw, secrets }).ok) ok++;
            }
            return ok;
        };
        const hmac = (n: number): number => {
            let ok = 0;
            for (let i = 0; i < n; i++) {
                const d = deliveries[i % BODIES]!;
                if (createHmac("sha256", SECRET).update(ts + "." + d.text).digest("hex").length === 64) ok++;
            }
            return ok;
        };

        for (let i = 0; i < 3; i++) { verify(PER_ROUND / 4); hmac(PER_ROUND / 4); } // warm up both paths

        let verifyMs = 0;
        let hmacMs = 0;
        const timed = (fn: (n: number) => number): number => {
            const t0 = performance.now();
            if (fn(PER_ROUND) !== PER_ROUND) throw new Error("a benchmark delivery failed to verify");
            return performance.now() - t0;
        };
        for (let round = 0; round < ROUNDS; round++) {
            if (round % 2 === 0) { verifyMs += timed(verify); hmacMs += timed(hmac); }
            else { hmacMs += timed(hmac); verifyMs += timed(verify); }
        }
        // same number of operations on both sides, so throughput ratio = time ratio inverted
        return { "signature.verify_vs_hmac_ratio": hmacMs / verifyMs };
    },
};
