import { strict as assert } from "node:assert";
import { at, containsUnknown, isUnknown, normalize, UNKNOWN } from "../../../policies/framework/unknown";

describe("policies/framework/unknown", () => {
    it("turns the analyzer's sentinels and the mock monitor's Unknown into one marker", () => {
        const raw = { a: "04da6b54-80e4-46f7-96ec-b56ff0331ba9", b: ["dd056dcd-154b-4c76-9bd3-c8f88648b5ff", 1], c: { __pulumiUnknown: true }, d: { e: "plain" } };
        assert.deepEqual(normalize(raw), { a: UNKNOWN, b: [UNKNOWN, 1], c: UNKNOWN, d: { e: "plain" } });
        assert.ok(containsUnknown(normalize(raw)));
        assert.ok(!containsUnknown(normalize({ d: { e: "plain" } })));
    });

    it("stops a walk at the first unknown", () => {
        const v = normalize({ config: { __pulumiUnknown: true } });
        assert.ok(isUnknown(at(v, "config", "env", "X")));
        assert.equal(at({ config: {} }, "config", "env", "X"), undefined);
    });
});
