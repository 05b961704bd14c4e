/** Chatwoot webhook signatures: openssl-computed golden vectors, then every way a delivery can be refused. */
import { strict as assert } from "node:assert";
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createHmac } from "node:crypto";
import {
    type DeliveryHeaders,
    EVENT_MEMORY_MS,
    EventClaims,
    eventIdentity,
    webhookSecrets,
    type HeaderSource,
    signDelivery,
    type VerifyOptions,
    type VerifyResult,
    verifyDelivery,
} from "../../../providers/chatwoot/signature";

const FIXTURES = join(__dirname, "../../fixtures/signature");
const VECTORS_PATH = join(FIXTURES, "vectors.json");

interface Vector {
    name: string;
    secret: string;
    timestamp: string;
    deliveryId: string;
    bodyBase64: string;
    bodyBytes: number;
    signature: string;
}

const vectors: Vector[] = JSON.parse(readFileSync(VECTORS_PATH, "utf8"));
const bodyOf = (v: Vector): Buffer => Buffer.from(v.bodyBase64, "base64");

const SECRET = "4kZpQ7rWm2XyB9cDfGhJtNvE";
const OLD_SECRET = "9TqWc3RxLm7HvB2nKpYdZs4F";
const TS = 1767225600;
const BODY = Buffer.from('{"event":"message_created","id":1,"content":"Hello"}');
const at = (seconds: number) => (): number => seconds * 1000;

/** Verifies `headers` over BODY against SECRET at the signing time unless told otherwise. */
function verify(headers: HeaderSource, opts: Partial<VerifyOptions> = {}): VerifyResult {
    return verifyDelivery({ headers, rawBody: BODY, secrets: [SECRET], now: at(TS), ...opts });
}

function signed(opts: { secret?: string; timestamp?: number; body?: Buffer } = {}): DeliveryHeaders {
    return signDelivery(opts.secret ?? SECRET, opts.body ?? BODY, { timestamp: opts.timestamp ?? TS, deliveryId: "d-1" });
}

describe("Chatwoot webhook signatures", () => {
    describe("golden vectors (computed by openssl)", () => {
        it("cover a multi-line body, a UTF-8 body and a 4 KiB body", () => {
            const bodies = vectors.map(bodyOf);
            assert.ok(bodies.some((b) => b.includes("\n") && b.indexOf("\n") < b.length - 1), "a multi-line body");
            assert.ok(bodies.some((b) => b.some((byte) => byte >= 0x80) && Buffer.from(b.toString("utf8")).equals(b)), "a valid UTF-8, non-ASCII body");
            assert.ok(bodies.some((b) => b.length === 4096), "a 4 KiB body");
            for (const v of vectors) assert.equal(bodyOf(v).length, v.bodyBytes, v.name);
        });

        for (const v of vectors) {
            it(`signs and verifies "${v.name}"`, () => {
                const headers = signDelivery(v.secret, bodyOf(v), { timestamp: Number(v.timestamp), deliveryId: v.deliveryId });
                assert.deepEqual(headers, {
                    "x-chatwoot-signature": v.signature,
                    "x-chatwoot-timestamp": v.timestamp,
                    "x-chatwoot-delivery": v.deliveryId,
                });
                const result = verifyDelivery({ headers, rawBody: bodyOf(v), secrets: [v.secret], now: at(Number(v.timestamp)) });
                assert.deepEqual(result, { ok: true, secretIndex: 0, deliveryId: v.deliveryId });
            });
        }

        it("a string body is signed as its UTF-8 bytes", () => {
            const v = vectors.find((x) => x.name === "utf8");
            assert.ok(v);
            const headers = signDelivery(v.secret, bodyOf(v).toString("utf8"), { timestamp: Number(v.timestamp), deliveryId: v.deliveryId });
            assert.equal(headers["x-chatwoot-signature"], v.signature);
        });

        it("vectors.json is what make-vectors.sh produces", function () {
            if (spawnSync("openssl", ["version"]).status !== 0) this.skip(); // reported as pending, never as passed
            const fresh = execFileSync("bash", [join(FIXTURES, "make-vectors.sh")], { encoding: "utf8" });
            assert.equal(fresh, readFileSync(VECTORS_PATH, "utf8"), "regenerate: bash test/fixtures/signature/make-vectors.sh > test/fixtures/signature/vectors.json");
        });
    });

    describe("signDelivery", () => {
        it("defaults to now and a fresh UUID", () => {
            const before = Math.floor(Date.now() / 1000);
            const a = signDelivery(SECRET, BODY);
            const b = signDelivery(SECRET, BODY);
            const ts = Number(a["x-chatwoot-timestamp"]);
            assert.ok(ts >= before && ts <= Math.ceil(Date.now() / 1000));
            assert.match(a["x-chatwoot-delivery"], /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
            assert.notEqual(a["x-chatwoot-delivery"], b["x-chatwoot-delivery"]);
            assert.deepEqual(verifyDelivery({ headers: a, rawBody: BODY, secrets: [SECRET] }).ok, true);
        });

        it("signs the timestamp with the body, not the body alone (chatwoot#13809)", () => {
            const bodyOnly = createHmac("sha256", SECRET).update(BODY).digest("hex");
            assert.notEqual(signed()["x-chatwoot-signature"], `sha256=${bodyOnly}`);
        });

        it("refuses an empty secret and a bad timestamp", () => {
            assert.throws(() => signDelivery("", BODY), /secret is empty/);
            assert.throws(() => signDelivery(SECRET, BODY, { timestamp: 1.5 }), /timestamp/);
            assert.throws(() => signDelivery(SECRET, BODY, { timestamp: -1 }), /timestamp/);
        });
    });

    describe("verifyDelivery", () => {
        it("accepts a valid delivery", () => {
            assert.deepEqual(verify(signed()), { ok: true, secretIndex: 0, deliveryId: "d-1" });
        });

        it("looks headers up case-insensitively, in records and in fetch Headers", () => {
            const h = signed();
            const mixed = { "X-Chatwoot-Signature": h["x-chatwoot-signature"], "X-CHATWOOT-TIMESTAMP": h["x-chatwoot-timestamp"], "x-Chatwoot-Delivery": h["x-chatwoot-delivery"] };
            assert.equal(verify(mixed).ok, true);
            assert.equal(verify(new Headers(mixed)).ok, true);
        });

        it("refuses a body with one byte changed", () => {
            const tampered = Buffer.from(BODY);
            tampered[10] = (tampered[10] as number) ^ 0x01;
            assert.deepEqual(verify(signed(), { rawBody: tampered }), { ok: false, reason: "bad_signature" });
        });

        it("refuses a delivery signed with another secret", () => {
            assert.deepEqual(verify(signed({ secret: "not-the-secret-at-all-000" })), { ok: false, reason: "bad_signature" });
        });

        it("accepts a timestamp exactly 300 s off either way, refuses 301 s", () => {
            const h = signed();
            assert.equal(verify(h, { now: at(TS + 300) }).ok, true);
            assert.equal(verify(h, { now: at(TS - 300) }).ok, true);
            assert.deepEqual(verify(h, { now: at(TS + 301) }), { ok: false, reason: "stale" });
            assert.deepEqual(verify(h, { now: at(TS - 301) }), { ok: false, reason: "future" });
        });

        it("compares the clock in whole seconds, as the sender truncates its own", () => {
            assert.equal(verify(signed(), { now: () => (TS + 300) * 1000 + 999 }).ok, true);
        });

        it("honours another tolerance", () => {
            assert.deepEqual(verify(signed(), { now: at(TS + 61), toleranceSeconds: 60 }), { ok: false, reason: "stale" });
            assert.equal(verify(signed(), { now: at(TS + 60), toleranceSeconds: 60 }).ok, true);
        });

        for (const name of ["x-chatwoot-signature", "x-chatwoot-timestamp", "x-chatwoot-delivery"] as const) {
            it(`refuses a delivery without ${name}`, () => {
                const without: Record<string, string> = { ...signed() };
                delete without[name];
                assert.deepEqual(verify(without), { ok: false, reason: "missing_header" });
                assert.deepEqual(verify({ ...signed(), [name]: "" }), { ok: false, reason: "missing_header" });
            });
        }

        it("refuses malformed signatures", () => {
            const h = signed();
            const hex = h["x-chatwoot-signature"].slice("sha256=".length);
            const withSig = (s: string): HeaderSource => ({ ...h, "x-chatwoot-signature": s });
            assert.deepEqual(verify(withSig(hex)), { ok: false, reason: "malformed_signature" }, "no sha256= prefix");
            assert.deepEqual(verify(withSig(`sha1=${hex}`)), { ok: false, reason: "malformed_signature" }, "another scheme");
            assert.deepEqual(verify(withSig(`sha256=${hex.slice(0, -1)}z`)), { ok: false, reason: "malformed_signature" }, "non-hex");
            assert.deepEqual(verify(withSig("sha256=")), { ok: false, reason: "malformed_signature" }, "empty digest");
            assert.deepEqual(verify(withSig(`${h["x-chatwoot-signature"]}, ${h["x-chatwoot-signature"]}`)), { ok: false, reason: "malformed_signature" }, "repeated header");
            assert.deepEqual(verify({ ...h, "x-chatwoot-timestamp": `${TS}.5` }), { ok: false, reason: "malformed_signature" }, "timestamp not whole seconds");
        });

        it("refuses a digest with any non-hex character, even one whose low byte is a hex digit", () => {
            const h = signed();
            const hex = h["x-chatwoot-signature"].slice("sha256=".length);
            // just outside 0-9, A-F and a-f; then wide characters Buffer's hex decoder would read as "0", "a", "f"
            const wide = [0x30, 0x61, 0x66].map((c) => String.fromCharCode(0x100 + c));
            for (const c of ["/", ":", "@", "G", "`", "g", " ", "\0", ...wide]) {
                for (const at of [0, 1, 62, 63]) {
                    const sig = `sha256=${hex.slice(0, at)}${c}${hex.slice(at + 1)}`;
                    assert.deepEqual(verify({ ...h, "x-chatwoot-signature": sig }), { ok: false, reason: "malformed_signature" }, `${JSON.stringify(c)} at ${at}`);
                }
            }
        });

        it("refuses a digest of the wrong length as a bad signature, without throwing", () => {
            const h = signed();
            for (const sig of [h["x-chatwoot-signature"].slice(0, -2), `${h["x-chatwoot-signature"]}00`, `${h["x-chatwoot-signature"]}0`]) {
                assert.deepEqual(verify({ ...h, "x-chatwoot-signature": sig }), { ok: false, reason: "bad_signature" });
            }
        });

        it("accepts upper-case hex", () => {
            const h = signed();
            assert.equal(verify({ ...h, "x-chatwoot-signature": `sha256=${h["x-chatwoot-signature"].slice(7).toUpperCase()}` }).ok, true);
        });

        it("accepts the previous secret during a rotation, and not after", () => {
            const old = signed({ secret: OLD_SECRET });
            assert.deepEqual(verify(old, { secrets: [SECRET, OLD_SECRET] }), { ok: true, secretIndex: 1, deliveryId: "d-1" });
            assert.deepEqual(verify(signed(), { secrets: [SECRET, OLD_SECRET] }), { ok: true, secretIndex: 0, deliveryId: "d-1" });
            assert.deepEqual(verify(old, { secrets: [SECRET] }), { ok: false, reason: "bad_signature" });
        });

        it("refuses to run without a usable secret", () => {
            assert.throws(() => verify(signed(), { secrets: [] }), (e: Error) => e instanceof TypeError && /no accepted secrets/.test(e.message));
            assert.throws(() => verify(signed(), { secrets: [SECRET, ""] }), /secret is empty/);
        });

        it("never returns or throws a secret or the expected signature", () => {
            const good = signed();
            const expectedHex = good["x-chatwoot-signature"].slice(7);
            const results = [
                verify(good),
                verify(good, { rawBody: Buffer.from("tampered") }),
                verify(signed({ secret: OLD_SECRET })),
                verify(good, { now: at(TS + 301) }),
                verify(good, { now: at(TS - 301) }),
                verify({ ...good, "x-chatwoot-signature": "" }),
                verify({ ...good, "x-chatwoot-signature": "nope" }),
                verify({ ...good, "x-chatwoot-signature": "sha256=00" }),
                verify({ ...good, "x-chatwoot-signature": `sha256=${"0".repeat(64)}` }, { secrets: [SECRET, OLD_SECRET] }),
            ];
            let thrown = "";
            try {
                verify(good, { secrets: [SECRET, ""] });
            } catch (e) {
                thrown = `${(e as Error).message} ${(e as Error).stack}`;
            }
            assert.ok(thrown.length > 0);
            for (const text of [...results.map((r) => JSON.stringify(r)), thrown]) {
                for (const needle of [SECRET, OLD_SECRET, expectedHex, expectedHex.slice(0, 16)]) {
                    assert.ok(!text.includes(needle), `leaked in ${text}`);
                }
            }
            assert.deepEqual(results.map((r) => (r.ok ? "ok" : r.reason)), [
                "ok", "bad_signature", "bad_signature", "stale", "future", "missing_header", "malformed_signature", "bad_signature", "bad_signature",
            ]);
        });
    });

    describe("during a rotation (two webhooks, two secrets, every event twice)", () => {
        it("reads the accepted secrets from a receiver's env, current first, without repeats or blanks", () => {
            assert.deepEqual(webhookSecrets({ CHATWOOT_WEBHOOK_SECRET: SECRET, CHATWOOT_WEBHOOK_SECRET_PREVIOUS: OLD_SECRET }), [SECRET, OLD_SECRET]);
            assert.deepEqual(webhookSecrets({ CHATWOOT_WEBHOOK_SECRET: SECRET, CHATWOOT_WEBHOOK_SECRET_PREVIOUS: SECRET }), [SECRET]);
            assert.deepEqual(webhookSecrets({ CHATWOOT_WEBHOOK_SECRET: SECRET }), [SECRET]);
            assert.deepEqual(webhookSecrets({ CHATWOOT_WEBHOOK_SECRET: "", CHATWOOT_WEBHOOK_SECRET_PREVIOUS: "" }), []);
        });

        it("names an event by its type and record id, and nothing without both", () => {
            assert.equal(eventIdentity({ event: "message_created", id: 17, content: "a" }), "message_created:17");
            assert.equal(eventIdentity({ event: "message_updated", id: 17 }), "message_updated:17");
            for (const body of [{ event: "message_created" }, { id: 17 }, { event: "", id: 17 }, { event: "message_created", id: "" }, null, "text"]) {
                assert.equal(eventIdentity(body), undefined, JSON.stringify(body));
            }
        });

        it("handles the first copy of an event and drops the second, even while the first is still being handled", async () => {
            const claims = new EventClaims();
            let handled = 0;
            let release: () => void = () => undefined;
            const slow = new Promise<void>((r) => { release = r; });
            const first = claims.once("message_created:1", async () => { handled++; await slow; return true; });
            const second = claims.once("message_created:1", async () => { handled++; return true; });
            release();
            assert.deepEqual(await Promise.all([first, second]), ["handled", "duplicate"]);
            assert.equal(await claims.once("message_created:1", async () => { handled++; return true; }), "duplicate");
            assert.equal(await claims.once("message_created:2", async () => { handled++; return true; }), "handled");
            assert.equal(handled, 2);
        });

        it("lets the other copy handle an event whose first copy failed, since Chatwoot does not retry", async () => {
            const claims = new EventClaims();
            let release: () => void = () => undefined;
            const slow = new Promise<void>((r) => { release = r; });
            const first = claims.once("message_created:1", async () => { await slow; return false; });
            const second = claims.once("message_created:1", async () => true);
            release();
            assert.deepEqual(await Promise.all([first, second]), ["failed", "handled"]);
            assert.equal(await claims.once("message_created:1", async () => true), "duplicate");
            // a handler that throws counts as failed, and the error reaches the caller
            await assert.rejects(claims.once("message_created:3", async () => { throw new Error("db down"); }), /db down/);
            assert.equal(await claims.once("message_created:3", async () => true), "handled");
        });

        it("forgets an event after twice the signature's tolerance, when a copy would be refused as stale anyway", async () => {
            let now = 1_000_000;
            const claims = new EventClaims(() => now);
            assert.equal(await claims.once("message_created:1", async () => true), "handled");
            now += EVENT_MEMORY_MS - 1;
            assert.equal(await claims.once("message_created:1", async () => true), "duplicate");
            now += 2;
            assert.equal(await claims.once("message_created:2", async () => true), "handled");
            assert.equal(claims.size, 1);
        });
    });
});
