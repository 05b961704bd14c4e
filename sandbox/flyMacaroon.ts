/**
 * Mints Fly.io macaroon tokens in Fly's real wire format (superfly/macaroon): a MessagePack
 * `[nonce [kid, rnd, proof], location, caveats, tail]`, the tail an HMAC-SHA256 chain over the nonce and each
 * packed caveat, written `fm2_<base64>` (Macaroon.String(); the `FlyV1 ` scheme is the header's, and optional). The sandbox issues its tokens this way so that what the stack reads
 * out of a token (its validity window) is what a real `fly tokens create org --expiry` token would say.
 */
import { createHmac } from "node:crypto";
import { CAVEAT_VALIDITY_WINDOW, FLY_PERMISSION_LOCATION } from "../providers/fly/macaroon";

export interface MintOptions {
    /** The signing key (the sandbox's; Fly's stays with Fly). */
    readonly key: Buffer;
    /** Key id in the nonce: how the issuer finds the key again. */
    readonly kid: string;
    /** First and last moment the token is valid. */
    readonly notBefore: Date;
    readonly notAfter: Date;
    /** Fixed randomness, so a committed token can be minted again byte for byte. */
    readonly rnd: Buffer;
}

/** `fm2_...`: one permission macaroon whose only caveat is its validity window. */
export function mintFlyToken(o: MintOptions): string {
    const nonce = Buffer.concat([arr(3), bin(Buffer.from(o.kid, "utf8")), bin(o.rnd), Buffer.from([0xc2])]);
    const window = Buffer.concat([arr(2), uint(Math.floor(o.notBefore.getTime() / 1000)), uint(Math.floor(o.notAfter.getTime() / 1000))]);
    // each caveat is signed as a caveat set of its own: [type, body]
    const packed = Buffer.concat([arr(2), uint(CAVEAT_VALIDITY_WINDOW), window]);
    const tail = hmac(hmac(o.key, nonce), packed);
    const macaroon = Buffer.concat([arr(4), nonce, str(FLY_PERMISSION_LOCATION), arr(2), uint(CAVEAT_VALIDITY_WINDOW), window, bin(tail)]);
    return `fm2_${macaroon.toString("base64")}`;
}

function hmac(key: Buffer, msg: Buffer): Buffer {
    return createHmac("sha256", key).update(msg).digest();
}

function arr(n: number): Buffer {
    if (n > 15) throw new Error("only small arrays");
    return Buffer.from([0x90 | n]);
}

function bin(b: Buffer): Buffer {
    if (b.length > 255) throw new Error("only short binaries");
    return Buffer.concat([Buffer.from([0xc4, b.length]), b]);
}

function str(s: string): Buffer {
    const b = Buffer.from(s, "utf8");
    if (b.length > 31) return Buffer.concat([Buffer.from([0xd9, b.length]), b]);
    return Buffer.concat([Buffer.from([0xa0 | b.length]), b]);
}

/** msgpack's compact unsigned integer, as Fly's encoder writes it (UseCompactInts). */
function uint(n: number): Buffer {
    if (n < 0x80) return Buffer.from([n]);
    if (n < 0x100) return Buffer.from([0xcc, n]);
    if (n < 0x10000) return Buffer.from([0xcd, n >> 8, n & 0xff]);
    const b = Buffer.alloc(5);
    b[0] = 0xce;
    b.writeUInt32BE(n, 1);
    return b;
}
