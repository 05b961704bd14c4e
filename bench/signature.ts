/**
 * What verifying a Chatwoot delivery costs over the HMAC it cannot avoid, on 4 KiB bodies. The baseline hashes the
 * same bytes the same way `verifyDelivery` does (`"<ts>."` then the raw body Buffer, a raw digest), so the ratio
 * shows only what verification adds: header parsing, the clock check, the constant-time compare.
 * - `signature.verify_vs_hmac_ratio`: deliveries signed with the current secret (the first accepted one); near 1.
 * - `signature.rotation_vs_hmac_ratio`: deliveries signed with the previous secret during a rotation, so the second
 *   accepted secret matches after the first failed; target >= 0.45, i.e. at most the two HMACs it must compute.
 * Warmed up, then interleaved in rounds (alternating which goes first) so machine noise hits all sides alike.
 */
import { createHmac } from "node:crypto";
import { signDelivery, verifyDelivery, type DeliveryHeaders } from "../providers/chatwoot/signature";
import type { Benchmark } from "./benchmark";

const SECRET = "4kZpQ7rWm2XyB9cDfGhJtNvE";
const PREVIOUS_SECRET = "9TqWc3RxLm7HvB2nKpYdZs4F"; // listed second, as during a rotation
const BODY_BYTES = 4096;
const BODIES = 16;

/** A Chatwoot-shaped JSON body of exactly BODY_BYTES bytes, different for each `i`. */
function body(i: number): string {
    const head = `{"event":"message_created","id":${i},"content":"`;
    const tail = '"}';
    return head + `message ${i}: the quick brown fox jumps over the lazy dog. `.repeat(100).slice(0, BODY_BYTES - head.length - tail.length) + tail;
}

export interface Delivery {
    readonly raw: Buffer;
    readonly headers: DeliveryHeaders;
}

/** BODIES deliveries signed with `secret` at `ts`. */
export function deliveries(secret: string, ts: number): Delivery[] {
    return Array.from({ length: BODIES }, (_, i) => {
        const raw = Buffer.from(body(i)); // what a receiver holds
        return { raw, headers: signDelivery(secret, raw, { timestamp: ts }) };
    });
}

/** Side by side: verifying current-secret deliveries, previous-secret deliveries, and the bare HMAC. */
export interface SignatureSides {
    readonly current: readonly Delivery[];
    readonly rotated: readonly Delivery[];
    /** The accepted secrets, current first. */
    readonly secrets: readonly string[];
}

/** The baseline: exactly the HMAC verifyDelivery computes per secret, the same bytes fed the same way, a raw digest. */
export function baselineHmac(secret: string, d: Delivery): Buffer {
    return createHmac("sha256", secret).update(d.headers["x-chatwoot-timestamp"] + ".").update(d.raw).digest();
}

/**
 * The three loops, each returning how many of its `n` operations did what was asked: verified by the secret
 * expected (index 0, or 1 for rotated deliveries), or produced a 32-byte digest. Checked, so no loop's work can be
 * optimised away and a delivery verified the wrong way fails the benchmark instead of timing something else.
 */
export function loops(sides: SignatureSides): Record<"verify" | "rotation" | "hmac", (n: number) => number> {
    const verifyAll = (list: readonly Delivery[], expectedIndex: number) => (n: number): number => {
        let ok = 0;
        for (let i = 0; i < n; i++) {
            const d = list[i % list.length]!;
            const r = verifyDelivery({ headers: d.headers, rawBody: d.raw, secrets: sides.secrets });
            if (r.ok && r.secretIndex === expectedIndex) ok++;
        }
        return ok;
    };
    const hmac = (n: number): number => {
        let ok = 0;
        for (let i = 0; i < n; i++) if (baselineHmac(sides.secrets[0]!, sides.current[i % sides.current.length]!).length === 32) ok++;
        return ok;
    };
    return { verify: verifyAll(sides.current, 0), rotation: verifyAll(sides.rotated, 1), hmac };
}

/** Times each loop over `rounds` x `perRound` operations after a warm-up, rotating which goes first each round. */
export function measure(sides: SignatureSides, rounds: number, perRound: number): Record<string, number> {
    const fns = loops(sides);
    const names = ["verify", "rotation", "hmac"] as const;
    const timed = (name: (typeof names)[number], n: number): number => {
        const t0 = performance.now();
        const done = fns[name](n);
        const ms = performance.now() - t0;
        if (done !== n) throw new Error(`signature benchmark: ${n - done} of ${n} "${name}" operations did not verify as expected; the figures would time something else`);
        return ms;
    };
    for (let i = 0; i < 3; i++) for (const name of names) timed(name, Math.max(1, perRound / 4)); // warm up every path
    const ms = { verify: 0, rotation: 0, hmac: 0 };
    for (let round = 0; round < rounds; round++) {
        for (let k = 0; k < names.length; k++) {
            const name = names[(round + k) % names.length]!;
            ms[name] += timed(name, perRound);
        }
    }
    // the same number of operations on every side, so a throughput ratio is the time ratio inverted
    return { "signature.verify_vs_hmac_ratio": ms.hmac / ms.verify, "signature.rotation_vs_hmac_ratio": ms.hmac / ms.rotation };
}

const ROUNDS = 10;
const PER_ROUND = 20_000;

export const signatureVerify: Benchmark = {
    name: "signature",
    description: `verifyDelivery (current secret, and previous secret during a rotation) vs the HMAC it computes, on ${BODY_BYTES}-byte bodies, ${ROUNDS} rounds x ${PER_ROUND} each`,
    async run() {
        const ts = Math.floor(Date.now() / 1000);
        return measure({ current: deliveries(SECRET, ts), rotated: deliveries(PREVIOUS_SECRET, ts), secrets: [SECRET, PREVIOUS_SECRET] }, ROUNDS, PER_ROUND);
    },
};
