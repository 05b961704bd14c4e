/**
 * Chatwoot webhook signatures (Chatwoot >= 4.11.2, `lib/webhooks/trigger.rb`): every delivery carries
 *
 *     X-Chatwoot-Signature: sha256=<hex HMAC-SHA256(secret, "<X-Chatwoot-Timestamp>.<raw body>")>
 *     X-Chatwoot-Timestamp: <unix seconds>
 *     X-Chatwoot-Delivery:  <uuid, stable across retries>
 *
 * `signDelivery` produces them (the sandbox's deliveries, the go/no-go's test delivery); `verifyDelivery` checks them
 * in a receiver against an ordered list of accepted secrets (`webhookSecrets` reads them from a receiver's env).
 * During a rotation Chatwoot sends each event to two webhooks, each copy with its own delivery id, so receivers
 * de-duplicate by event identity (`eventIdentity`, `EventClaims`), not by delivery id.
 *
 * Pulumi's closure serializer captures this module when a dynamic provider uses it: hence only plain constants at
 * module level (no Map/Set, no Error subclasses) and node built-ins imported normally (emitted as `require`).
 */
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

/** The headers' names as Chatwoot sends them (HTTP header names are case-insensitive). */
export const CHATWOOT_SIGNATURE_HEADER = "X-Chatwoot-Signature";
export const CHATWOOT_TIMESTAMP_HEADER = "X-Chatwoot-Timestamp";
export const CHATWOOT_DELIVERY_HEADER = "X-Chatwoot-Delivery";

/**
 * The receivers' environment variables: the secret of the registered webhook, and the one before it while a
 * rotation's two webhooks overlap (equal to the current one otherwise). `webhookSecrets` reads both.
 */
export const WEBHOOK_SECRET_ENV = "CHATWOOT_WEBHOOK_SECRET";
export const PREVIOUS_WEBHOOK_SECRET_ENV = "CHATWOOT_WEBHOOK_SECRET_PREVIOUS";

/** How far a delivery's timestamp may be from the receiver's clock, either way: the 5 minutes Chatwoot's PR suggests. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

const SCHEME = "sha256=";
const HEX_DIGEST_LENGTH = 64; // SHA-256 is 32 bytes
const HEX = /^[0-9a-fA-F]+$/;
const UNIX_SECONDS = /^[0-9]{1,12}$/; // Ruby's `Time.now.to_i.to_s`: plain decimal digits

/** The three headers with lowercase keys, as Node's `req.headers` has them (a type, so it passes as a `HeaderSource`). */
export type DeliveryHeaders = {
    readonly "x-chatwoot-signature": string;
    readonly "x-chatwoot-timestamp": string;
    readonly "x-chatwoot-delivery": string;
};

export interface SignOptions {
    /** Unix seconds to sign with. Defaults to now. */
    readonly timestamp?: number;
    /** The delivery id. Defaults to a fresh UUID. */
    readonly deliveryId?: string;
}

/** Node's `IncomingHttpHeaders` (or any record, any key case), or a fetch `Headers`. */
export type HeaderSource = Readonly<Record<string, string | readonly string[] | undefined>> | { get(name: string): string | null };

export interface VerifyOptions {
    readonly headers: HeaderSource;
    /** The request body exactly as received, before any JSON parse. A string is taken as its UTF-8 bytes. */
    readonly rawBody: Buffer | string;
    /** Accepted secrets, current first; list the previous one too while a rotation is under way. */
    readonly secrets: readonly string[];
    /** The receiver's clock in milliseconds since the epoch. Defaults to `Date.now`. */
    readonly now?: () => number;
    /** Defaults to `DEFAULT_TOLERANCE_SECONDS` (300). */
    readonly toleranceSeconds?: number;
}

/**
 * Why a delivery was refused. `malformed_signature` covers any signature or timestamp header that does not parse;
 * a well-formed signature of the wrong length or value is `bad_signature`.
 */
export type VerifyFailure = "missing_header" | "malformed_signature" | "stale" | "future" | "bad_signature";

/** Never carries a secret or the expected signature, so it is safe to log or return to the caller. */
export type VerifyResult =
    | { readonly ok: true; readonly secretIndex: number; readonly deliveryId: string }
    | { readonly ok: false; readonly reason: VerifyFailure };

/** The signature, timestamp and delivery headers for one delivery of `rawBody`. */
export function signDelivery(secret: string, rawBody: Buffer | string, opts: SignOptions = {}): DeliveryHeaders {
    requireSecret(secret);
    const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
    if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new TypeError("signDelivery: timestamp must be a non-negative integer of unix seconds");
    const ts = String(timestamp);
    return {
        "x-chatwoot-signature": SCHEME + hmac(secret, ts + ".", rawBody).toString("hex"),
        "x-chatwoot-timestamp": ts,
        "x-chatwoot-delivery": opts.deliveryId ?? randomUUID(),
    };
}

/** Checks a delivery's signature against each accepted secret in turn, and its timestamp against the clock. */
export function verifyDelivery(opts: VerifyOptions): VerifyResult {
    if (opts.secrets.length === 0) throw new TypeError("verifyDelivery: no accepted secrets given");
    for (const secret of opts.secrets) requireSecret(secret);

    const signature = header(opts.headers, "x-chatwoot-signature");
    const ts = header(opts.headers, "x-chatwoot-timestamp");
    const deliveryId = header(opts.headers, "x-chatwoot-delivery");
    if (!signature || !ts || !deliveryId) return fail("missing_header");

    if (!signature.startsWith(SCHEME) || !UNIX_SECONDS.test(ts)) return fail("malformed_signature");
    const hex = signature.slice(SCHEME.length);
    // a well-formed digest of the wrong length is a wrong signature, not a malformed one; timingSafeEqual would throw on it
    if (hex.length !== HEX_DIGEST_LENGTH) return fail(HEX.test(hex) ? "bad_signature" : "malformed_signature");
    const given = hexBytes(hex);
    if (!given) return fail("malformed_signature");

    // the clock is compared in whole seconds, as the sender truncates its own (`to_i`)
    const age = Math.floor((opts.now ?? Date.now)() / 1000) - Number(ts);
    const tolerance = opts.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
    if (age > tolerance) return fail("stale");
    if (age < -tolerance) return fail("future");

    // everything but the HMAC itself is done once, whatever the number of secrets: during a rotation the second
    // secret costs one more HMAC and nothing else
    const signedPrefix = ts + ".";
    // stops at the first match: timing then shows only which accepted secret signed, never how close a forgery came
    for (let i = 0; i < opts.secrets.length; i++) {
        if (timingSafeEqual(hmac(opts.secrets[i] as string, signedPrefix, opts.rawBody), given)) return { ok: true, secretIndex: i, deliveryId };
    }
    return fail("bad_signature");
}

/** HMAC-SHA256 over `<ts>.<body>` (`prefix` is `"<ts>."`), fed in two updates so the raw body is never copied. */
function hmac(secret: string, prefix: string, body: Buffer | string): Buffer {
    return createHmac("sha256", secret).update(prefix).update(body).digest();
}

/**
 * The bytes an even-length hex string spells, or undefined if any character is not a hex digit. Not
 * `Buffer.from(hex, "hex")`: that stops at the first bad pair and reads only the low byte of a wider character ("İ"
 * as "0"), so it validates nothing, and it costs verification about a tenth of an HMAC (`npm run bench -- signature`).
 */
function hexBytes(hex: string): Uint8Array | undefined {
    const bytes = new Uint8Array(hex.length >> 1);
    let invalid = 0;
    for (let i = 0; i < bytes.length; i++) {
        const high = hexDigit(hex.charCodeAt(2 * i));
        const low = hexDigit(hex.charCodeAt(2 * i + 1));
        invalid |= high | low;
        bytes[i] = (high << 4) | low;
    }
    return invalid < 0 ? undefined : bytes;
}

/** A hex digit's value from its UTF-16 code unit, -1 for any other character. */
function hexDigit(c: number): number {
    if (c >= 48 && c <= 57) return c - 48; // 0-9
    if (c >= 97 && c <= 102) return c - 87; // a-f
    if (c >= 65 && c <= 70) return c - 55; // A-F
    return -1;
}

function fail(reason: VerifyFailure): VerifyResult {
    return { ok: false, reason };
}

function requireSecret(secret: string): void {
    // an empty key would "verify" anything signed with an empty key: a missing secret is a configuration error
    if (typeof secret !== "string" || secret.length === 0) throw new TypeError("webhook secret is empty or not a string");
}

/** One header's value, case-insensitively; repeated headers are joined as Node joins them, so they fail to parse. */
function header(headers: HeaderSource, lowerName: string): string | undefined {
    if (typeof headers.get === "function") return (headers as { get(name: string): string | null }).get(lowerName) ?? undefined;
    const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
    let value = record[lowerName];
    if (value === undefined) {
        for (const key of Object.keys(record)) {
            if (key.toLowerCase() === lowerName) {
                value = record[key];
                break;
            }
        }
    }
    return typeof value === "string" || value === undefined ? value : value.join(", ");
}

/** The secrets a receiver accepts, current first, from its environment: none when webhooks are off. */
export function webhookSecrets(env: Readonly<Record<string, string | undefined>>): string[] {
    const secrets: string[] = [];
    for (const name of [WEBHOOK_SECRET_ENV, PREVIOUS_WEBHOOK_SECRET_ENV]) {
        const value = env[name];
        if (value && !secrets.includes(value)) secrets.push(value);
    }
    return secrets;
}

/**
 * What makes two deliveries the same event: its type and the id of the record it is about (`message_created` and
 * the message id). Undefined for a body without both, which a receiver then processes without de-duplication.
 */
export function eventIdentity(body: unknown): string | undefined {
    if (typeof body !== "object" || body === null) return undefined;
    const { event, id } = body as { event?: unknown; id?: unknown };
    if (typeof event !== "string" || !event || (typeof id !== "number" && typeof id !== "string") || id === "") return undefined;
    return `${event}:${id}`;
}

/** How long an event's identity is remembered: twice the signature's tolerance, so a replayed copy is refused as stale anyway. */
export const EVENT_MEMORY_MS = 2 * DEFAULT_TOLERANCE_SECONDS * 1000;

/**
 * The events a receiver has handled or is handling, by identity. The first copy of an event claims it; a copy that
 * arrives while the first is still being processed waits for its outcome: when the first succeeded it is a
 * duplicate, when the first failed it takes over (Chatwoot does not retry, so the other webhook's copy is the only
 * second chance). One instance per receiver process.
 */
export class EventClaims {
    private readonly claims = new Map<string, { at: number; done: Promise<boolean> }>();

    constructor(private readonly now: () => number = Date.now) {}

    /**
     * Runs `handle` for the first copy of `identity` (and for a later one only if every earlier copy failed).
     * `handle` resolves to true when the event was processed for good; `once` says what became of this copy.
     */
    async once(identity: string, handle: () => Promise<boolean>): Promise<"handled" | "duplicate" | "failed"> {
        this.prune();
        for (;;) {
            const earlier = this.claims.get(identity);
            if (!earlier) break;
            if (await earlier.done) return "duplicate";
            if (this.claims.get(identity) === earlier) this.claims.delete(identity);
        }
        let settle: (ok: boolean) => void = () => undefined;
        const claim = { at: this.now(), done: new Promise<boolean>((resolve) => { settle = resolve; }) };
        this.claims.set(identity, claim);
        let ok = false;
        try {
            ok = await handle();
        } finally {
            settle(ok);
            if (!ok && this.claims.get(identity) === claim) this.claims.delete(identity);
        }
        return ok ? "handled" : "failed";
    }

    /** How many identities are remembered (for tests). */
    get size(): number {
        return this.claims.size;
    }

    private prune(): void {
        const horizon = this.now() - EVENT_MEMORY_MS;
        for (const [id, c] of this.claims) if (c.at < horizon) this.claims.delete(id);
    }
}
