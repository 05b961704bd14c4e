/** Token classification for LaunchFacts: the vendors' real formats, and a Fly token's own expiry. */
import { strict as assert } from "node:assert";
import { flyTokenExpires, tokenFormat } from "../../providers/launchFacts";
import { SANDBOX_CREDENTIALS as C, sandboxFlyToken } from "../../sandbox/credentials";

describe("providers/launchFacts (token classes)", () => {
    it("accepts each vendor's real format, the sandbox's tokens included", () => {
        assert.equal(tokenFormat("fly", C.flyOrgToken), "fly-macaroon");
        assert.equal(tokenFormat("fly", `FlyV1 ${C.flyOrgToken}`), "fly-macaroon");
        assert.equal(tokenFormat("supabase", C.supabaseAccessToken), "supabase-pat");
        assert.equal(tokenFormat("supabase", `sbp_oauth_${"0a".repeat(20)}`), "supabase-pat");
        assert.equal(tokenFormat("chatwoot", C.chatwootAdminToken), "chatwoot-token");
        assert.equal(tokenFormat("chatwoot", "x1bN2cM3dK4eJ5fH6gG7hF8j"), "chatwoot-token");
    });

    it("refuses look-alikes: any 16 characters for Fly, a fm2_ prefix on anything, any Chatwoot string", () => {
        for (const t of ["abcdefghijklmnop", "fm2_sandbox_org_token", "FlyV1 fm2_c2FuZGJveA==", "Zq3kV9pLm2Xw8RtY4nB6cD1fG7hJ0sA5eUxiOvyTrWx"]) assert.equal(tokenFormat("fly", t), "malformed", t);
        for (const t of [`sbp_${"A".repeat(40)}`, `sbp_${"a".repeat(39)}`, "sbp_x"]) assert.equal(tokenFormat("supabase", t), "malformed", t);
        // dashes, 0/O/I/l (not base58), wrong length
        for (const t of ["sandbox-chatwoot-admin-token", "x1bN2cM3dK4eJ5fH6gG7hF80", "x1bN2cM3dK4eJ5fH6gG7hFOj", "x1bN2cM3dK4eJ5fH6gG7hF8", "x1bN2cM3dK4eJ5fH6gG7hF8jk"]) {
            assert.equal(tokenFormat("chatwoot", t), "malformed", t);
        }
        for (const v of ["fly", "supabase", "chatwoot"] as const) assert.equal(tokenFormat(v, "  "), "missing");
    });

    it("reads a Fly token's expiry from its validity window, never from config", () => {
        assert.equal(flyTokenExpires(C.flyOrgToken), "2099-12-31");
        assert.equal(flyTokenExpires(`FlyV1 ${sandboxFlyToken(new Date("2026-12-01T08:00:00Z"))}`), "2026-12-01");
        assert.equal(flyTokenExpires("fm2_sandbox_org_token"), "");
        assert.equal(flyTokenExpires(undefined), "");
    });
});
