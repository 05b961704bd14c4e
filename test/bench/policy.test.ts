/** bench/policy: the pack must have something to say about the synthetic stack, or the benchmark fails. */
import { strict as assert } from "node:assert";
import { syntheticStack, timePack } from "../../bench/policy";

describe("bench/policy", () => {
    it("times the pack over a synthetic stack it has findings about", () => {
        const stack = syntheticStack(50);
        assert.equal(stack.length, 50);
        assert.ok(timePack(stack, 1) >= 0);
    });

    it("fails when the rules find nothing, rather than time rules that did no work", () => {
        assert.throws(() => timePack(syntheticStack(50), 1, []), /policy benchmark: the pack found nothing to say/);
    });
});
