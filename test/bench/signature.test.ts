/** bench/signature: its baseline is the HMAC verification computes, and a delivery verified the wrong way fails it. */
import { strict as assert } from "node:assert";
import { baselineHmac, deliveries, measure, type SignatureSides } from "../../bench/signature";

const CURRENT = "current-secret-0123456789";
const PREVIOUS = "previous-secret-0123456789";
const TS = Math.floor(Date.now() / 1000);

function sides(over: Partial<SignatureSides> = {}): SignatureSides {
    return { current: deliveries(CURRENT, TS), rotated: deliveries(PREVIOUS, TS), secrets: [CURRENT, PREVIOUS], ...over };
}

describe("bench/signature", () => {
    it("hashes, as its baseline, exactly the bytes verifyDelivery hashes, the same way", () => {
        for (const d of deliveries(CURRENT, TS)) assert.equal(`sha256=${baselineHmac(CURRENT, d).toString("hex")}`, d.headers["x-chatwoot-signature"]);
    });

    it("reports both ratios when every delivery verifies by the secret expected", () => {
        const figures = measure(sides(), 2, 40);
        assert.deepEqual(Object.keys(figures).sort(), ["signature.rotation_vs_hmac_ratio", "signature.verify_vs_hmac_ratio"]);
        for (const v of Object.values(figures)) assert.ok(Number.isFinite(v) && v > 0, String(v));
    });

    it("fails when a delivery does not verify", () => {
        const bad = deliveries(CURRENT, TS).map((d, i) => (i === 3 ? { ...d, raw: Buffer.from("tampered") } : d));
        assert.throws(() => measure(sides({ current: bad }), 1, 40), /"verify" operations did not verify as expected/);
    });

    it("fails when the rotation deliveries match the first secret, so the second-secret path is what it times", () => {
        assert.throws(() => measure(sides({ rotated: deliveries(CURRENT, TS) }), 1, 40), /(\d+) of \1 "rotation" operations did not verify as expected/);
    });
});
