/** Fly macaroon tokens, parsed as superfly/macaroon and fly-go parse them; minted by the sandbox in the same format. */
import { strict as assert } from "node:assert";
import { FLY_PERMISSION_LOCATION, flyTokenExpiry, parseFlyToken } from "../../../providers/fly/macaroon";
import { SANDBOX_CREDENTIALS as C, sandboxFlyToken } from "../../../sandbox/credentials";
import { mintFlyToken } from "../../../sandbox/flyMacaroon";

const base64 = (bytes: number[]): string => Buffer.from(bytes).toString("base64");

describe("providers/fly/macaroon", () => {
    it("reads the sandbox's token: one permission macaroon whose validity window ends 2099-12-31T23:59:59Z", () => {
        const parsed = parseFlyToken(C.flyOrgToken);
        assert.ok("macaroons" in parsed, JSON.stringify(parsed));
        assert.deepEqual(parsed.macaroons, [{ label: "fm2", location: FLY_PERMISSION_LOCATION, notAfter: [Date.parse("2099-12-31T23:59:59Z") / 1000] }]);
        assert.equal(flyTokenExpiry(parsed.macaroons)?.toISOString(), "2099-12-31T23:59:59.000Z");
        // the wire form Fly's real tokens share: fm2_ then base64 of 0x94 (4 fields) 0x93 (a 3-field nonce) 0xc4 (binary kid)
        assert.ok(C.flyOrgToken.startsWith("fm2_lJPE"));
    });

    it("accepts the FlyV1 (or Bearer) scheme and comma-joined macaroons; expiry is the earliest window", () => {
        const soon = sandboxFlyToken(new Date("2026-01-31T12:00:00Z"));
        for (const t of [`FlyV1 ${C.flyOrgToken}`, `Bearer ${C.flyOrgToken}`, ` flyv1  ${C.flyOrgToken} `]) assert.ok("macaroons" in parseFlyToken(t), t);
        const both = parseFlyToken(`FlyV1 ${C.flyOrgToken},${soon}`);
        assert.ok("macaroons" in both);
        assert.equal(flyTokenExpiry(both.macaroons)?.toISOString(), "2026-01-31T12:00:00.000Z");
    });

    it("refuses what Fly would refuse, saying why and never echoing the token", () => {
        const cases: [string, string][] = [
            ["fm2_sandbox_org_token", "it is not standard base64 after fm2_"],
            ["0123456789abcdef0123456789abcdef", "it does not start with fm1r_, fm1a_ or fm2_"],
            ["fm3_lJPE", "it does not start with fm1r_, fm1a_ or fm2_"],
            ["fm2_lJPE", "it is not a MessagePack macaroon (truncated)"],
            ["fm2_c2FuZGJveA==", "it is not a MessagePack macaroon (expected an array at byte 0)"],
            ["fm2_c2FuZGJveA", "it is not standard base64 after fm2_"],
            [`${C.flyOrgToken},fm2_`, "part 2 of 2 is not standard base64 after fm2_"],
            [`FlyV1 ${C.flyOrgToken}xx`, "it is not standard base64 after fm2_"],
            // a well-formed macaroon for another location only: a discharge without its permission token
            [`fm1a_${base64([0x94, 0x92, 0xc4, 1, 0x61, 0xc4, 1, 0x62, 0xa1, 0x78, 0x90, 0xc4, 1, 0x63])}`, `it holds no permission macaroon (location ${FLY_PERMISSION_LOCATION})`],
            // an odd caveat container
            [`fm2_${base64([0x94, 0x92, 0xc4, 1, 0x61, 0xc4, 1, 0x62, 0xa1, 0x78, 0x91, 0x04, 0xc4, 1, 0x63])}`, "it is not a MessagePack macaroon (an odd caveat container)"],
        ];
        for (const [token, problem] of cases) assert.deepEqual(parseFlyToken(token), { problem }, token);
    });

    it("skips caveats it does not read, and a macaroon without a window never expires (Fly's Expiration)", () => {
        // [nonce [kid, rnd], location, [0 (org) [1, 2], 11 (3P) [...]], tail]
        const m = [0x94, 0x92, 0xc4, 1, 0x61, 0xc4, 1, 0x62, 0xb5, ...Buffer.from(FLY_PERMISSION_LOCATION), 0x94, 0x00, 0x92, 0x01, 0x02, 0x0b, 0x93, 0xa1, 0x78, 0xc4, 0, 0xc4, 0, 0xc4, 1, 0x63];
        const parsed = parseFlyToken(`fm2_${base64(m)}`);
        assert.ok("macaroons" in parsed, JSON.stringify(parsed));
        assert.equal(flyTokenExpiry(parsed.macaroons), undefined);
    });

    it("the sandbox's minter signs the nonce and caveat with an HMAC chain, so different keys give different tails", () => {
        const opts = { kid: "k", notBefore: new Date(0), notAfter: new Date("2030-01-01T00:00:00Z"), rnd: Buffer.alloc(16) };
        assert.notEqual(mintFlyToken({ ...opts, key: Buffer.from("a") }), mintFlyToken({ ...opts, key: Buffer.from("b") }));
        assert.equal(mintFlyToken({ ...opts, key: Buffer.from("a") }), mintFlyToken({ ...opts, key: Buffer.from("a") }));
    });
});
