/**
 * Fly.io API tokens read as Fly's own code reads them (superfly/macaroon `format.go`, `macaroon.go`, fly-go
 * `tokens.go`): an optional `FlyV1 ` (or `Bearer `) scheme, then comma-separated macaroons, each `<label>_<base64>`
 * with label `fm1r`, `fm1a` or `fm2` and standard base64 of a MessagePack macaroon: the array
 * `[nonce [kid, rnd, (proof)], location, caveats [type, body, ...], tail]`. Caveat type 4 is a ValidityWindow
 * `[not_before, not_after]` in Unix seconds; a token expires at the earliest `not_after` of its macaroons (a
 * discharge that lapses leaves the permission token unusable). The signature is not checked: only Fly holds the key.
 */

/** Where Fly's permission macaroons live (`flyio.LocationPermission`). */
export const FLY_PERMISSION_LOCATION = "https://api.fly.io/v1";

/** `CavValidityWindow` in superfly/macaroon's caveat type enum. */
export const CAVEAT_VALIDITY_WINDOW = 4;

export const MACAROON_LABELS = ["fm1r", "fm1a", "fm2"] as const;

export interface FlyMacaroon {
    readonly label: (typeof MACAROON_LABELS)[number];
    readonly location: string;
    /** `not_after` of each ValidityWindow caveat, Unix seconds. */
    readonly notAfter: readonly number[];
}

export type ParsedFlyToken = { readonly macaroons: readonly FlyMacaroon[] } | { readonly problem: string };

/** The token's macaroons, or what keeps it from being a Fly macaroon token (never the token itself). */
export function parseFlyToken(token: string): ParsedFlyToken {
    const parts = stripScheme(token.trim()).split(",").map((p) => p.trim());
    const macaroons: FlyMacaroon[] = [];
    for (const [i, part] of parts.entries()) {
        const which = parts.length > 1 ? `part ${i + 1} of ${parts.length}` : "it";
        const cut = part.indexOf("_");
        const label = cut < 0 ? "" : part.slice(0, cut);
        if (!(MACAROON_LABELS as readonly string[]).includes(label)) return { problem: `${which} does not start with fm1r_, fm1a_ or fm2_` };
        const b64 = part.slice(cut + 1);
        // Go's base64.StdEncoding: the standard alphabet, padded to a multiple of 4
        if (b64 === "" || b64.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return { problem: `${which} is not standard base64 after ${label}_` };
        try {
            macaroons.push({ label: label as FlyMacaroon["label"], ...decodeMacaroon(Buffer.from(b64, "base64")) });
        } catch (err) {
            return { problem: `${which} is not a MessagePack macaroon (${(err as Error).message})` };
        }
    }
    if (!macaroons.some((m) => m.location === FLY_PERMISSION_LOCATION)) return { problem: `it holds no permission macaroon (location ${FLY_PERMISSION_LOCATION})` };
    return { macaroons };
}

/** When the token stops working: the earliest `not_after`; undefined when no macaroon carries a validity window. */
export function flyTokenExpiry(macaroons: readonly FlyMacaroon[]): Date | undefined {
    const all = macaroons.flatMap((m) => m.notAfter);
    return all.length ? new Date(Math.min(...all) * 1000) : undefined;
}

/** fly-go's StripAuthorizationScheme: `FlyV1 ` or `Bearer ` (any case), repeatedly. */
function stripScheme(token: string): string {
    const space = token.indexOf(" ");
    if (space < 0) return token;
    const scheme = token.slice(0, space).trim().toLowerCase();
    return scheme === "flyv1" || scheme === "bearer" ? stripScheme(token.slice(space + 1).trim()) : token;
}

function decodeMacaroon(buf: Buffer): Omit<FlyMacaroon, "label"> {
    const r = new MsgpackReader(buf);
    const fields = r.arrayLength();
    if (fields < 4) throw new Error(`${fields} fields, expected nonce, location, caveats, tail`);
    const nonce = r.arrayLength();
    if (nonce !== 2 && nonce !== 3) throw new Error(`a nonce of ${nonce} fields`);
    r.bytes(); // kid
    r.bytes(); // rnd
    if (nonce === 3) r.boolean(); // proof
    const location = r.string();
    const caveatItems = r.arrayLength();
    if (caveatItems % 2 !== 0) throw new Error("an odd caveat container");
    const notAfter: number[] = [];
    for (let i = 0; i < caveatItems / 2; i++) {
        const type = r.integer();
        if (type !== CAVEAT_VALIDITY_WINDOW) {
            r.skip();
            continue;
        }
        if (r.arrayLength() !== 2) throw new Error("a ValidityWindow that is not [not_before, not_after]");
        r.integer();
        notAfter.push(r.integer());
    }
    r.bytes(); // tail (the signature)
    for (let i = 4; i < fields; i++) r.skip();
    if (!r.done()) throw new Error("trailing bytes");
    return { location, notAfter };
}

/** The part of MessagePack a macaroon uses, read strictly: anything else is an error, never a guess. */
class MsgpackReader {
    private at = 0;

    constructor(private readonly buf: Buffer) {}

    done(): boolean {
        return this.at === this.buf.length;
    }

    arrayLength(): number {
        const b = this.byte();
        if (b >= 0x90 && b <= 0x9f) return b & 0x0f;
        if (b === 0xdc) return this.uint(2);
        if (b === 0xdd) return this.uint(4);
        throw new Error(`expected an array at byte ${this.at - 1}`);
    }

    bytes(): Buffer {
        const b = this.byte();
        const n = b === 0xc4 ? this.uint(1) : b === 0xc5 ? this.uint(2) : b === 0xc6 ? this.uint(4) : b === 0xc0 ? 0 : -1;
        if (n < 0) throw new Error(`expected binary at byte ${this.at - 1}`);
        return this.take(n);
    }

    string(): string {
        const b = this.byte();
        const n = b >= 0xa0 && b <= 0xbf ? b & 0x1f : b === 0xd9 ? this.uint(1) : b === 0xda ? this.uint(2) : b === 0xdb ? this.uint(4) : -1;
        if (n < 0) throw new Error(`expected a string at byte ${this.at - 1}`);
        return this.take(n).toString("utf8");
    }

    boolean(): boolean {
        const b = this.byte();
        if (b === 0xc2 || b === 0xc3) return b === 0xc3;
        throw new Error(`expected a boolean at byte ${this.at - 1}`);
    }

    integer(): number {
        const b = this.byte();
        if (b <= 0x7f) return b;
        if (b >= 0xe0) return b - 0x100;
        const sizes: Record<number, [number, boolean]> = { 0xcc: [1, false], 0xcd: [2, false], 0xce: [4, false], 0xcf: [8, false], 0xd0: [1, true], 0xd1: [2, true], 0xd2: [4, true], 0xd3: [8, true] };
        const size = sizes[b];
        if (!size) throw new Error(`expected an integer at byte ${this.at - 1}`);
        const [n, signed] = size;
        const slice = this.take(n);
        const v = n === 8 ? (signed ? slice.readBigInt64BE() : slice.readBigUInt64BE()) : BigInt(signed ? slice.readIntBE(0, n) : slice.readUIntBE(0, n));
        if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw new Error("an integer beyond 2^53");
        return Number(v);
    }

    /** Skips one value of any type. */
    skip(): void {
        const b = this.buf[this.at];
        if (b === undefined) throw new Error("truncated");
        if (b <= 0x7f || b >= 0xe0 || (b >= 0xcc && b <= 0xd3)) this.integer();
        else if ((b >= 0x90 && b <= 0x9f) || b === 0xdc || b === 0xdd) {
            const n = this.arrayLength();
            for (let i = 0; i < n; i++) this.skip();
        } else if ((b >= 0x80 && b <= 0x8f) || b === 0xde || b === 0xdf) {
            this.at++;
            const n = b <= 0x8f ? b & 0x0f : this.uint(b === 0xde ? 2 : 4);
            for (let i = 0; i < 2 * n; i++) this.skip();
        } else if ((b >= 0xa0 && b <= 0xbf) || (b >= 0xd9 && b <= 0xdb)) this.string();
        else if (b >= 0xc4 && b <= 0xc6) this.bytes();
        else if (b === 0xc0 || b === 0xc2 || b === 0xc3) this.at++;
        else if (b === 0xca || b === 0xcb) this.take(1 + (b === 0xca ? 4 : 8));
        else throw new Error(`unsupported MessagePack type 0x${b.toString(16)} at byte ${this.at}`);
    }

    private byte(): number {
        return this.take(1)[0]!;
    }

    private uint(n: number): number {
        return this.take(n).readUIntBE(0, n);
    }

    private take(n: number): Buffer {
        if (this.at + n > this.buf.length) throw new Error("truncated");
        const out = this.buf.subarray(this.at, this.at + n);
        this.at += n;
        return out;
    }
}
