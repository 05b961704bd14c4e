import { strict as assert } from "node:assert";
import { longestSequentialChainMs, noopFigure } from "../../bench/stack";
import type { LoggedRequest } from "../../sandbox/server";

describe("bench/stack: the longest chain of vendor calls", () => {
    it("adds up calls made one after another and takes the longest of overlapping ones", () => {
        // a (0-100) then b (100-300) in sequence; c (50-400) overlaps both; d (400-450) follows c
        const calls = [{ at: 0, end: 100 }, { at: 100, end: 300 }, { at: 50, end: 400 }, { at: 400, end: 450 }];
        assert.equal(longestSequentialChainMs(calls), 400); // c then d: 350 + 50; a then b then d: 100 + 200 + 50
        assert.equal(longestSequentialChainMs([{ at: 0, end: 100 }, { at: 100, end: 300 }]), 300);
        assert.equal(longestSequentialChainMs([{ at: 0, end: 100 }, { at: 0, end: 100 }]), 100, "parallel calls do not add up");
        assert.equal(longestSequentialChainMs([]), 0);
    });
});

describe("bench/stack: stack.noop_mutating_calls", () => {
    const ok = { ok: true, errors: [] };
    const post = { server: "fly", method: "POST", path: "/v1/apps/a/secrets", at: 0, end: 1, status: 200 } as LoggedRequest;

    it("counts the mutating calls of the second up when both runs succeeded", () => {
        assert.equal(noopFigure(ok, ok, []), 0);
        assert.equal(noopFigure(ok, ok, [post]), 1);
    });

    it("throws, rather than report 0, when either run failed or reported an error", () => {
        assert.throws(() => noopFigure(ok, { ok: false, errors: ["deploy failed"] }, []), /the second up failed, so there is no figure: deploy failed/);
        assert.throws(() => noopFigure({ ok: false, errors: [] }, ok, []), /the first up failed, so there is no figure: no error reported/);
        assert.throws(() => noopFigure(ok, { ok: true, errors: ["error: a resource failed"] }, []), /the second up failed/);
    });
});
