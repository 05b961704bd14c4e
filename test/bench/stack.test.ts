import { strict as assert } from "node:assert";
import { longestSequentialChainMs } from "../../bench/stack";

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
